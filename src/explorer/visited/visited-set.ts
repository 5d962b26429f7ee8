/**
 * src/explorer/visited/: the visited store, what a search asks to know whether a state is new.
 *   - visited-set.ts (this file): the table of 64-bit fingerprints;
 *   - fingerprint.ts: the fingerprints (Zobrist sums over per-actor local ids);
 *   - deferred-visits.ts: children waiting, in order, for their verdict (breadth-first search
 *     without a reduction), judged by a verdict queue (verdict-queue.ts): a batch at a time on
 *     the search's own thread (visited-batch.ts) or on a second thread (visited-pipeline.ts,
 *     whose worker, visited-worker.ts, is loaded by its path next to it).
 *
 * An open-addressing set of 64-bit fingerprints in one typed array (two 32-bit halves, signed or
 * unsigned: both are taken modulo 2^32). V8 caps a Set at 2^24 (about 16.8 M) entries; this
 * table has no such limit and costs 8 bytes a slot. Fingerprint 0:0 is the empty
 * marker, so it is remapped to 0:1.
 *
 * At three-quarters load it grows by half or by a third, its size alternating between 2^m and
 * 1.5 × 2^m, so once past its first size it is between half and three-quarters full: 10.7 to 16
 * bytes per state, the most issue 12 allows. (Doubling, as it did, left it as little as 3/8
 * full, 21.3 bytes per state: seq-retry 2×2 took 23.5.) Linear probing at that load still probes
 * within one or two cache lines of 8 slots; the price is about 5 % of search time against
 * doubling (more growths, longer probes: docs/performance.md, "Bytes per state"). The home slot
 * scales the 32-bit hash to the table (multiply and keep the high part: D. Lemire, "Fast random
 * integer generation in an interval", ACM TOMACS 29(1), 2019) with integer operations only: the
 * hash's top bits, times 3 and divided by 4 for a 1.5 × 2^m table. Slots stay in hash order, so
 * a growth rehashes nearly sequentially.
 *
 * Optionally each slot carries `width` integers of data, stored right after its fingerprint (so
 * reading them after a probe costs no second cache miss) and moved along when the table grows:
 * partial-order reduction keeps a state's first search node there (`value`, `setValue`).
 *
 * A breadth-first search that records the liveness graph also numbers its states here
 * (`numberStates`): each slot ends with its state's number, moved along at a growth, so the probe
 * that judges a child also says which state an old child is, and the recorded edges need no
 * second lookup after the search (liveness/graph-recorder.ts). In the slot, not in a column of its
 * own, so that reading it costs no second cache miss (seq-retry 2×4: 52.7 s to a verdict against
 * 57.9 s with a column; the same at 2×3). The numbers belong to the liveness recording, so `bytes`
 * leaves them out (they are `numberBytes`): the visited set proper stays at 8 bytes a slot.
 */
/** A visited set's whole state, as handed between threads. */
export interface VisitedTable {
  table: Int32Array;
  slots: number;
  size: number;
  width: number;
}

export class VisitedSet {
  private table: Int32Array;
  private slots: number;
  /** The home slot of hash h is ((h >>> shift) * times) >>> quarter (`geometry`). */
  private shift = 0;
  private times = 1;
  private quarter = 0;
  private stride: number;
  /** Each slot ends with the number of the state whose fingerprint it holds (`numberStates`). */
  private numbered = false;
  size = 0;
  /** Whether the last `addSlot` inserted a new fingerprint. */
  isNew = false;

  constructor(
    log2Slots = 16,
    private readonly width = 0,
  ) {
    this.stride = 2 + width;
    this.slots = 2 ** Math.min(30, Math.max(3, log2Slots));
    this.setGeometry();
    this.table = new Int32Array(this.stride * this.slots);
  }

  /**
   * The home-slot parameters for `slots`, 2^m or 3 × 2^(m-1): floor(h × slots / 2^32) is the top
   * m bits of h, or the top m + 1 bits times 3 over 4. Every intermediate stays below 2^31.
   */
  private setGeometry(): void {
    const m = Math.log2(this.slots);
    if (Number.isInteger(m)) [this.shift, this.times, this.quarter] = [32 - m, 1, 0];
    else [this.shift, this.times, this.quarter] = [32 - (Math.log2(this.slots / 3) + 2), 3, 2];
  }

  /** The fingerprint's home slot: its 32-bit hash scaled to the table (see `setGeometry`). */
  private home(h1: number, h2: number): number {
    return (((h1 ^ Math.imul(h2, 0x9e3779b1)) >>> this.shift) * this.times) >>> this.quarter;
  }

  /** Data integer `k` of a slot (from `addSlot`). */
  value(slot: number, k = 0): number {
    return this.table[slot * this.stride + 2 + k];
  }

