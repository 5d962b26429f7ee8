/**
 * Runs the monitors of a search only where they can say something. For each distinct machine
 * transition (`StepRecord.transition`) it asks every monitor once for its `interest`, then:
 *   - `local` monitors run on the first occurrence of the transition only (their verdict cannot
 *     change, and a violation kind is logged once anyway);
 *   - `global` monitors run on every occurrence, or, when they declare which actors they
 *     `reads`, once per distinct (local step, situations of those actors): a 64-bit fingerprint
 *     of that combination is kept per monitor, like the visited set (same omission odds). A
 *     situation counts as what the monitor says it reads of it (`fieldsRead`, `inFlight`:
 *     situation-views.ts), so a change it never looks at does not make it run again;
 *   - the rest are not called.
 * When every global monitor of a transition declares its reads, one more fingerprint, of
 * (local step, situations of the union of those reads), is probed first in a set shared by all
 * transitions: if that combination was seen, each monitor's own combination was seen at the
 * same earlier occurrence, so none of them would run, and the one probe replaces one per
 * monitor (most occurrences are repeats).
 * A transition some monitor reads globally is *visible*: partial-order reduction never
 * reorders it with other actors' steps.
 */
import type { Interest, Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld, LocalStep, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import type { ViolationLog } from '../counterexamples/violation-log.ts';
import { hashEntries } from '../visited/fingerprint.ts';
import { VisitedSet } from '../visited/visited-set.ts';
import { MonitorAudit } from './monitor-audit.ts';
import { joinSpecs, type SituationView, SituationViews, type ViewSpec } from './situation-views.ts';

/** Scratch for `firstTime`'s two hashes. */
const pair = new Int32Array(2);
/** Scratch for `firstTime`'s views of the situations read. */
let seenNow = new Int32Array(64);

/** Per actor read (in `reads` order): what is seen of it; null: the whole situation, for every one. */
type Views = (SituationView | null)[] | null;

interface Plan {
  /** Each monitor's interest in this transition, in monitor order (for the checking mode). */
  interests: Interest[];
  global: Monitor[];
  /** `seen` of each global monitor, in the same order (null: runs on every occurrence). */
  globalSeen: (Seen | null)[];
  local: Monitor[] | null;
  /** Bit set of the actors the global monitors read at this step (-1: all, or too many actors). */
  reads: number;
  /** The union of the global monitors' reads, sorted; null when one of them reads everything. */
  union: Int32Array | null;
  /** What the global monitors see together of each actor of `union`. */
  unionViews: Views;
}

interface Seen {
  reads: Int32Array;
  /** What the monitor sees of each actor it reads (its `fieldsRead` and `inFlight`). */
  specs: ViewSpec[];
  views: Views;
  keys: VisitedSet;
}

const NONE: Monitor[] = [];

export class MonitorPlan {
  private readonly plans: (Plan | undefined)[] = [];
  private readonly ctx: { world: ControlledWorld };
  private readonly seen = new Map<Monitor, Seen | null>();
  /** (local step, situations of `Plan.union`) combinations already judged. */
  private readonly unionSeen = new VisitedSet(14);
  /**
   * Gates (`gate`), flat: [set, views, count, actors...] per record, where `set` indexes
   * `gateSets` and `views` `gateViews`. Offset 0 is no gate.
   */
  private gates = new Int32Array(64);
  private gatesTop = 1;
  private readonly gateSets: VisitedSet[] = [this.unionSeen];
  private readonly gateViews: Views[] = [];
  private readonly views: SituationViews;
  private readonly gateOfPlan = new Map<Plan, number>();

  /** The checking mode: every monitor at every step, compared with this plan (monitor-audit.ts). */
  readonly audit: MonitorAudit | null;

  constructor(
    private readonly world: ControlledWorld,
    private readonly monitors: Monitor[],
    private readonly log: ViolationLog,
    checkMonitors = false,
  ) {
    this.ctx = { world };
    this.audit = checkMonitors ? new MonitorAudit(world, monitors, this.ctx) : null;
    this.views = new SituationViews(world);
    for (const m of monitors) {
      const reads = m.reads?.(world);
      if (!reads) {
        this.seen.set(m, null);
        continue;
      }
      const types = m.inFlight ? new Set(m.inFlight) : null;
      const specs = reads.map((a) => ({ fields: m.fieldsRead?.(world, a) ?? null, types }));
      const views = this.viewsOf(reads, specs);
      this.seen.set(m, { reads: Int32Array.from(reads), specs, views, keys: new VisitedSet(12) });
    }
  }

  /** The views of actors `reads` by `specs` (null when each keeps the whole situation). */
  private viewsOf(reads: readonly number[], specs: readonly ViewSpec[]): Views {
    const views = reads.map((a, k) => this.views.get(a, specs[k]));
    return views.some((v) => v !== null) ? views : null;
  }

  private plan(ls: LocalStep): Plan {
    const record = ls.record ?? this.world.resolve(ls);
    let p = this.plans[record.transition];
    if (p) return p;
    const global: Monitor[] = [];
    const local: Monitor[] = [];
    const interests: Interest[] = [];
    for (const m of this.monitors) {
      const i: Interest = !m.onStep ? 'skip' : m.interest ? m.interest(this.world, record) : 'global';
      interests.push(i);
      if (i === 'global') global.push(m);
      else if (i === 'local') local.push(m);
    }
    let reads = 0;
    let union: number[] | null = [];
    for (const m of global) {
      const seen = this.seen.get(m);
      if (!seen) {
        reads = -1;
        union = null;
      } else {
        for (const a of seen.reads) {
          reads |= actorBit(a);
          if (union && !union.includes(a)) union.push(a);
        }
      }
    }
    const sorted = union && global.length > 1 ? union.sort((a, b) => a - b) : null;
    p = {
      interests,
      global: global.length ? global : NONE,
      globalSeen: global.map((m) => this.seen.get(m) ?? null),
      local: local.length ? local : null,
      reads,
      union: sorted ? Int32Array.from(sorted) : null,
      unionViews: sorted
        ? this.viewsOf(
            sorted,
            sorted.map((a) => this.jointSpec(global, a)),
          )
        : null,
    };
    this.plans[record.transition] = p;
    return p;
  }

  /** What monitors `global` (each of which says what it reads) see together of actor `a`. */
  private jointSpec(global: readonly Monitor[], a: number): ViewSpec {
    const specs: ViewSpec[] = [];
    for (const m of global) {
      const seen = this.seen.get(m)!;
      const k = seen.reads.indexOf(a);
      if (k >= 0) specs.push(seen.specs[k]);
    }
    return joinSpecs(specs);
  }

  /** True when some monitor reads other actors' state at this step. */
  visible(ls: LocalStep): boolean {
    return this.plan(ls).global.length > 0;
  }

  /** True when `step` would call no monitor for `ls`, now or at any later occurrence. */
  quiet(ls: LocalStep): boolean {
    if (this.audit) return false;
    const p = this.plan(ls);
    return p.local === null && p.global.length === 0;
  }

  /**
   * The gate of a step whose local monitors have run: the one combination probe (`passGate`)
   * that decides whether any monitor will run at an occurrence, so the search can make it
   * itself from flat arrays and call `step` (with `gated`) only when it passes. 0 when the
   * step has none (a local monitor still to run, or a global one that reads everything).
   */
  gate(ls: LocalStep): number {
    if (this.audit) return 0;
    const p = this.plan(ls);
    if (p.local !== null || p.global.length === 0) return 0;
    let set: number;
    let reads: Int32Array;
    let views: Views;
    if (p.union !== null) {
      set = 0;
      reads = p.union;
      views = p.unionViews;
    } else {
      const seen = p.globalSeen[0];
      if (p.global.length !== 1 || seen === null) return 0;
      set = this.gateSets.indexOf(seen.keys);
      if (set < 0) set = this.gateSets.push(seen.keys) - 1;
      reads = seen.reads;
      views = seen.views;
    }
    const known = this.gateOfPlan.get(p);
    if (known !== undefined) return known;
    const off = this.gatesTop;
    if (off + 3 + reads.length > this.gates.length) {
      const more = new Int32Array((off + 3 + reads.length) * 2);
      more.set(this.gates);
      this.gates = more;
    }
    this.gates[off] = set;
    this.gates[off + 1] = this.gateViews.push(views) - 1;
    this.gates[off + 2] = reads.length;
    this.gates.set(reads, off + 3);
    this.gatesTop = off + 3 + reads.length;
    this.gateOfPlan.set(p, off);
    return off;
  }

  /** Whether (step, situations the gate reads in `vec`) is new: then `step(..., gated)` must run. */
  passGate(gate: number, step: number, vec: Int32Array): boolean {
    const g = this.gates;
    return firstTime(this.gateSets[g[gate]], g, this.gateViews[g[gate + 1]], gate + 3, g[gate + 2], step, vec);
  }

  /** The actors whose state some monitor reads at this step, as a bit set (`actorBit`). */
  reads(ls: LocalStep): number {
    return this.plan(ls).reads;
  }

  /**
   * Run the monitors step `ls` (from `before` to `after`) needs; true if a new violation kind
   * was logged. `ready`, when given, is called once before the first monitor runs: it may fill
   * in `after` only then (most occurrences run no monitor). `gated`: the caller has just passed
   * this step's `gate`, so its probe is not made again.
   */
  step(
    ls: LocalStep,
    before: WorldState,
    after: WorldState,
    trace: () => SemanticStep[],
    ready: (() => void) | null = null,
    gated = false,
  ): boolean {
    const record = ls.record ?? this.world.resolve(ls);
    const p = this.plans[record.transition] ?? this.plan(ls);
    let added = false;
    let filled = ready === null;
    if (this.audit) {
      if (!filled) {
        ready!();
        filled = true;
      }
      const v = this.audit.check(ls, record, p.interests, before, after, trace);
      if (v) added = this.log.add(v, trace) || added;
    }
    if (p.local) {
      if (!filled) {
        ready!();
        filled = true;
      }
      for (const m of p.local) {
        const v = m.onStep!(this.ctx, record, before, after, trace);
        this.audit?.gated(v);
        if (v) added = this.log.add(v, trace) || added;
      }
      p.local = null;
    }
    const g = p.global;
    if (g.length === 0) return added;
    if (
      !gated &&
      p.union !== null &&
      !firstTime(this.unionSeen, p.union, p.unionViews, 0, p.union.length, ls.id, before.vec)
    )
      return added;
    // A single monitor's own combination was the gate.
    const ownChecked = gated && p.union === null;
    const seens = p.globalSeen;
    for (let k = 0; k < g.length; k++) {
      const m = g[k];
      const seen = seens[k];
      if (seen && !ownChecked && !firstTime(seen.keys, seen.reads, seen.views, 0, seen.reads.length, ls.id, before.vec))
        continue;
      if (!filled) {
        ready!();
        filled = true;
      }
      const v = m.onStep!(this.ctx, record, before, after, trace);
      this.audit?.gated(v);
      if (v) added = this.log.add(v, trace) || added;
    }
    return added;
  }
}

/** An actor as a bit of a 32-bit set; actors past 30 share the whole set (conservative). */
export function actorBit(actor: number): number {
  return actor < 31 ? 1 << actor : -1;
}

/** The checking mode's conclusions at the end of a search: its discrepancies, logged. */
export function finishAudit(plan: MonitorPlan, log: ViolationLog): void {
  for (const v of plan.audit?.finish() ?? []) log.add(v, () => []);
}

/**
 * Whether (local step, situations of the actors `reads[from .. from + count)`, each as its view
 * in `views` sees it) is new to `keys` (and adds it).
 */
function firstTime(
  keys: VisitedSet,
  reads: Int32Array,
  views: Views,
  from: number,
  count: number,
  step: number,
  vec: Int32Array,
): boolean {
  const h1 = Math.imul(step ^ 0x811c9dc5, 0x01000193);
  const h2 = Math.imul(step + 0x9747b28c, 0x85ebca6b);
  if (views === null) hashEntries(h1, h2, vec, reads, from, count, pair);
  else {
    if (count > seenNow.length) seenNow = new Int32Array(count * 2);
    for (let k = 0; k < count; k++) {
      const local = vec[reads[from + k]];
      const view = views[k];
      seenNow[k] = view === null ? local : view.of(local);
    }
    hashEntries(h1, h2, seenNow, null, 0, count, pair);
  }
  return keys.add(pair[0], pair[1]);
}
