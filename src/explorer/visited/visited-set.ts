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
 * It doubles at three-quarters load, so it costs 10.7 to 21.3 bytes per state (issue 12 asks
 * for at most 16). Linear probing at that load still probes within one or two cache lines of 8
 * slots; measured against doubling at half load (seq-retry 2×3 and 1×10, 3 runs each,
 * docs/performance.md): half the bytes per state (28.1 → 14.0, 27.4 → 13.7) and no slower.
 *
 * Optionally each slot carries `width` integers of data, stored right after its fingerprint (so
 * reading them after a probe costs no second cache miss) and moved along when the table grows:
 * partial-order reduction keeps a state's first search node there (`value`, `setValue`).
 */
/** A visited set's whole state, as handed between threads. */
export interface VisitedTable {
  table: Int32Array;
  mask: number;
  size: number;
  width: number;
}

export class VisitedSet {
  private table: Int32Array;
  private mask: number;
  private readonly stride: number;
  size = 0;
  /** Whether the last `addSlot` inserted a new fingerprint. */
  isNew = false;

  constructor(
    log2Slots = 16,
    private readonly width = 0,
  ) {
    this.stride = 2 + width;
    this.table = new Int32Array(this.stride << log2Slots);
    this.mask = (1 << log2Slots) - 1;
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
    return this.table[((h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask) * this.stride];
  }

  /** Adds the fingerprint if absent and returns its slot; `isNew` says which. */
  addSlot(h1: number, h2: number): number {
    h1 |= 0;
    h2 |= 0;
    if (h1 === 0 && h2 === 0) h2 = 1;
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) this.grow(); // three-quarters load: see above
    const t = this.table;
    const stride = this.stride;
    let slot = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
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
      slot = (slot + 1) & this.mask;
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
    this.table = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
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
    return { table: this.table, mask: this.mask, size: this.size, width: this.width };
  }

  static adopt(from: VisitedTable): VisitedSet {
    const set = new VisitedSet(0, from.width);
    set.table = from.table;
    set.mask = from.mask;
    set.size = from.size;
    return set;
  }

  /** Slots in the table (a power of two). */
  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.table.byteLength;
  }
}

/** Probability that some of `states` 64-bit fingerprints collided (a state wrongly taken as seen). */
export function omissionProbability(states: number): number {
  return (states * states) / 2 ** 65;
}
