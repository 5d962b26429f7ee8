/**
 * Sampling strategies: run whole schedules from the initial state, each step picked by a
 * seeded chooser (choosers.ts: uniform `random`; `pct`, Burckhardt et al., ASPLOS
 * 2010; `swarm`, Groce et al., ISSTA 2012), fast (sampling-runner.ts). Schedule k draws
 * everything from its own seed (sampling-seeds.ts), so a found violation names the schedule
 * and seed that reproduce it, and `--workers N` (check/sample-workers.ts) gives the same
 * result for every N. A sampling search never covers the space: its stats say `complete:
 * false`, so a property it did not violate stays `inconclusive` (check/verdict.ts).
 */
import type { ControlledWorld, Step } from '../../runtime/controlled-world.ts';
import { scheduleShare } from '../search/shard.ts';
import type { SearchLimit, SearchOptions, SearchResult } from '../search-types.ts';
import { omissionProbability } from '../visited/visited-set.ts';
import type { SamplingStrategy } from './choosers.ts';
import type { Random } from './random.ts';
import { ScheduleRunner } from './sampling-runner.ts';
import { scheduleSeed } from './sampling-seeds.ts';

export type { SamplingStrategy } from './choosers.ts';

/**
 * Schedules a sampling search runs when none are asked for (`--schedules`): at 10–70 k
 * schedules/s on the bundled scenarios (2–25 k at 200 steps) a fraction of a second to a few
 * seconds, and enough for windows hit once in ~2,000 schedules (docs/performance.md, "Sampling").
 */
export const DEFAULT_SCHEDULES = 10_000;

/** Picks the next step of one schedule from `Step` objects (for callers off the fast path). */
export interface StepChooser {
  choose(steps: Step[], depth: number): Step;
}

export function randomChooser(rng: Random): StepChooser {
  return { choose: (steps) => steps[rng.int(steps.length)] };
}

/** PCT over actors (not threads of control), for the conformance suite's seeded runs. */
export function pctChooser(rng: Random, actors: number, depth: number, expectedSteps: number): StepChooser {
  // Initial priorities d .. d+n-1 in random order; change points get priorities d-1 .. 1.
  const priority = Array.from({ length: actors }, (_, i) => depth + i);
  for (let i = actors - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [priority[i], priority[j]] = [priority[j], priority[i]];
  }
  const changePoints = new Map<number, number>();
  for (let i = 1; i < depth; i++) changePoints.set(1 + rng.int(Math.max(1, expectedSteps)), depth - i);
  return {
    choose(steps, stepNo) {
      let best = steps[0];
      for (const s of steps) if (priority[s.actor] > priority[best.actor]) best = s;
      const lowered = changePoints.get(stepNo);
      if (lowered !== undefined) priority[best.actor] = lowered;
      // Among the chosen actor's own alternatives (timers, choice options), pick at random.
      const own = steps.filter((s) => s.actor === best.actor);
      return own[rng.int(own.length)];
    },
  };
}

/**
 * Runs the schedules `first, first + stride, ...` below `opts.schedules` (all of them by
 * default, or `opts.shard`'s share: shard.ts) on one thread. `--workers N` runs one such share
 * per worker and merges the results.
 *
 * @example
 * ```ts
 * import { defaultMonitors, samplingSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const result = samplingSearch(world, 'pct', { monitors: defaultMonitors(), schedules: 1000, seed: 1 });
 * result.violations.map((v) => `${v.kind}: --seed ${v.schedule?.seed} --schedules 1`);
 * ```
 */
export function samplingSearch(
  world: ControlledWorld,
  strategy: SamplingStrategy,
  opts: SearchOptions,
  share: { first: number; stride: number } = scheduleShare(opts.shard),
): SearchResult {
  const t0 = performance.now();
  const base = opts.seed ?? 1;
  const schedules = opts.schedules ?? DEFAULT_SCHEDULES;
  const startXstate = world.xstateSteps;
  const runner = new ScheduleRunner(world, opts, t0);
  const so = { pctDepth: opts.pctDepth };
  let ran = 0;
  for (let k = share.first; k < schedules; k += share.stride) {
    ran++;
    if (!runner.schedule(k, scheduleSeed(base, k), strategy, so)) break;
    if ((ran & 255) === 0)
      opts.onProgress?.(runner.seen.size, performance.now() - t0, {
        depth: runner.maxDepthReached,
        schedules: ran,
        of: Math.ceil((schedules - share.first) / share.stride),
      });
  }
  const violations = runner.finish();
  /** Sampling never covers the space: it ends with its schedules run, or earlier at a limit. */
  const stoppedBy: SearchLimit = runner.stoppedBy ?? 'schedules';
  const elapsedMs = performance.now() - t0;
  const states = runner.seen.size;
  return {
    strategy,
    violations,
    stats: {
      states,
      transitions: runner.transitions,
      schedules: ran,
      elapsedMs: Math.round(elapsedMs),
      complete: false,
      stoppedBy,
      statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
      maxDepthReached: runner.maxDepthReached,
      xstateSteps: world.xstateSteps - startXstate,
      omissionProbability: omissionProbability(states),
      schedulesPerSecond: Math.round(ran / Math.max(elapsedMs / 1000, 1e-6)),
      ...(strategy === 'random' ? {} : { sampleShape: runner.shape() }),
    },
  };
}
