/**
 * A scenario that needs real concurrency (anon_teardown: one thread unmaps while another
 * READs) runs under the explorer's `random` strategy: one seeded uniformly random schedule
 * per seed on the controlled world, every default monitor plus the threads' expectations. A
 * seed passes when its schedule ends with every thread done and nothing was found: no crash
 * (model error, unhandled event), no deadlock, no hang (the depth budget), no use-after-free,
 * no failed expectation. Each seed gets a fresh world, so memory does not grow with seeds.
 */

import { ViolationLog } from '../explorer/counterexamples/violation-log.ts';
import { Random } from '../explorer/strategies/random.ts';
import { pctChooser, randomChooser } from '../explorer/strategies/sampling.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { type ActorSpec, ControlledWorld, type SemanticStep } from '../runtime/controlled-world.ts';
import { expectationMonitor } from './expectation-monitor.ts';

export interface SeedOutcome {
  seed: number;
  /** `random` (uniform) or `pct` (priority-based: long stretches of one actor, e.g. a READ that wins the race). */
  strategy: 'random' | 'pct';
  steps: number;
  ok: boolean;
  /** The first problem, in words (null when ok). */
  problem: string | null;
  /** Set when `outOfTime` ended the schedule before it ended: its verdict is unknown. */
  outOfTime?: true;
  /** Replies per op label across threads, e.g. `{ ioctl: { '0': 9, '-14': 1 } }`, for the report. */
  results: Record<string, Record<string, number>>;
}

export function runRandomSeed(
  specs: ActorSpec[],
  seed: number,
  maxDepth = 500_000,
  strategy: 'random' | 'pct' = 'random',
  /** Asked every 1024 steps: true stops the schedule (a time budget). */
  outOfTime: () => boolean = () => false,
): SeedOutcome {
  const world = new ControlledWorld(specs);
  const log = new ViolationLog([...defaultMonitors(), expectationMonitor], { world });
  const rng = new Random(seed);
  // PCT with depth 2: one priority change point somewhere in the first 20,000 steps.
  const chooser = strategy === 'pct' ? pctChooser(rng, world.actors.length, 2, 20_000) : randomChooser(rng);
  const trace: SemanticStep[] = [];
  let state = world.initial;
  let steps = 0;
  let finished = false;
  for (; steps < maxDepth; steps++) {
    if (steps % 1024 === 1023 && outOfTime())
      return { seed, strategy, steps, ok: true, problem: null, results: {}, outOfTime: true };
    const enabled = world.enabled(state);
    if (enabled.length === 0) {
      log.terminal(state, () => trace.slice());
      finished = true;
      break;
    }
    const { state: next, record } = world.apply(state, chooser.choose(enabled, steps + 1));
    trace.push(world.semantic(record));
    log.step(record, state, next, () => trace.slice());
    state = next;
  }
  log.finish();
  const results: SeedOutcome['results'] = {};
  let unfinished: string | null = null;
  for (const [i, a] of world.actors.entries()) {
    if (!a.id.startsWith('thread:') || a.id === 'thread:setup') continue;
    const snap = world.snapshot(state, i);
    if (snap.status !== 'done') unfinished ??= a.id;
    const ctx = snap.context as { results: { label: string | null; reply: { result?: unknown } | null }[] };
    for (const r of ctx.results) {
      const label = r.label ?? '?';
      const key = String(r.reply?.result ?? 'none');
      results[label] ??= {};
      results[label][key] = (results[label][key] ?? 0) + 1;
    }
  }
  const violation = log.violations[0];
  const problem = violation
    ? `${violation.kind}: ${violation.message}`
    : !finished
      ? `hang: no end after ${maxDepth} steps`
      : unfinished
        ? `deadlock: ${unfinished} did not finish`
        : null;
  return { seed, strategy, steps, ok: problem === null, problem, results };
}
