/** Every monitor the checker runs, by property name. New instances per search (lockdep keeps state). */
import { falseOnBlockableMonitor, sleepInAtomicMonitor, sleepInNonblockMonitor } from './callback-rules.ts';
import { deadlockMonitor } from './deadlock.ts';
import { expectationMonitor } from './expectation.ts';
import { fenceOrderMonitor } from './fence-order.ts';
import { fenceUnsignaledMonitor, unboundedRetryMonitor } from './liveness.ts';
import { LockdepMonitor } from './lockdep.ts';
import { staleDataMonitor, staleSptsMonitor, useAfterFreeMonitor } from './memory-safety.ts';
import { modelErrorMonitor } from './model-errors.ts';
import type { Monitor } from './monitor.ts';
import { seqInvariantMonitor } from './seq-invariant.ts';
import { unhandledEventMonitor } from './unhandled-event.ts';

/**
 * A new instance of every monitor `mirrorlab check` runs (stale-spte, use-after-free, deadlock,
 * lockdep, the notifier rules, ...). Take new ones for each search: some keep bookkeeping across
 * it.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * defaultMonitors().map((m) => m.name);
 * const { world } = await worldFor('scenarios/seeds/oom-reaper-sleeps.yaml');
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
 * ```
 */
export function defaultMonitors(): Monitor[] {
  return [
    staleSptsMonitor,
    staleDataMonitor,
    useAfterFreeMonitor,
    seqInvariantMonitor,
    falseOnBlockableMonitor,
    sleepInNonblockMonitor,
    sleepInAtomicMonitor,
    deadlockMonitor,
    new LockdepMonitor(),
    fenceUnsignaledMonitor,
    fenceOrderMonitor,
    unboundedRetryMonitor,
    unhandledEventMonitor,
    modelErrorMonitor,
    expectationMonitor,
  ];
}

export type { Monitor, Violation } from './monitor.ts';
