/**
 * Who a violation is charged to under `check --driver` (docs/driver-protocol.md, "Environment
 * findings"). A violation counts against the driver under test only when the driver takes
 * part in its cause and the scenario does not declare that cause as its environment's:
 *
 * 1. The participants of a violation are the actors in its cause:
 *    - deadlock, fence-unsignaled: in the final state of the counterexample, the wait-for
 *      cycle (or every wait, when there is none): each waiting thread of control, who asked
 *      for the wait (the `replyTo` of the lock, fence or read_begin waiter, else the sender
 *      of the last request of that thread the awaited actor got, e.g. a `core.remove`), who
 *      would have to move first (holders, signalling engines), and, for a wait on an epoch,
 *      the driver whose invalidate callback holds it open; plus the actors a blocked thread
 *      waits an answer from, and any actor still holding deferred messages;
 *    - potential-deadlock: each non-primed edge of the lock-order cycle: the actor that
 *      asked for the lock, fence wait, allocation, invalidation or remove (as the lockdep
 *      monitor recorded it) and the actor behind its thread of control;
 *    - every other kind: every actor that takes a step in the counterexample or sends a
 *      message delivered in it (and the actor a model-error names).
 *    A thread of control `dev:x/engine` stands for the actor `dev:x`.
 * 2. The driver under test takes part when one of its actors (`drv:<device>`, every device
 *    of the scenario under `--driver`) is a participant. If it does not, the violation is an
 *    environment finding: the driver is not part of its cause.
 * 3. If it does, and the scenario's `environment:` lists the violation's kind with an actor
 *    at fault that is also a participant, it is an environment finding too: the cause
 *    includes a fault the scenario planted on purpose, and the driver's part is what the
 *    kernel contract asks of it (e.g. a notifier callback waiting for its job's fence).
 * 4. Otherwise it is charged to the driver (BREAKS).
 */
import { replayTrace } from '../explorer/counterexamples/replay.ts';
import { findCycle, waitEdges } from '../monitors/wait-for.ts';
import type { ControlledWorld, SemanticStep, WorldState } from '../runtime/controlled-world.ts';
import type { EnvironmentFault } from '../scenario/schema.ts';

/**
 * A violation as {@link chargeViolation} takes it: its kind, message, counterexample and evidence
 * (a `FoundViolation` is one).
 *
 * @example
 * ```ts
 * import { chargeViolation, type ChargeInput, defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const v: ChargeInput = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations[0];
 * chargeViolation(world, [], v);
 * ```
 */
export interface ChargeInput {
  kind: string;
  message: string;
  trace: SemanticStep[];
  details?: unknown;
}

/**
 * To whom `check --driver` charges a violation: the driver under test, or the scenario's
 * environment (see {@link chargeViolation}).
 *
 * @example
 * ```ts
 * import type { Charge } from 'mirrorlab';
 *
 * const charge: Charge = { to: 'environment', reason: "the scenario's environment breaks it by design", participants: ['dev:gpuA'] };
 * ```
 */
export interface Charge {
  to: 'driver' | 'environment';
  /** Why, in words: the declared environment fault, or that the driver takes no part. */
  reason: string;
  participants: string[];
}

/** The actor behind a thread of control: `dev:gpu0/engine` → `dev:gpu0`. */
export const actorOfTid = (tid: string): string => tid.split('/')[0];

/** Under `--driver`, every device's driver (`drv:<device>`) is the driver under test. */
const isDriver = (id: string): boolean => id.startsWith('drv:');

/**
 * Who a violation is charged to under `check --driver`: the driver, or the environment when the
 * driver takes no part in its cause or the scenario's `environment:` declares that cause (the rules
 * are in this file's header and docs/driver-protocol.md, "Environment findings").
 *
 * @example
 * ```ts
 * import { chargeViolation, defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world, compiled } = await worldFor('scenarios/seeds/fence-signal-allocates.yaml');
 * const { violations } = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
 * for (const v of violations) console.log(v.kind, chargeViolation(world, compiled.scenario.environment, v).to);
 * ```
 */
export function chargeViolation(
  world: ControlledWorld,
  environment: EnvironmentFault[],
  v: ChargeInput,
  drivers: string[] = world.actors.map((a) => a.id).filter(isDriver),
): Charge {
  return chargeOf([...causeOf(world, v)].sort(), environment, v.kind, drivers);
}

/**
 * The charge of a lock-order cycle (`potential-deadlock`) from its `details` alone: its
 * participants are read off the cycle's edges, so no world is needed (the merge of shards whose
 * edges together showed the cycle: shard-merge.ts).
 */
export function chargeLockOrderCycle(environment: EnvironmentFault[], details: unknown): Charge {
  const participants = [...lockOrderCause(details)].sort();
  return chargeOf(participants, environment, 'potential-deadlock', participants.filter(isDriver));
}

