/**
 * `deadlock`: no step can run while some thread has not finished. The report names what
 * each blocked thread of control waits for (a lock and its holder, a fence and the engine that
 * would signal it, a read_begin and the invalidations holding the epoch open) and, when there
 * is one, the wait-for cycle.
 */
import type { ControlledWorld, WorldState } from '../runtime/controlled-world.ts';
import type { Monitor } from './monitor.ts';
import { ctxOf, topology } from './topology.ts';

interface WaitEdge {
  tid: string;
  /** What it waits on, e.g. `lock:gpu0`. */
  on: string;
  /** tids that would have to move first (holders, signallers). */
  blockers: string[];
  text: string;
}

export function waitEdges(world: ControlledWorld, state: WorldState): WaitEdge[] {
  const t = topology(world);
  const edges: WaitEdge[] = [];
  for (const i of t.locks) {
    const c = ctxOf<{ holders: { tid: string }[]; waiters: { tid: string; mode?: string }[] }>(world, state, i);
    const holders = (c.holders ?? []).map((h) => h.tid);
    for (const w of c.waiters ?? []) {
      const id = world.actors[i].id;
      edges.push({
        tid: w.tid,
        on: id,
        blockers: holders,
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
    const c = ctxOf<{ waiters: { tid: string }[] }>(world, state, i);
    const by = signaller.get(id);
    for (const w of c.waiters ?? []) {
      edges.push({
        tid: w.tid,
        on: id,
        blockers: by ? [by] : [],
        text: `${w.tid} waits for ${id}, ${by ? `which ${by} would signal` : 'which no job will signal'}`,
      });
    }
  }
  for (const i of t.subs) {
    const id = world.actors[i].id;
    const c = ctxOf<{ readers: { tid: string }[]; core: string }>(world, state, i);
    if (!c.readers?.length) continue;
    const core = ctxOf<{ starting?: { tid: string }[]; seq: number }>(world, state, c.core);
    const invalidators = (core.starting ?? []).map((s) => s.tid);
    for (const r of c.readers) {
      edges.push({
        tid: r.tid,
        on: id,
        blockers: invalidators,
        text: `${r.tid} waits in read_begin on ${id} until the epoch (seq ${core.seq}) ends`,
      });
    }
  }
  return edges;
}

/** A cycle in the tid wait-for graph, as a list of edges, or null. */
export function findCycle(edges: WaitEdge[]): WaitEdge[] | null {
  const out = new Map<string, WaitEdge[]>();
  for (const e of edges) out.set(e.tid, [...(out.get(e.tid) ?? []), e]);
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

export const deadlockMonitor: Monitor = {
  name: 'deadlock',
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
      message: `no step can run: ${lines.join('; ')}${cycle ? `; cycle: ${cycle.map((e) => `${e.tid} → ${e.on}`).join(' → ')}` : ''}`,
      details: {
        blocked,
        waits: edges.map((e) => e.text),
        cycle: cycle?.map((e) => ({ tid: e.tid, on: e.on })) ?? null,
      },
    };
  },
};
