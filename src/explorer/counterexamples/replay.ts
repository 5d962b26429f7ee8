/**
 * src/explorer/counterexamples/: what happens to a violation once a search finds it.
 *   - violation-log.ts: one violation per kind, with the semantic trace that reaches it;
 *   - replay.ts (this file): a saved trace run again with the monitors (every strategy's
 *     counterexample replays); run-schedule.ts: one schedule run again, strictly or loosely;
 *   - minimize.ts: fewest steps, then fewest context switches; critical-reordering.ts: the two
 *     steps whose order makes the race.
 *
 * Replay a saved trace step by step, with the monitors watching, and say whether it reached
 * the same violation. Steps are matched semantically (actor, kind, sender, event), so a trace
 * survives model edits that renumber states; a step that no longer matches is a divergence.
 */
import type { Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import type { FoundViolation } from '../search-types.ts';
import { ViolationLog } from './violation-log.ts';

/**
 * What {@link replayTrace} did: how far it got, the state it reached, the violations the monitors
 * reported on the way, and where the trace no longer matched the model.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, replayTrace, type ReplayResult, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const found = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations[0];
 * const r: ReplayResult = replayTrace(world, found.trace, defaultMonitors());
 * r.divergence === null; // true: the trace still reproduces
 * ```
 */
export interface ReplayResult {
  /** Steps replayed before the end or the divergence. */
  replayed: number;
  state: WorldState;
  violations: FoundViolation[];
  divergence: null | { at: number; wanted: SemanticStep; enabled: SemanticStep[] };
  /** Set when `outOfTime` ended the replay before the trace did. */
  outOfTime?: true;
}

/**
 * `earlier` are whole schedules replayed first with the same monitors (a potential deadlock
 * is inferred from the lock-order edges of several schedules); the result is about `trace`.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, replayTrace, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const [v] = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations;
 * const replay = replayTrace(world, v.trace, defaultMonitors());
 * replay.divergence; // null: every step matched
 * replay.violations[0].kind; // the same kind as v
 * ```
 */
export function replayTrace(
  world: ControlledWorld,
  trace: SemanticStep[],
  monitors: Monitor[],
  earlier: SemanticStep[][] = [],
  /** Asked every 1024 steps: true stops the replay there (a time budget). */
  outOfTime: () => boolean = () => false,
): ReplayResult {
  const log = new ViolationLog(monitors, { world });
  for (const schedule of earlier) runQuietly(world, schedule, log);
  let state = world.initial;
  const done: SemanticStep[] = [];
  for (let i = 0; i < trace.length; i++) {
    if (i % 1024 === 1023 && outOfTime())
      return { replayed: i, state, violations: log.found, divergence: null, outOfTime: true };
    const step = world.match(state, trace[i]);
    if (!step) {
      const enabled = world.enabled(state).map((s) => world.describe(state, s));
      return { replayed: i, state, violations: log.found, divergence: { at: i, wanted: trace[i], enabled } };
    }
    const { state: next, record } = world.apply(state, step);
    done.push(world.semantic(record));
    log.step(record, state, next, () => done.slice());
    state = next;
  }
  if (world.enabled(state).length === 0) log.terminal(state, () => done.slice());
  log.finish();
  return { replayed: trace.length, state, violations: log.found, divergence: null };
}

/** Replay a schedule only for what the monitors learn from it (no result). */
function runQuietly(world: ControlledWorld, trace: SemanticStep[], log: ViolationLog): void {
  let state = world.initial;
  const done: SemanticStep[] = [];
  for (const wanted of trace) {
    const step = world.match(state, wanted);
    if (!step) return;
    const { state: next, record } = world.apply(state, step);
    done.push(world.semantic(record));
    log.step(record, state, next, () => done.slice());
    state = next;
  }
}
