/**
 * Runs the monitors of a search only where they can say something. For each distinct machine
 * transition (`StepRecord.transition`) it asks every monitor once for its `interest`, then:
 *   - `local` monitors run on the first occurrence of the transition only (their verdict cannot
 *     change, and a violation kind is logged once anyway);
 *   - `global` monitors run on every occurrence, or, when they declare which actors they
 *     `reads`, once per distinct (local step, situations of those actors): a 64-bit fingerprint
 *     of that combination is kept per monitor, like the visited set (same omission odds);
 *   - the rest are not called.
 * A transition some monitor reads globally is *visible*: partial-order reduction never
 * reorders it with other actors' steps.
 */
import type { Interest, Monitor } from '../monitors/monitor.ts';
import type { ControlledWorld, LocalStep, SemanticStep, WorldState } from '../runtime/controlled-world.ts';
import type { ViolationLog } from './violation-log.ts';
import { VisitedSet } from './visited-set.ts';

interface Plan {
  global: Monitor[];
  /** `seen` of each global monitor, in the same order (null: runs on every occurrence). */
  globalSeen: (Seen | null)[];
  local: Monitor[] | null;
  /** Bit set of the actors the global monitors read at this step (-1: all, or too many actors). */
  reads: number;
}

interface Seen {
  reads: Int32Array;
  keys: VisitedSet;
}

const NONE: Monitor[] = [];

export class MonitorPlan {
  private readonly plans: (Plan | undefined)[] = [];
  private readonly ctx: { world: ControlledWorld };
  private readonly seen = new Map<Monitor, Seen | null>();

  constructor(
    private readonly world: ControlledWorld,
    private readonly monitors: Monitor[],
    private readonly log: ViolationLog,
  ) {
    this.ctx = { world };
    for (const m of monitors) {
      const reads = m.reads?.(world);
      this.seen.set(m, reads ? { reads: Int32Array.from(reads), keys: new VisitedSet(12) } : null);
    }
  }

  private plan(ls: LocalStep): Plan {
    const record = ls.record ?? this.world.resolve(ls);
    let p = this.plans[record.transition];
    if (p) return p;
    const global: Monitor[] = [];
    const local: Monitor[] = [];
    for (const m of this.monitors) {
      if (!m.onStep) continue;
      const i: Interest = m.interest ? m.interest(this.world, record) : 'global';
      if (i === 'global') global.push(m);
      else if (i === 'local') local.push(m);
    }
    let reads = 0;
    for (const m of global) {
      const seen = this.seen.get(m);
      if (!seen) reads = -1;
      else for (const a of seen.reads) reads |= actorBit(a);
    }
    p = {
      global: global.length ? global : NONE,
      globalSeen: global.map((m) => this.seen.get(m) ?? null),
      local: local.length ? local : null,
      reads,
    };
    this.plans[record.transition] = p;
    return p;
  }

  /** True when some monitor reads other actors' state at this step. */
  visible(ls: LocalStep): boolean {
    return this.plan(ls).global.length > 0;
  }

  /** The actors whose state some monitor reads at this step, as a bit set (`actorBit`). */
  reads(ls: LocalStep): number {
    return this.plan(ls).reads;
  }

  /** Run the monitors step `ls` (from `before` to `after`) needs; true if a new violation kind was logged. */
  step(ls: LocalStep, before: WorldState, after: WorldState, trace: () => SemanticStep[]): boolean {
    const record = ls.record ?? this.world.resolve(ls);
    const p = this.plans[record.transition] ?? this.plan(ls);
    let added = false;
    if (p.local) {
      for (const m of p.local) {
        const v = m.onStep!(this.ctx, record, before, after, trace);
        if (v) added = this.log.add(v, trace) || added;
      }
      p.local = null;
    }
    const g = p.global;
    const seens = p.globalSeen;
    for (let k = 0; k < g.length; k++) {
      const m = g[k];
      const seen = seens[k];
      if (seen && !firstTime(seen, ls.id, before.vec)) continue;
      const v = m.onStep!(this.ctx, record, before, after, trace);
      if (v) added = this.log.add(v, trace) || added;
    }
    return added;
  }
}

/** An actor as a bit of a 32-bit set; actors past 30 share the whole set (conservative). */
export function actorBit(actor: number): number {
  return actor < 31 ? 1 << actor : -1;
}

/** Whether (local step, situations of the actors read) is new to this monitor. */
function firstTime(seen: Seen, step: number, vec: Int32Array): boolean {
  let h1 = Math.imul(step ^ 0x811c9dc5, 0x01000193);
  let h2 = Math.imul(step + 0x9747b28c, 0x85ebca6b);
  const reads = seen.reads;
  for (let k = 0; k < reads.length; k++) {
    const x = vec[reads[k]];
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ (x + 0x9e3779b9), 0x85ebca6b);
    h2 ^= h2 >>> 13;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return seen.keys.add(h1 >>> 0, h2 >>> 0);
}
