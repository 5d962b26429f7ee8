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
 * It grows by half at three-quarters load, so once past its first size it is between half and
 * three-quarters full: 10.7 to 16 bytes per state, the most issue 12 allows. (Doubling, as it
 * did, left it as little as 3/8 full, 21.3 bytes per state: seq-retry 2×2 took 23.5.) Linear
 * probing at that load still probes within one or two cache lines of 8 slots; measured against
 * doubling at half load (seq-retry 2×3 and 1×10, 3 runs each, docs/performance.md): half the
 * bytes per state and no slower. A table whose size is no power of two cannot take a
 * fingerprint's low bits as its home slot: it scales the 32-bit hash to the table instead
 * (multiply and keep the high part: D. Lemire, "Fast random integer generation in an
 * interval", ACM TOMACS 29(1), 2019), which keeps slots in hash order, so growing still
 * rehashes nearly sequentially.
 *
 * Optionally each slot carries `width` integers of data, stored right after its fingerprint (so
 * reading them after a probe costs no second cache miss) and moved along when the table grows:
 * partial-order reduction keeps a state's first search node there (`value`, `setValue`).
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
  /** `slots` / 2^32: a 32-bit hash times this, rounded down, is its home slot. */
  private scale: number;
  private readonly stride: number;
  size = 0;
  /** Whether the last `addSlot` inserted a new fingerprint. */
  isNew = false;

  constructor(
    log2Slots = 16,
    private readonly width = 0,
  ) {
    this.stride = 2 + width;
    this.slots = 2 ** log2Slots;
    this.scale = this.slots / 2 ** 32;
    this.table = new Int32Array(this.stride * this.slots);
  }

  /**
   * The fingerprint's home slot: its 32-bit hash scaled to the table. The exact product is at
   * least slots / 2^32 below `slots`, far more than a double's rounding error at that size, so
   * `| 0` (a floor for these) gives a slot.
   */
  private home(h1: number, h2: number): number {
    return (((h1 ^ Math.imul(h2, 0x9e3779b1)) >>> 0) * this.scale) | 0;
  }

  /** Data integer `k` of a slot (from `addSlot`). */
  value(slot: number, k = 0): number {
    return this.table[slot * this.stride + 2 + k];
  }

  setValue(slot: number, v: number, k = 0): void {
    this.table[slot * this.stride + 2 + k] = v;
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
    const w = this.width;
    // Half as many again, rounded up to whole cache lines of 8 slots.
    this.slots = Math.ceil((this.slots * 1.5) / 8) * 8;
    this.scale = this.slots / 2 ** 32;
    this.table = new Int32Array(this.slots * stride);
    this.size = 0;
    for (let s = 0; s < old.length; s += stride) {
      if (old[s] === 0 && old[s + 1] === 0) continue;
      const at = this.addSlot(old[s], old[s + 1]) * stride;
      for (let k = 0; k < w; k++) this.table[at + 2 + k] = old[s + 2 + k];
    }
  }

  /**
   * Gives the table away (to another thread: visited-pipeline.ts), with what rebuilds the set
   * around it (`VisitedSet.adopt`). This set must not be used afterwards.
   */
  handOver(): VisitedTable {
    return { table: this.table, slots: this.slots, size: this.size, width: this.width };
  }

  static adopt(from: VisitedTable): VisitedSet {
    const set = new VisitedSet(0, from.width);
    set.table = from.table;
    set.slots = from.slots;
    set.scale = from.slots / 2 ** 32;
    set.size = from.size;
    return set;
  }

  /** Slots in the table. */
  get capacity(): number {
    return this.slots;
  }

  get bytes(): number {
    return this.table.byteLength;
  }
}

/** Probability that some of `states` 64-bit fingerprints collided (a state wrongly taken as seen). */
export function omissionProbability(states: number): number {
  return (states * states) / 2 ** 65;
}
