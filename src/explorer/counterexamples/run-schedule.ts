/**
 * Running one schedule again from the initial state with fresh monitors, as replay does, either
 * strictly (each listed step must be the next to run) or following the list (at each point the
 * earliest listed step that can run, runs; optionally a few more steps towards a final state).
 * Minimization (minimize.ts) and the critical reordering (critical-reordering.ts) judge every
 * candidate schedule this way.
 */
import type { Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld, SemanticStep, Step } from '../../runtime/controlled-world.ts';
import type { FoundViolation } from '../search-types.ts';
import { ViolationLog } from './violation-log.ts';

export interface ScheduleRun {
  /** The steps that ran, named by what they did (not by what was asked). */
  executed: SemanticStep[];
  /** For each executed step, its index in the schedule asked for (-1: an extension step). */
  order: number[];
  /** Executed steps up to the report of the wanted kind (all of them for a terminal or final report), or null. */
  reachedAt: number | null;
  violation: FoundViolation | null;
  /** Every violation kind reported (observations excluded). */
  kinds: string[];
  /** Every asked step ran. */
  complete: boolean;
  /** No step was enabled at the end. */
  terminal: boolean;
}

export interface RunOptions {
  /** `strict`: each step must match in turn (replay); `follow`: the earliest listed step that can run, runs. */
  mode: 'strict' | 'follow';
  /** The violation kind looked for. */
  kind: string;
  /** End as soon as `kind` is reported. */
  stop?: boolean;
  /**
   * In follow mode, when no listed step can run (or all ran), take up to this many more steps
   * towards a final state, each time from the actor that waited longest.
   */
  extend?: number;
}

/** Execute a schedule from the initial state with fresh monitors, as replay does. */
export function runSchedule(
  world: ControlledWorld,
  trace: readonly SemanticStep[],
  monitors: Monitor[],
  opts: RunOptions,
): ScheduleRun {
  const log = new ViolationLog(monitors, { world });
  const executed: SemanticStep[] = [];
  const order: number[] = [];
  const pending = trace.map((_, i) => i);
  const lastRan = new Array<number>(world.actors.length).fill(-1);
  let extra = opts.mode === 'follow' ? (opts.extend ?? 0) : 0;
  let state = world.initial;
  let reachedAt: number | null = null;
  const note = () => {
    if (reachedAt === null && log.found.some((v) => v.kind === opts.kind)) reachedAt = executed.length;
  };
  const result = (terminal: boolean): ScheduleRun => ({
    executed,
    order,
    reachedAt,
    violation: log.found.find((v) => v.kind === opts.kind) ?? null,
    kinds: log.violations.map((v) => v.kind),
    complete: pending.length === 0,
    terminal,
  });
  for (;;) {
    const tries = opts.mode === 'strict' ? Math.min(1, pending.length) : pending.length;
    let at = -1;
    let step: Step | null = null;
    while (!step && ++at < tries) step = world.match(state, trace[pending[at]]);
    if (step) {
      order.push(pending[at]);
      pending.splice(at, 1);
    } else if (extra > 0) {
      step = longestWaiting(world.enabled(state), lastRan);
      if (!step) break;
      extra--;
      order.push(-1);
    } else {
      break;
    }
    lastRan[step.actor] = executed.length;
    const { state: next, record } = world.apply(state, step);
    executed.push(world.semantic(record));
    log.step(record, state, next, () => executed.slice());
    state = next;
    note();
    if (opts.stop && reachedAt !== null) return result(false);
  }
  const terminal = world.enabled(state).length === 0;
  if (pending.length === 0 || opts.mode === 'follow') {
    if (terminal) log.terminal(state, () => executed.slice());
    log.finish();
    note();
  }
  return result(terminal);
}

/** The enabled step of the actor that ran least recently (first in canonical order on ties). */
function longestWaiting(steps: Step[], lastRan: number[]): Step | null {
  let best: Step | null = null;
  for (const s of steps) if (!best || lastRan[s.actor] < lastRan[best.actor]) best = s;
  return best;
}