/** Rules 2-4 above, given the participants (sorted) and the driver under test's actors. */
function chargeOf(participants: string[], environment: EnvironmentFault[], kind: string, drivers: string[]): Charge {
  const driverPart = participants.filter((p) => drivers.includes(p));
  if (driverPart.length === 0) {
    const declared = environment.find((f) => f.kinds.includes(kind as never));
    return {
      to: 'environment',
      reason: `the driver takes no part in it (participants: ${participants.join(', ') || 'none'})${declared ? `; the scenario says: ${declared.why}` : ''}`,
      participants,
    };
  }
  for (const fault of environment) {
    if (!fault.kinds.includes(kind as never)) continue;
    const atFault = fault.actors.filter((a) => participants.includes(a));
    if (atFault.length)
      return {
        to: 'environment',
        reason: `the scenario's environment breaks it by design (${atFault.join(', ')}: ${fault.why})`,
        participants,
      };
  }
  return { to: 'driver', reason: `${driverPart.join(', ')} take(s) part in it`, participants };
}

function causeOf(world: ControlledWorld, v: ChargeInput): Set<string> {
  if (v.kind === 'potential-deadlock') return lockOrderCause(v.details);
  if (v.kind === 'deadlock' || v.kind === 'fence-unsignaled') {
    const end = replayTrace(world, v.trace, []);
    if (!end.divergence) return waitCause(world, end.state, v.trace, v.kind);
  }
  const out = new Set<string>();
  for (const s of v.trace) {
    out.add(s.actor);
    if (s.from) out.add(s.from);
  }
  const named = /^(?:actor ')?([a-z]+:[^\s':]+)/.exec(v.message)?.[1];
  if (v.kind === 'model-error' && named) out.add(named);
  return out;
}

interface CycleEdge {
  tid: string;
  /** Who asked for the lock (lockdep.ts); absent in edges it could not tell. */
  by?: string;
  witness: SemanticStep[] | string;
}

function lockOrderCause(details: unknown): Set<string> {
  const out = new Set<string>();
  for (const e of (details as { cycle?: CycleEdge[] } | undefined)?.cycle ?? []) {
    if (!Array.isArray(e.witness) || e.witness.length === 0) continue;
    const shown = e.witness[e.witness.length - 1];
    out.add(e.by ?? shown.from ?? shown.actor);
    out.add(actorOfTid(e.tid));
  }
  return out;
}

interface Waiter {
  tid: string;
  replyTo?: string;
}

function waitCause(world: ControlledWorld, state: WorldState, trace: SemanticStep[], kind: string): Set<string> {
  const out = new Set<string>();
  const edges = waitEdges(world, state);
  const cycle = findCycle(edges);
  const ctx = <T>(id: string) => world.snapshot(state, id).context as T;
  const askerOf = (on: string, tid: string): string | undefined => {
    const c = ctx<{ waiters?: Waiter[]; readers?: Waiter[] }>(on);
    const waiter = [...(c.waiters ?? []), ...(c.readers ?? [])].find((w) => w.tid === tid);
    if (waiter?.replyTo) return waiter.replyTo;
    for (let k = trace.length - 1; k >= 0; k--)
      if (trace[k].actor === on && (trace[k].event as { tid?: string }).tid === tid) return trace[k].from;
    return undefined;
  };
  // The drivers whose callbacks an epoch (of a core, or of a subscription's core) waits for.
  const callbackDriversOf = (on: string): string[] => {
    const core = on.startsWith('sub:') ? ctx<{ core?: string }>(on).core : on;
    if (!core?.startsWith('core:')) return [];
    const starts = ctx<{ starting?: { calling: string | null }[] }>(core).starting ?? [];
    return starts.flatMap((s) => (s.calling ? [ctx<{ driver?: string }>(s.calling).driver ?? ''] : [])).filter(Boolean);
  };
  for (const e of cycle ?? edges) {
    out.add(actorOfTid(e.tid));
    const asker = askerOf(e.on, e.tid);
    if (asker) out.add(asker);
    for (const b of e.blockers) out.add(actorOfTid(b));
    for (const driver of callbackDriversOf(e.on)) out.add(driver);
  }
  if (cycle) return out;
  // No cycle: what the blocked threads wait for, and who sits on deferred messages.
  world.actors.forEach((a, i) => {
    const snap = world.snapshot(state, i);
    if (a.id.startsWith('thread:') && snap.status !== 'done') {
      const c = snap.context as { pc?: number; ops?: { to: string }[] };
      const op = c.ops?.[c.pc ?? -1];
      if (op) out.add(a.id).add(op.to);
    }
    if (world.inbox(state, i).length) out.add(a.id);
    if (kind === 'fence-unsignaled' && a.id.startsWith('fence:') && !snap.matches('signaled' as never)) {
      const c = snap.context as { callbacks?: { replyTo?: string }[] };
      for (const cb of c.callbacks ?? []) if (cb.replyTo) out.add(cb.replyTo);
    }
  });
  return out;
}
