/**
 * Monitors observe and judge; they never change the model (P's spec machines, Coyote's
 * monitors). Each sees every step record (with the machines' observations) and the states
 * around it, and may keep its own bookkeeping across a whole search (lockdep-style inference).
 */
import type { ControlledWorld, SemanticStep, StepRecord, WorldState } from '../runtime/controlled-world.ts';

export interface Violation {
  /** The property broken, e.g. `stale-spte`, `deadlock`. */
  kind: string;
  message: string;
  /** `violation` breaks the property; `observation` is reported but allowed (stale data under pins). */
  severity?: 'violation' | 'observation';
  /** Extra evidence (a wait-for cycle, two witness fragments). */
  details?: unknown;
}

export interface MonitorContext {
  world: ControlledWorld;
}

export interface Monitor {
  readonly name: string;
  /** Called once before a search or a run. */
  reset?(ctx: MonitorContext): void;
  /** After each step; `trace()` builds the schedule so far (including this step) on demand. */
  onStep?(
    ctx: MonitorContext,
    record: StepRecord,
    before: WorldState,
    after: WorldState,
    trace: () => SemanticStep[],
  ): Violation | null;
  /** When a state has no enabled step. */
  onTerminal?(ctx: MonitorContext, state: WorldState): Violation | null;
  /** After the whole search: inferences over everything explored. `path` resolves a witness. */
  onFinish?(ctx: MonitorContext): Violation[];
}
