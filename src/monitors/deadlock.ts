/**
 * `deadlock`: threads of control that can never move again. Judged twice:
 *   - at a state with no enabled step while some thread has not finished: the report names
 *     what each blocked thread waits for, every wait (wait-for.ts) and, when there is one,
 *     the whole wait-for cycle with the cause of each link;
 *   - as soon as a state holds a cycle of stable waits (waits only a blocker's move can end):
 *     such a cycle persists in every continuation, so a depth- or state-bounded search reports
 *     it even when it never reaches the terminal state behind it.
 */
import type { ControlledWorld, StepRecord } from '../runtime/controlled-world.ts';
import type { Interest, Monitor, Violation } from './monitor.ts';
import { ctxOf, topology } from './topology.ts';
import { cycleText, findCycle, WAIT_FOR_IN_FLIGHT, type WaitEdge, waitEdges } from './wait-for.ts';

function cycleDetails(cycle: WaitEdge[] | null) {
  return cycle?.map((e) => ({ tid: e.tid, on: e.on, text: e.text, blockedBy: e.why })) ?? null;
}

/** Actors whose contexts hold waits or what they wait for (wait-for.ts reads exactly these). */
function waitActors(world: ControlledWorld): number[] {
  const t = topology(world);
  return [...t.locks, ...t.fences, ...t.subs, ...t.cores, ...t.devices].sort((a, b) => a - b);
}

/** What the wait-for graph reads of a subscription, a core and a device (wait-for.ts); the rest it reads whole. */
const SUBSCRIPTION_FIELDS = ['readers', 'core', 'driver'];
const CORE_FIELDS = ['seq', 'starting', 'started', 'removing'];
const DEVICE_FIELDS = ['job', 'queue'];

const WAIT_OBSERVATIONS = new Set(['lock.wait', 'lock.acquired', 'fence.waitBegin', 'sleep']);
const WAIT_EVENTS = new Set(['core.remove', 'core.invalidateStart', 'dev.submit']);

function formsWait(record: StepRecord): boolean {
  return WAIT_EVENTS.has(record.message.event.type) || record.observations.some((o) => WAIT_OBSERVATIONS.has(o.kind));
}

export const deadlockMonitor: Monitor = {
  name: 'deadlock',
  // A cycle is made of waiting threads: what a thread that waits for nothing holds, or has on its
  // way, adds edges into it only, and no cycle passes through a thread with no edge out.
  threadScoped: true,
  // A cycle forms only where a wait or a blocker appears: a waiter queues on a lock, a fence or
  // a subscription, a lock gets a new holder, a remove sleeps, an invalidation opens or joins an
  // epoch, a device takes a job whose fence someone may wait for.
  interest: (world: ControlledWorld, record: StepRecord): Interest =>
    record.before !== record.after && waitActors(world).includes(world.indexOf(record.actor)) && formsWait(record)
      ? 'global'
      : 'skip',
  reads: waitActors,
  inFlight: WAIT_FOR_IN_FLIGHT,
  fieldsRead: (world, actor) => {
    const t = topology(world);
    if (t.subs.includes(actor)) return SUBSCRIPTION_FIELDS;
    if (t.devices.includes(actor)) return DEVICE_FIELDS;
    return t.cores.includes(actor) ? CORE_FIELDS : null;
  },
  onStep(ctx, _record, _before, after): Violation | null {
    const edges = waitEdges(ctx.world, after);
    if (edges.length < 1) return null;
    const cycle = findCycle(edges, true);
    if (!cycle) return null;
    return {
      kind: 'deadlock',
      message: `a wait-for cycle formed, and no step can break it: ${cycleText(cycle)}`,
      details: { blocked: [], waits: edges.map((e) => e.text), cycle: cycleDetails(cycle) },
    };
  },
  onTerminal(ctx, state) {
    const { world } = ctx;
    const blocked = topology(world)
      .threads.filter((i) => world.snapshot(state, i).status !== 'done')
      .map((i) => {
        const c = ctxOf<{ pc: number; ops: { to: string; event: { type: string } }[] }>(world, state, i);
        const op = c.ops?.[c.pc];
        return op ? `${world.actors[i].id} waits for ${op.to} to answer ${op.event.type}` : world.actors[i].id;
      });
    if (blocked.length === 0) return null;
    const edges = waitEdges(world, state);
    const cycle = findCycle(edges);
    const stuck = world.actors
      .map((a, i) =>
        world.inbox(state, i).length ? `${a.id} holds ${world.inbox(state, i).length} deferred message(s)` : '',
      )
      .filter(Boolean);
    const lines = [...blocked, ...edges.map((e) => e.text), ...stuck];
    return {
      kind: 'deadlock',
      message: `no step can run: ${lines.join('; ')}${cycle ? `. Cycle: ${cycleText(cycle)}` : ''}`,
      details: { blocked, waits: edges.map((e) => e.text), cycle: cycleDetails(cycle) },
    };
  },
};