  setValue(slot: number, v: number, k = 0): void {
    this.table[slot * this.stride + 2 + k] = v;
  }

  /**
   * Keeps a state number per slot from now on (`number`, `setNumber`), after its data: the table
   * is laid out again with a wider slot. See the file's comment.
   */
  numberStates(): void {
    if (this.numbered) return;
    const old = this.table;
    const was = this.stride;
    this.stride = was + 1;
    this.numbered = true;
    this.table = new Int32Array(this.stride * this.slots);
    for (let slot = 0; slot < this.slots; slot++)
      for (let k = 0; k < was; k++) this.table[slot * this.stride + k] = old[slot * was + k];
  }

  get numbering(): boolean {
    return this.numbered;
  }

  /** The state number of an occupied slot (`numberStates` first). */
  number(slot: number): number {
    return this.table[slot * this.stride + this.stride - 1];
  }

  setNumber(slot: number, state: number): void {
    this.table[slot * this.stride + this.stride - 1] = state;
  }

  /** Bytes of the state numbers (0 when states are not numbered). */
  get numberBytes(): number {
    return this.numbered ? 4 * this.slots : 0;
  }

  /**
   * Reads the first slot the fingerprint would probe and returns its first integer, changing
   * nothing: a batch of these in a loop with no branch on the result brings the slots into
   * cache with many misses in flight at once (visited-batch.ts), before the real probes.
   */
  touch(h1: number, h2: number): number {
    return this.table[this.home(h1, h2) * this.stride];
  }

  /** Adds the fingerprint if absent and returns its slot; `isNew` says which. */
  addSlot(h1: number, h2: number): number {
    h1 |= 0;
    h2 |= 0;
    if (h1 === 0 && h2 === 0) h2 = 1;
    if ((this.size + 1) * 4 > this.slots * 3) this.grow(); // three-quarters load: see above
    const t = this.table;
    const stride = this.stride;
    const slots = this.slots;
    let slot = this.home(h1, h2);
    for (;;) {
      const at = slot * stride;
      const a = t[at];
      const b = t[at + 1];
      if (a === 0 && b === 0) {
        t[at] = h1;
        t[at + 1] = h2;
        this.size++;
        this.isNew = true;
        return slot;
      }
      if (a === h1 && b === h2) {
        this.isNew = false;
        return slot;
      }
      if (++slot === slots) slot = 0;
    }
  }

  /** Adds the fingerprint; true if it was new. */
  add(h1: number, h2: number): boolean {
    this.addSlot(h1, h2);
    return this.isNew;
  }

  private grow(): void {
    const old = this.table;
    const stride = this.stride;
    const w = stride - 2; // data and state number
    // 2^m → 1.5 × 2^m → 2^(m+1): by half, then by a third.
    this.slots = this.times === 1 ? this.slots * 1.5 : (this.slots / 3) * 4;
    this.setGeometry();
    const slots = this.slots;
    const t = new Int32Array(slots * stride);
    // Every fingerprint is known to be absent: only the free slot from its home is looked for.
    for (let s = 0; s < old.length; s += stride) {
      const h1 = old[s];
      const h2 = old[s + 1];
      if (h1 === 0 && h2 === 0) continue;
      let slot = this.home(h1, h2);
      while (t[slot * stride] !== 0 || t[slot * stride + 1] !== 0) if (++slot === slots) slot = 0;
      const at = slot * stride;
      t[at] = h1;
      t[at + 1] = h2;
      for (let k = 0; k < w; k++) t[at + 2 + k] = old[s + 2 + k];
    }
    this.table = t;
  }

  /**
   * Gives the table away (to another thread: visited-pipeline.ts), with what rebuilds the set
   * around it (`VisitedSet.adopt`). This set must not be used afterwards.
   */
  handOver(): VisitedTable {
    if (this.numbered) throw new Error('a visited set that numbers its states stays on its thread');
    return { table: this.table, slots: this.slots, size: this.size, width: this.width };
  }

  static adopt(from: VisitedTable): VisitedSet {
    const set = new VisitedSet(0, from.width);
    set.table = from.table;
    set.slots = from.slots;
    set.setGeometry();
    set.size = from.size;
    return set;
  }

  /** Slots in the table. */
  get capacity(): number {
    return this.slots;
  }

  /** Bytes of fingerprints and data (the state numbers apart: `numberBytes`). */
  get bytes(): number {
    return this.table.byteLength - this.numberBytes;
  }
}

/** Probability that some of `states` 64-bit fingerprints collided (a state wrongly taken as seen). */
export function omissionProbability(states: number): number {
  return (states * states) / 2 ** 65;
}
