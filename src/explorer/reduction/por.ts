/**
 * Partial-order reduction for the exhaustive search: sleep sets (Godefroid 1996) over the
 * channel-canonical state space.
 *
 * Independence. Steps of two different actors commute in this runtime: a step changes only its
 * own actor's snapshot, choice, timers and inbox head, and appends messages at the tails of
 * (sender, receiver) channels. Appending never changes which message is first from a sender,
 * nor the receiver's snapshot (which decides deferral), so each step stays enabled and does the
 * same thing after the other. Two appends into one inbox from different senders do leave the
 * inbox in different orders, but delivery is FIFO per channel, so states that differ only in
 * how senders interleave in an inbox are bisimilar: the search identifies them
 * (`ControlledWorld.canonical`), which is also where the state count goes down.
 *
 * Visibility. Monitors judge steps, and a monitor that reads other actors' state (stale-spte,
 * lockdep, sleep-in-atomic, ...) could judge a step differently after reordering. So a step is
 * also dependent with any step that writes (moves, or sends into the inbox of) an actor that a
 * monitor reads at it (`Monitor.reads`; a global monitor that does not say reads everything).
 * Steps that only `local` monitors care about are judged the same in any order. Sleep sets
 * alone keep every reachable state (so state and terminal checks stay exact) and prune
 * transitions; the state count goes down only by the channel-canonical identification.
 *
 * State caching. A state's sleep set (a `SleepArena` reference) is stored with its first search
 * node (the visited set maps the fingerprint to that node, so popping a state needs no second
 * probe). A state reached again with
 * a sleep set that is not a superset of the stored one is expanded again for the steps it had
 * slept on (the classic fix for sleep sets with a visited set); the stored set becomes the
 * intersection.
 */
import type { ControlledWorld, LocalStep } from '../../runtime/controlled-world.ts';
import { actorBit, type MonitorPlan } from '../search/monitor-plan.ts';
import type { ReturnFusion } from './returns.ts';

/**
 * Sleep sets, stored flat: a set is a reference into one growable `Int32Array`, where
 * `buf[ref]` is its size and its members (step keys, in no particular order) follow. Reference
 * 0 is the empty set. Sets are written once and never changed, so a state's sleep set is one
 * integer, and the search builds the sets of an expansion in scratch arrays and stores only
 * those it keeps: no interning, no per-operation caches. Sets are small (at most the steps
 * enabled in a state), so membership and subset tests are short linear scans.
 */
export class SleepArena {
  private buf = new Int32Array(1 << 16);
  private top = 1;

  size(ref: number): number {
    return this.buf[ref];
  }

  /** Copies the members of `ref` into `out` from index 0; returns how many. */
  read(ref: number, out: Int32Array): number {
    const b = this.buf;
    const len = b[ref];
    for (let k = 0; k < len; k++) out[k] = b[ref + 1 + k];
    return len;
  }

  has(ref: number, key: number): boolean {
    const b = this.buf;
    const end = ref + 1 + b[ref];
    for (let k = ref + 1; k < end; k++) if (b[k] === key) return true;
    return false;
  }

  /** Stores the set `src[from .. from + len)` and returns its reference. */
  store(src: Int32Array, from: number, len: number): number {
    if (len === 0) return 0;
    if (this.top + len + 1 > this.buf.length) {
      const more = new Int32Array(Math.max(this.buf.length * 2, this.top + len + 1));
      more.set(this.buf);
      this.buf = more;
    }
    const b = this.buf;
    const ref = this.top;
    b[ref] = len;
    for (let k = 0; k < len; k++) b[ref + 1 + k] = src[from + k];
    this.top = ref + 1 + len;
    return ref;
  }

  /** Whether every member of `ref` is in `src[from .. from + len)`. */
  subsetOf(ref: number, src: Int32Array, from: number, len: number): boolean {
    const b = this.buf;
    const end = ref + 1 + b[ref];
    outer: for (let k = ref + 1; k < end; k++) {
      const x = b[k];
      for (let j = from; j < from + len; j++) if (src[j] === x) continue outer;
      return false;
    }
    return true;
  }

  /** The members of `ref` that are also in `src[from .. from + len)`, stored; returns its reference. */
  intersect(ref: number, src: Int32Array, from: number, len: number, scratch: Int32Array): number {
    const b = this.buf;
    const end = ref + 1 + b[ref];
    let m = 0;
    outer: for (let k = ref + 1; k < end; k++) {
      const x = b[k];
      for (let j = from; j < from + len; j++) {
        if (src[j] === x) {
          scratch[m++] = x;
          continue outer;
        }
      }
    }
    return this.store(scratch, 0, m);
  }

  get bytes(): number {
    return this.buf.byteLength;
  }
}

/**
 * Dependence between two steps, by machine transition id (a step's identity across states:
 * while a step sleeps its actor does not move, so its transition stays the same). Two steps
 * depend when they are the same actor's, or when one writes (its actor, or an inbox it sends
 * to) what a monitor reads at the other (`MonitorPlan.reads`). A step that sends a delivery the
 * search may take at once (returns.ts) depends on every step: whether it is taken depends on
 * what else the receiver has then, and the receiver's step may send on to others taken at once,
 * a chain through actors the transition does not name. (Reading and writing only the receiver,
 * as this did, left the chain's further actors out; on seq-retry 2×2 sleep sets then pruned
 * 145 of 29,981 transitions, and 0 with the chain counted whole: docs/performance.md.)
 */
export class Dependence {
  private readonly actor: number[] = [];
  private readonly write: number[] = [];
  private readonly read: number[] = [];

  constructor(
    private readonly world: ControlledWorld,
    private readonly plan: MonitorPlan,
    private readonly fusion: ReturnFusion | null,
  ) {}

  /** Registers the step's transition (once) and returns its id. */
  note(ls: LocalStep): number {
    const record = ls.record ?? this.world.resolve(ls);
    const id = record.transition;
    if (this.actor[id] === undefined) {
      const t = this.world.transitions[id];
      let w = actorBit(t.actor);
      let r = this.plan.reads(ls);
      for (const s of t.appends) {
        w |= actorBit(s.to);
        // A delivery taken at once runs its receiver's step inside this one, and that step's
        // sends may be taken in turn: the chain can move and read actors this transition never
        // names, and which it reaches depends on their state then. So such a step depends on
        // every other (all bits: -1), whatever actors the chain visits.
        if (this.fusion?.takesAt(s.to)) {
          w = -1;
          r = -1;
          break;
        }
      }
      this.actor[id] = t.actor;
      this.write[id] = w;
      this.read[id] = r;
    }
    return id;
  }

  independent(a: number, b: number): boolean {
    return (
      this.actor[a] !== this.actor[b] && (this.write[a] & this.read[b]) === 0 && (this.write[b] & this.read[a]) === 0
    );
  }
}
