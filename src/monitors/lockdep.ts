/**
 * `potential-deadlock`: lockdep-style inference over every explored schedule. Each time a
 * thread of control takes (or waits for) a lock while holding others, waits for a fence,
 * allocates with reclaim, or does any of these inside a fence-signalling section or an
 * invalidate callback, an order edge "held → taken" is recorded, with the trace that first
 * showed it. Edges are seeded with the kernel's primed order (docs/kernel-semantics.md §4.6):
 * mmap_lock → dma_resv → fs_reclaim → mmu_notifier → dma_fence (wait). A cycle in the graph
 * is a deadlock that some schedule can reach, even if no explored schedule reached it; it is
 * reported with the witness fragments of its edges.
 */
import { FENCE_SIGNALLING_TAG } from '../../machines/tags.ts';
import type { ControlledWorld, SemanticStep, StepRecord, WorldState } from '../runtime/controlled-world.ts';
import { type Interest, type Monitor, type MonitorContext, STATE_VALUE, type Violation } from './monitor.ts';
import { callbackTids, heldLocks, topology } from './topology.ts';

const FENCE = 'dma_fence_map';
const NOTIFIER = 'mmu_notifier_map';
const RECLAIM = 'fs_reclaim';
const PRIMED: [string, string][] = [
  ['mmap_lock', 'dma_resv'],
  ['dma_resv', RECLAIM],
  [RECLAIM, NOTIFIER],
  [NOTIFIER, FENCE],
];

/**
 * An edge of the lock-order graph: `from` was held when `to` was taken, by thread `tid`.
 *
 * @inline Shown in place in {@link LockOrderEdge}, the exported form.
 */
interface Edge {
  from: string;
  to: string;
  /** Who showed it, and the schedule that first did (from the initial state). */
  tid: string;
  witness: SemanticStep[] | 'primed at boot';
  /** The call that took `to`, when it says more than the lock's name (`core.remove`). */
  via?: string;
  /**
   * The actor that asked for `to`: the sender of the lock or fence-wait request, the actor that
   * allocated, or the one that sent the invalidation or remove (src/check/charge.ts reads it).
   */
  by?: string;
}

const WITNESS_STEPS = 8;

/**
 * An order edge some explored schedule showed (not primed), with that schedule: what a shard passes on.
 *
 * @example
 * ```ts
 * import { checkScenario, type LockOrderEdge } from 'mirrorlab';
 *
 * const outcome = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml');
 * const edges: LockOrderEdge[] = outcome.lockOrder;
 * edges.map((e) => `${e.from} -> ${e.to} (${e.tid}, ${e.witness.length} steps)`);
 * ```
 */
export type LockOrderEdge = Edge & { witness: SemanticStep[] };

/**
 * The potential deadlock of the edges several searches showed (the shards of a campaign, each
 * with its own share of the schedules): the primed order plus every edge, the first showing of
 * each kept, judged as one search's would be.
 */
export function lockOrderVerdict(shown: readonly LockOrderEdge[]): Violation | null {
  const m = new LockdepMonitor();
  m.reset();
  for (const e of shown) m.note(e);
  return m.onFinish()[0] ?? null;
}

export class LockdepMonitor implements Monitor {
  readonly name = 'potential-deadlock';
  /** Each edge is drawn from what the tid a step names holds (`contextOf`), nothing else. */
  readonly threadScoped = true;
  private edges = new Map<string, Edge>();

  interest(world: ControlledWorld, record: StepRecord): Interest {
    const taking = record.observations.some(
      (o) =>
        String(o.tid ?? '') !== '' &&
        (o.kind === 'lock.wait' ||
          o.kind === 'lock.acquired' ||
          o.kind === 'fence.waitBegin' ||
          (o.kind === 'alloc' && o.reclaim)),
    );
    const invalidates = record.sends.some((s) => {
      const ev = world.message(s.msg).event as { type: string; tid?: string };
      return (ev.type === 'core.invalidateStart' || ev.type === 'core.remove') && !!ev.tid;
    });
    return taking || invalidates ? 'global' : 'skip';
  }

  /** Of the messages on their way, only releases count (a lock whose release is sent is let go: heldLocks). */
  readonly inFlight = ['lock.release'];

  reads(world: ControlledWorld): number[] {
    const t = topology(world);
    return [...t.locks, ...t.subs, ...t.devices, ...t.drivers];
  }

  /**
   * Of a driver, only who is inside a fence-signalling section (`signallingTids`); of a device,
   * its state (whose tag says its engine is in one); of a subscription, who runs its callback
   * (`callbackTids`).
   */
  fieldsRead(world: ControlledWorld, actor: number): readonly string[] | null {
    const t = topology(world);
    if (t.drivers.includes(actor)) return ['signalling'];
    if (t.devices.includes(actor)) return [STATE_VALUE];
    return t.subs.includes(actor) ? ['callbacks'] : null;
  }

  fresh(): LockdepMonitor {
    return new LockdepMonitor();
  }

  /** The edges the explored schedules showed, each with the schedule that first did. */
  shown(): LockOrderEdge[] {
    return [...this.edges.values()].filter((e): e is LockOrderEdge => e.witness !== 'primed at boot');
  }

  /** Adds an edge another search showed, unless one of its key is known. */
  note(e: LockOrderEdge): void {
    const key = `${e.from}→${e.to}`;
    if (!this.edges.has(key)) this.edges.set(key, e);
  }

  reset(): void {
    this.edges = new Map(
      PRIMED.map(([from, to]) => [`${from}→${to}`, { from, to, tid: 'boot', witness: 'primed at boot' }]),
    );
  }

