/**
 * Liveness as far as a finite search can see it:
 *   - `fence-unsignaled`: the search reached a state where nothing can run, and a fence that
 *     someone depends on (a waiter, a callback, or a job that carries it) never signalled
 *     (§7 item 26: every published fence must signal);
 *   - `unbounded-retry`: a driver gave up a fault with -EBUSY after exhausting its retry bound
 *     (the model's stand-in for the 1000 ms HMM_RANGE_DEFAULT_TIMEOUT): reported as an
 *     observation, since a bounded loop that gives up is what the kernel does;
 *   - `livelock` is judged over cycles of the explored graph (src/explorer/liveness/): what
 *     it needs from here is which request an actor has outstanding (`pendingRequest`).
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { EBUSY } from '../../machines/errno.ts';
import { AWAITING_REPLY_TAG } from '../../machines/tags.ts';
import type { ControlledWorld, WorldState } from '../runtime/controlled-world.ts';
import type { Monitor } from './monitor.ts';
import { ctxOf, NO_OTHER_ACTOR, topology } from './topology.ts';
import { waitEdges } from './wait-for.ts';

export const fenceUnsignaledMonitor: Monitor = {
  name: 'fence-unsignaled',
  onTerminal(ctx, state) {
    const { world } = ctx;
    const t = topology(world);
    // The job carrying each fence: its submitter and the engine that would complete it.
    const carried = new Map<string, { engine: string; submitter: string }>();
    for (const i of t.devices) {
      const c = ctxOf<{ job: Job | null; queue: Job[] }>(world, state, i);
      for (const j of [c.job, ...(c.queue ?? [])])
        if (j?.fence) carried.set(j.fence, { engine: `${world.actors[i].id}/engine`, submitter: j.tid });
    }
    for (const i of t.fences) {
      const id = world.actors[i].id;
      const snap = world.snapshot(state, i);
      if (snap.matches('signaled' as never)) continue;
      const c = snap.context as { waiters?: { tid: string }[]; callbacks?: { replyTo: string; cbId: unknown }[] };
      const waiters = (c.waiters ?? []).map((w) => w.tid);
      const callbacks = (c.callbacks ?? []).map((cb) => `${cb.replyTo} (callback ${String(cb.cbId)})`);
      const job = carried.get(id);
      if (waiters.length + callbacks.length === 0 && !job) continue;
      const who = [
        waiters.length ? `waited for by ${waiters.join(', ')}` : '',
        callbacks.length ? `with callbacks of ${callbacks.join(', ')}` : '',
        job ? `carried by a job of ${job.submitter} that never completes${stuckText(world, state, job.engine)}` : '',
      ].filter(Boolean);
      return {
        kind: 'fence-unsignaled',
        message: `${id} can never signal: ${who.join('; ')}`,
        details: { fence: id, waiters, callbacks, job: job ?? null },
      };
    }
    return null;
  },
};

interface Job {
  fence: string;
  tid: string;
}

/** ", its engine dev:gpu0/engine waits for lock:gpu0 held by thread:cpu", when the engine waits. */
function stuckText(world: ControlledWorld, state: WorldState, engine: string): string {
  const waits = waitEdges(world, state).filter((e) => e.tid === engine);
  return waits.length ? ` (${waits.map((e) => e.text).join('; ')})` : '';
}

export const unboundedRetryMonitor: Monitor = {
  name: 'unbounded-retry',
  ...NO_OTHER_ACTOR,
  interest: (_world, record) => (record.actor.startsWith('drv:') && record.sends.length ? 'local' : 'skip'),
  onStep(ctx, record) {
    if (!record.actor.startsWith('drv:')) return null;
    for (const s of record.sends) {
      const ev = ctx.world.message(s.msg).event as { type: string; result?: number };
      if ((ev.type === 'drv.faultResult' || ev.type === 'drv.submitResult') && ev.result === EBUSY) {
        return {
          kind: 'unbounded-retry',
          severity: 'observation',
          message: `${record.actor} gave up with -EBUSY after exhausting its retry bound: invalidations kept colliding with its fault`,
        };
      }
    }
    return null;
  },
};

/**
 * The request an actor has outstanding in a snapshot, named so that the name stays the same
 * exactly while that one request waits (docs/protocol.md, "Requests and liveness"): a state
 * tagged `awaitingReply` waits for the answer to the op at context `pc` (a thread), or to the
 * fault of access `pc` of the running `job` (a device). Null when it awaits nothing.
 */
/**
 * Whether any state of `machine` carries the `awaitingReply` tag, i.e. whether `pendingRequest`
 * can ever name a request of its actors: a liveness pass looks only at those actors' columns.
 */
export function mayAwaitReply(machine: AnyStateMachine): boolean {
  type Node = { tags?: readonly string[]; states?: Record<string, Node> };
  const tagged = (node: Node): boolean =>
    (node.tags ?? []).includes(AWAITING_REPLY_TAG) || Object.values(node.states ?? {}).some(tagged);
  const root = (machine as { root?: Node }).root;
  return root === undefined || tagged(root);
}

export function pendingRequest(actor: string, snapshot: AnyMachineSnapshot): string | null {
  if (!snapshot.hasTag(AWAITING_REPLY_TAG)) return null;
  const c = snapshot.context as {
    pc?: number;
    ops?: { to: string; event: { type: string }; label?: string }[];
    job?: { job?: string | number; accesses?: { addr: number }[] } | null;
  };
  const op = c.ops?.[c.pc ?? -1];
  if (op)
    return `${actor} waits for ${op.to} to answer ${op.event.type} (op ${(c.pc ?? 0) + 1}${op.label ? `, ${op.label}` : ''})`;
  const access = c.job?.accesses?.[c.pc ?? -1];
  if (c.job && access)
    return `${actor} waits for its fault at 0x${access.addr.toString(16)} (job ${c.job.job ?? '?'}, access ${(c.pc ?? 0) + 1}) to be served`;
  return `${actor} waits in ${JSON.stringify(snapshot.value)}`;
}
