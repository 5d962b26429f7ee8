/**
 * Sampling strategies: run whole schedules from the initial state, each step picked by a
 * seeded chooser. `random` picks uniformly among enabled steps; `pct` is probabilistic
 * concurrency testing (Burckhardt et al., ASPLOS 2010): random actor priorities, d-1 random
 * priority-change points, always run the highest-priority enabled actor. A bug of depth d is
 * found with probability at least 1/(n·k^(d-1)) per schedule (n actors, k steps).
 */
import type { ControlledWorld, SemanticStep, Step } from '../runtime/controlled-world.ts';
import { fingerprint } from './fingerprint.ts';
import { MemoryBudget } from './memory-budget.ts';
import { Random } from './random.ts';
import type { SearchLimit, SearchOptions, SearchResult } from './search-types.ts';
import { ViolationLog } from './violation-log.ts';
import { VisitedSet } from './visited-set.ts';

/** Picks the next step of one schedule; a new chooser is made per schedule. */
export interface Chooser {
  choose(steps: Step[], depth: number): Step;
}

export function randomChooser(rng: Random): Chooser {
  return { choose: (steps) => steps[rng.int(steps.length)] };
}

export function pctChooser(rng: Random, actors: number, depth: number, expectedSteps: number): Chooser {
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

export function samplingSearch(world: ControlledWorld, strategy: 'random' | 'pct', opts: SearchOptions): SearchResult {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const rng = new Random(seed);
  const log = new ViolationLog(opts.monitors, { world });
  const seen = new VisitedSet(16);
  const fp = new Uint32Array(2);
  const schedules = opts.schedules ?? 100;
  const maxDepth = opts.maxDepth ?? 10_000;
  const deadline = opts.timeLimit ? t0 + opts.timeLimit * 1000 : Number.POSITIVE_INFINITY;
  const memory = new MemoryBudget(opts.maxMemoryMiB);
  const startXstate = world.xstateSteps;
  let transitions = 0;
  /** Sampling never covers the space: it ends with its schedules run, or earlier at a limit. */
  let stoppedBy: SearchLimit = 'schedules';
  let ran = 0;
  let maxDepthReached = 0;
  let expectedSteps = Math.min(maxDepth, 100);

  outer: for (; ran < schedules; ran++) {
    if (performance.now() > deadline) {
      stoppedBy = 'time';
      break;
    }
    const chooser =
      strategy === 'random'
        ? randomChooser(rng)
        : pctChooser(rng, world.actors.length, opts.pctDepth ?? 3, expectedSteps);
    let state = world.initial;
    const trace: SemanticStep[] = [];
    for (let depth = 0; depth < maxDepth; depth++) {
      const steps = world.enabled(state);
      if (steps.length === 0) {
        if (log.terminal(state, () => trace.slice()) && opts.stopOnFirst) {
          stoppedBy = 'first-violation';
          break outer;
        }
        break;
      }
      const step = chooser.choose(steps, depth + 1);
      const { state: next, record } = world.apply(state, step);
      transitions++;
      trace.push(world.semantic(record));
      if (log.step(record, state, next, () => trace.slice()) && opts.stopOnFirst) {
        stoppedBy = 'first-violation';
        break outer;
      }
      fingerprint(next, fp);
      seen.add(fp[0], fp[1]);
      state = next;
      // A schedule may run 10^4 steps: look at the clock and the memory now and then within it.
      if ((transitions & 4095) === 0) {
        const cut = performance.now() > deadline ? 'time' : memory.exceeded();
        if (cut) {
          stoppedBy = cut;
          break outer;
        }
      }
    }
    maxDepthReached = Math.max(maxDepthReached, trace.length);
    expectedSteps = Math.max(expectedSteps, trace.length);
  }
  log.finish();
  const elapsedMs = performance.now() - t0;
  return {
    strategy,
    violations: log.found,
    stats: {
      states: seen.size,
      transitions,
      schedules: ran,
      elapsedMs: Math.round(elapsedMs),
      complete: false,
      stoppedBy,
      statesPerSecond: Math.round(seen.size / Math.max(elapsedMs / 1000, 1e-6)),
      maxDepthReached,
      xstateSteps: world.xstateSteps - startXstate,
    },
  };
}
