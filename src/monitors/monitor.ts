/**
 * Monitors observe and judge; they never change the model (P's spec machines, Coyote's
 * monitors). Each sees every step record (with the machines' observations) and the states
 * around it, and may keep its own bookkeeping across a whole search (lockdep-style inference).
 */
import type { ControlledWorld, SemanticStep, StepRecord, WorldState } from '../runtime/controlled-world.ts';

/**
 * A broken property, as a monitor reports it: its kind, a message, and optional evidence.
 *
 * @example
 * ```ts
 * import type { Violation } from 'mirrorlab';
 *
 * const v: Violation = { kind: 'stale-spte', message: 'dev:gpu0 maps 0x10000 to a page the CPU no longer maps there' };
 * ```
 */
export interface Violation {
  /** The property broken, e.g. `stale-spte`, `deadlock`. */
  kind: string;
  message: string;
  /** `violation` breaks the property; `observation` is reported but allowed (stale data under pins). */
  severity?: 'violation' | 'observation';
  /** Extra evidence (a wait-for cycle, two witness fragments). */
  details?: unknown;
}

/**
 * What a {@link Monitor} is given besides the step: the world being explored.
 *
 * @example
 * ```ts
 * import type { Monitor, MonitorContext } from 'mirrorlab';
 *
 * const actorCount: Monitor = {
 *   name: 'actor-count',
 *   reset: (ctx: MonitorContext) => console.log(ctx.world.actors.length, 'actors'),
 * };
 * ```
 */
export interface MonitorContext {
  world: ControlledWorld;
}

/**
 * How a monitor's `onStep` depends on a kind of step (decided once per distinct machine
 * transition, from its cached record):
 *   - `skip`: it always returns null for such steps, so it need not be called;
 *   - `local`: its verdict is a function of the step's record and the acting actor's own
 *     snapshots before and after, so one call per distinct transition is enough;
 *   - `global`: it reads other actors' state too, so it runs on every occurrence (and the
 *     step counts as visible for partial-order reduction).
 * A monitor without `interest` is treated as `global` for every step (safe, slow).
 *
 * @example
 * ```ts
 * import type { Interest, Monitor } from 'mirrorlab';
 *
 * // A monitor that only looks at steps that observed a device access, one actor at a time.
 * const deviceOnly: Monitor = {
 *   name: 'device-only',
 *   interest: (_world, record): Interest => (record.observations.some((o) => o.kind === 'dev.access') ? 'local' : 'skip'),
 *   onStep: () => null,
 * };
 * ```
 */
export type Interest = 'skip' | 'local' | 'global';

/**
 * A property checked during a search or a replay. A monitor observes and judges, never changes the
 * model: it sees every step's record (with the machines' observations) and the states around it,
 * and returns a {@link Violation} or null.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor, type Monitor } from 'mirrorlab';
 *
 * // Flag any device access at all (a toy property).
 * const noDeviceAccess: Monitor = {
 *   name: 'no-device-access',
 *   onStep: (_ctx, record) =>
 *     record.observations.some((o) => o.kind === 'dev.access') ? { kind: 'no-device-access', message: 'the device accessed memory' } : null,
 * };
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), noDeviceAccess] });
 * ```
 */
export interface Monitor {
  readonly name: string;
  /** Which steps `onStep` cares about, and what it reads (see `Interest`). */
  interest?(world: ControlledWorld, record: StepRecord): Interest;
  /**
   * For a `global` monitor: the actors (indices) whose situations before the step (snapshot,
   * inbox, timers, choice), together with the step itself, decide everything `onStep` does,
   * its bookkeeping included. A search then runs it once per distinct combination, each
   * situation as it says it reads it (`inFlight`, `fieldsRead`; explorer/search/situation-views.ts).
   */
  reads?(world: ControlledWorld): number[];
  /**
   * With `reads`: the types of the messages on their way to those actors (in their inboxes) that
   * decide anything it does. Omitted: any type may. The search runs a return in the step that
   * answers it only when every monitor says what it reads and what the receiver sends next is of
   * no type a monitor reading that message's receiver names here (explorer/reduction/returns.ts).
   */
  inFlight?: readonly string[];
  /**
   * With `reads`: of actor `actor` (one it reads), the fields of its context that decide anything
   * it does, with the messages of the `inFlight` types on their way to it; omitted or null: its
   * whole situation. The search takes a reply to a built-in driver, a subscription or a notifier
   * core in the step that sends it only when every monitor reading the receiver names fields that
   * reply leaves as they were, or a thread-scoped one names fields in which only the replying
   * thread's entries change (explorer/reduction/returns.ts); the checking mode
   * (`--check-monitors`) checks the claim.
   */
  fieldsRead?(world: ControlledWorld, actor: number): readonly string[] | null;
  /**
   * For a step this monitor judges `global`ly: its verdicts over a whole search stay what they
   * are if the step, a delivery, is taken in the step that sends it (as the search takes
   * replies, explorer/reduction/returns.ts), being judged there, with the state after it. The
   * search then may take it so although this monitor judges it or reads what it changes.
   * stale-spte says so of a map that only adds entries to a device with no job (memory-safety.ts).
   */
  allowsEarly?(world: ControlledWorld, record: StepRecord): boolean;
  /**
   * What it says at a step never depends on what concerns a thread of control that neither the
   * step names (the tids of its observations and of what it sends) nor waits (for a lock, a
   * fence, a sequence, a removal): the locks such a thread holds, the callbacks it runs, its
   * messages on their way. In a world of the machines this package ships, a thread whose reply
   * is on its way is such a thread until the reply is taken, and nothing changes what concerns
   * it meanwhile, so the search may take a reply at once although this monitor judges the
   * delivery `global` or reads what it sends on their way (explorer/reduction/returns.ts).
   */
  threadScoped?: boolean;
  /**
   * A new instance with empty bookkeeping, for a monitor that keeps some across steps: the
   * checking mode (explorer/search/monitor-audit.ts) runs it ungated beside the gated one.
   */
  fresh?(): Monitor;
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

/**
 * In `Monitor.fieldsRead`, the actor's state value (and so its tags) rather than a context field:
 * what a monitor reads of an actor whose state names a phase (a device's fence-signalling section).
 */
export const STATE_VALUE = '$value';

/** Field `f` of a snapshot, as `Monitor.fieldsRead` names it (`STATE_VALUE`: the state value). */
export function fieldOf(snapshot: { value: unknown; context: unknown }, f: string): unknown {
  return f === STATE_VALUE ? snapshot.value : (snapshot.context as Record<string, unknown>)[f];
}