  private add(
    from: string,
    to: string,
    tid: string,
    by: string | undefined,
    trace: () => SemanticStep[],
    via?: string,
  ): void {
    // Only the notifier map is taken recursively on purpose (a remove inside a callback).
    if (from === to && via === undefined) return;
    const key = `${from}→${to}`;
    if (this.edges.has(key)) return;
    this.edges.set(key, { from, to, tid, witness: trace(), ...(by ? { by } : {}), ...(via ? { via } : {}) });
  }

  onStep(
    ctx: MonitorContext,
    record: StepRecord,
    before: WorldState,
    _after: WorldState,
    trace: () => SemanticStep[],
  ): null {
    const { world } = ctx;
    let held: Map<string, string[]> | null = null;
    let callbacks: Map<string, unknown> | null = null;
    let signalling: Set<string> | null = null;
    // Context of a tid: its locks, plus the pseudo-locks it is inside.
    const contextOf = (tid: string): string[] => {
      held ??= heldLocks(world, before);
      callbacks ??= callbackTids(world, before);
      signalling ??= signallingTids(ctx, before);
      const out = [...(held.get(tid) ?? [])];
      if (callbacks.has(tid)) out.push(NOTIFIER);
      if (signalling.has(tid)) out.push(FENCE);
      return out;
    };
    for (const o of record.observations) {
      const tid = String(o.tid ?? '');
      let taken: string | null = null;
      if (o.kind === 'lock.wait' || o.kind === 'lock.acquired') taken = String(o.lock);
      else if (o.kind === 'fence.waitBegin') taken = FENCE;
      else if (o.kind === 'alloc' && o.reclaim) taken = RECLAIM;
      if (!taken || !tid) continue;
      // A lock or fence notes the wait of whoever sent the request (a grant on another tid's
      // release names no asker); an allocator notes its own.
      const asked = (record.message.event as { tid?: string }).tid === tid ? record.message.from : undefined;
      const by = o.kind === 'alloc' ? record.actor : asked;
      for (const h of contextOf(tid)) this.add(h, taken, tid, by, trace);
    }
    // An invalidation started by a tid that holds locks: reclaim/munmap can run callbacks.
    for (const s of record.sends) {
      const ev = world.message(s.msg).event as { type: string; tid?: string };
      if (ev.type === 'core.invalidateStart' && ev.tid)
        for (const h of contextOf(ev.tid)) if (h !== NOTIFIER) this.add(h, NOTIFIER, ev.tid, record.actor, trace);
      // remove acquires and releases the map: it may wait for a callback's epoch.
      if (ev.type === 'core.remove' && ev.tid)
        for (const h of contextOf(ev.tid)) this.add(h, NOTIFIER, ev.tid, record.actor, trace, 'core.remove');
    }
    return null;
  }

  onFinish(): Violation[] {
    // A recursive acquisition is the plainest cause: report it before longer cycles.
    const recursive = [...this.edges.values()].find((e) => e.from === e.to);
    const cycle = recursive ? [recursive] : findCycle([...this.edges.values()]);
    if (!cycle) return [];
    const text =
      cycle.length === 1
        ? `recursive ${cycle[0].to}: ${cycle[0].tid} calls ${cycle[0].via ?? 'it'} inside an invalidate callback, which holds ${cycle[0].from}; the remove waits for the epoch of the callback it is called from`
        : `lock order cycle: ${cycle.map((e) => `${e.from} → ${e.to} (${e.tid}${e.via ? ` in ${e.via}` : ''})`).join(', ')}`;
    const witnessed = cycle.filter((e) => e.witness !== 'primed at boot');
    return [
      {
        kind: 'potential-deadlock',
        message: text,
        details: {
          // Each edge with the last steps of the schedule that showed it (the two fragments).
          cycle: cycle.map((e) => ({
            from: e.from,
            to: e.to,
            tid: e.tid,
            ...(e.by ? { by: e.by } : {}),
            witness: e.witness === 'primed at boot' ? e.witness : e.witness.slice(-WITNESS_STEPS),
          })),
          // A replayable schedule: the one that recorded the last edge of the cycle.
          trace: witnessed.length ? (witnessed[witnessed.length - 1].witness as SemanticStep[]) : [],
          // Every schedule that contributed an edge: replaying them all re-derives the cycle.
          witnesses: witnessed.map((e) => e.witness as SemanticStep[]),
        },
      },
    ];
  }
}

/**
 * tids inside a fence-signalling section: engines of devices in a state with that tag, and the
 * tids a driver lists in its context's `signalling` (a submission between publishing its job
 * fence and handing the job to the device; docs/driver-protocol.md, "Signalling section").
 */
function signallingTids(ctx: MonitorContext, state: WorldState): Set<string> {
  const out = new Set<string>();
  const t = topology(ctx.world);
  for (const i of t.devices) {
    if (ctx.world.snapshot(state, i).hasTag(FENCE_SIGNALLING_TAG)) out.add(`${ctx.world.actors[i].id}/engine`);
  }
  for (const i of t.drivers) {
    const s = (ctx.world.snapshot(state, i).context as { signalling?: unknown } | undefined)?.signalling;
    if (Array.isArray(s)) for (const tid of s) if (typeof tid === 'string') out.add(tid);
  }
  return out;
}

function findCycle(edges: Edge[]): Edge[] | null {
  const out = new Map<string, Edge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const state = new Map<string, 1 | 2>();
  const path: Edge[] = [];
  const visit = (n: string): Edge[] | null => {
    state.set(n, 1);
    for (const e of out.get(n) ?? []) {
      path.push(e);
      const s = state.get(e.to);
      if (s === 1) return path.slice(path.findIndex((p) => p.from === e.to));
      if (s === undefined) {
        const c = visit(e.to);
        if (c) return c;
      }
      path.pop();
    }
    state.set(n, 2);
    return null;
  };
  for (const n of out.keys()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return null;
}
