/**
 * The wait-for graph of a state, between threads of control (tids): who sleeps on what, and
 * which tids would have to move first. A sleeping tid waits for
 *   - a lock (`waiters` of a `lock:`), held by its `holders`;
 *   - a fence (`waiters` of a `fence:`), which the engine of the device whose job carries it
 *     would signal;
 *   - the end of an epoch: in `read_begin` (`readers` of a `sub:`) or in a remove
 *     (`removing` of a `core:`, the reply `core.removeResult` comes when the epoch ends); the
 *     epoch is held open by every tid whose invalidation started and has not ended: one whose
 *     callbacks are still running (it waits for a driver's callback to return) or one that
 *     has yet to send `core.invalidateEnd`.
 * A holder that has already let go (its `lock.release`, `fence.signal` or `core.invalidateEnd`
 * is on its way) blocks nobody. Each edge says, per blocker, why it blocks, so a cycle reads
 * as a chain of causes.
 */
import type { ControlledWorld, WorldState } from '../runtime/controlled-world.ts';
import { ctxOf, topology } from './topology.ts';

export interface WaitEdge {
  tid: string;
  /** What it waits on, e.g. `lock:gpu0`, `core:p1`. */
  on: string;
  /** tids that would have to move first (holders, signallers, invalidators). */
  blockers: string[];
  /** Per blocker: why it blocks (`holds lock:gpu0`). */
  why: Record<string, string>;
  /**
   * The wait ends only when a blocker moves: no timeout, no signal can end it. Cycles of
   * stable waits persist once formed, so they are deadlocks before any terminal state.
   */
  stable: boolean;
  text: string;
}

/** The types of the messages on their way that a wait-for graph reads (`Monitor.inFlight`). */
export const WAIT_FOR_IN_FLIGHT = ['lock.release', 'fence.signal', 'core.invalidateEnd'] as const;

/** Event types in an actor's inbox (messages already on their way to it). */
function inFlight(world: ControlledWorld, state: WorldState, actor: number): { type: string; tid?: string }[] {
  return world.inbox(state, actor).map((m) => world.message(m).event as { type: string; tid?: string });
}

/** A wait an interrupt or a timer can end (fence waits with `intr` or a finite timeout, killable locks). */
interface Interruptible {
  intr?: boolean;
  killable?: boolean;
  interruptible?: boolean;
  timeout?: unknown;
}

function endsAlone(w: Interruptible): boolean {
  return !!(w.intr || w.killable || w.interruptible) || (w.timeout !== undefined && w.timeout !== 'forever');
}

export function waitEdges(world: ControlledWorld, state: WorldState): WaitEdge[] {
  const t = topology(world);
  const edges: WaitEdge[] = [];
  for (const i of t.locks) {
    const id = world.actors[i].id;
    const c = ctxOf<{ holders: { tid: string }[]; waiters: ({ tid: string } & Interruptible)[] }>(world, state, i);
    if (!c.waiters?.length) continue;
    const releasing = new Set(
      inFlight(world, state, i)
        .filter((e) => e.type === 'lock.release')
        .map((e) => e.tid),
    );
    const holders = (c.holders ?? []).map((h) => h.tid).filter((h) => !releasing.has(h));
    for (const w of c.waiters) {
      edges.push({
        tid: w.tid,
        on: id,
        blockers: holders,
        why: Object.fromEntries(holders.map((h) => [h, `holds ${id}`])),
        stable: !endsAlone(w),
        text: `${w.tid} waits for ${id} held by ${holders.join(', ') || 'nobody'}`,
      });
    }
  }
  // Which engine would signal each fence: the device whose current or queued job carries it.
  const signaller = new Map<string, string>();
  for (const i of t.devices) {
    const c = ctxOf<{ job: { fence: string } | null; queue: { fence: string }[] }>(world, state, i);
    for (const j of [c.job, ...(c.queue ?? [])]) if (j?.fence) signaller.set(j.fence, `${world.actors[i].id}/engine`);
  }
  for (const i of t.fences) {
    const id = world.actors[i].id;
    const c = ctxOf<{ waiters: { tid: string; intr?: boolean; timeout?: unknown }[] }>(world, state, i);
    if (!c.waiters?.length) continue;
    const signalled = inFlight(world, state, i).some((e) => e.type === 'fence.signal');
    const by = signalled ? undefined : signaller.get(id);
    for (const w of c.waiters) {
      edges.push({
        tid: w.tid,
        on: id,
        blockers: by ? [by] : [],
        why: by ? { [by]: `would signal ${id} when its job completes` } : {},
        stable: !endsAlone(w),
        text: `${w.tid} waits for ${id}, ${by ? `which ${by} would signal` : signalled ? 'whose signal is on its way' : 'which no job will signal'}`,
      });
    }
  }
  const holders = new Map<number, Record<string, string>>();
  const epochHolders = (core: number): Record<string, string> => {
    let h = holders.get(core);
    if (!h) {
      h = epochHoldersOf(world, state, core);
      holders.set(core, h);
    }
    return h;
  };
  for (const i of t.subs) {
    const id = world.actors[i].id;
    const c = ctxOf<{ readers: { tid: string }[]; core: string }>(world, state, i);
    if (!c.readers?.length) continue;
    const core = world.indexOf(c.core);
    const why = epochHolders(core);
    const seq = ctxOf<{ seq: number }>(world, state, core).seq;
    for (const r of c.readers)
      edges.push(epochWait(r.tid, id, why, `${r.tid} waits in read_begin on ${id} until the epoch (seq ${seq}) ends`));
  }
  for (const i of t.cores) {
    const id = world.actors[i].id;
    const c = ctxOf<{ removing?: { tid: string; sub: string; waitSeq: number }[] }>(world, state, i);
    if (!c.removing?.length) continue;
    const why = epochHolders(i);
    for (const r of c.removing) {
      const text = `${r.tid} waits for ${id} to answer core.remove of ${r.sub}, which comes when the epoch (seq ${r.waitSeq}) ends`;
      edges.push(epochWait(r.tid, id, why, text));
    }
  }
  return edges;
}

/** A wait for an epoch to end: only the invalidations holding it open can end it. */
function epochWait(tid: string, on: string, why: Record<string, string>, text: string): WaitEdge {
  return { tid, on, blockers: Object.keys(why), why, stable: true, text };
}

/**
 * The tids holding a core's epoch open, with why: invalidations whose callbacks are still
 * running or queued, and started ones that have not sent `core.invalidateEnd` yet.
 */
function epochHoldersOf(world: ControlledWorld, state: WorldState, core: number): Record<string, string> {
  const c = ctxOf<{ starting?: { tid: string; event: string; calling: string | null }[]; started?: string[] }>(
    world,
    state,
    core,
  );
  const ending = new Set(
    inFlight(world, state, core)
      .filter((e) => e.type === 'core.invalidateEnd')
      .map((e) => e.tid),
  );
  const why: Record<string, string> = {};
  for (const s of c.starting ?? []) {
    if (s.calling) {
      const cb = ctxOf<{ driver?: string }>(world, state, s.calling);
      const driver = cb.driver ? ` (in ${cb.driver})` : '';
      why[s.tid] ??=
        `holds the epoch open: its ${s.event} invalidation waits for the callback on ${s.calling}${driver} to return`;
    } else why[s.tid] ??= `holds the epoch open: its ${s.event} invalidation has callbacks still to run`;
  }
  for (const tid of c.started ?? [])
    if (!ending.has(tid)) why[tid] ??= 'holds the epoch open: its invalidation has not ended (core.invalidateEnd)';
  return why;
}

/** A cycle in the tid wait-for graph, as a list of edges, or null. `stableOnly`: only waits that persist. */
export function findCycle(edges: WaitEdge[], stableOnly = false): WaitEdge[] | null {
  const out = new Map<string, WaitEdge[]>();
  for (const e of edges) if (!stableOnly || e.stable) out.set(e.tid, [...(out.get(e.tid) ?? []), e]);
  const visiting = new Set<string>();
  const done = new Set<string>();
  const stack: WaitEdge[] = [];
  const visit = (tid: string): WaitEdge[] | null => {
    if (visiting.has(tid)) {
      const start = stack.findIndex((e) => e.tid === tid);
      return start >= 0 ? stack.slice(start) : null;
    }
    if (done.has(tid)) return null;
    visiting.add(tid);
    for (const e of out.get(tid) ?? []) {
      stack.push(e);
      for (const b of e.blockers) {
        const c = visit(b);
        if (c) return c;
      }
      stack.pop();
    }
    visiting.delete(tid);
    done.add(tid);
    return null;
  };
  for (const tid of out.keys()) {
    const c = visit(tid);
    if (c) return c;
  }
  return null;
}

/**
 * A cycle in words, every wait and every cause: "thread:cpu waits for core:p1 to answer
 * core.remove …, and thread:cpu holds the epoch open: … → back to thread:cpu".
 */
export function cycleText(cycle: WaitEdge[]): string {
  const parts = cycle.map((e, k) => {
    const next = cycle[(k + 1) % cycle.length].tid;
    // The cause, unless the wait already names its blocker ("held by thread:cpu").
    return e.text.slice(e.tid.length).includes(next) ? e.text : `${e.text}, and ${next} ${e.why[next] ?? 'blocks it'}`;
  });
  return `${parts.join(' → ')} → back to ${cycle[0].tid}`;
}
