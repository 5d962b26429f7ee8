/**
 * An open-addressing set of 64-bit fingerprints in one typed array. V8 caps a Set at about
 * 16.8 M entries (xstate-notes §9); this table has no such limit and costs 8 bytes a slot.
 * Fingerprint 0:0 is the empty marker, so it is remapped to 0:1.
 *
 * Optionally each slot carries `width` integers of data (`values`, at `slot * width`), moved
 * along when the table grows: partial-order reduction keeps a state's sleep sets there.
 */
export class VisitedSet {
  private table: Uint32Array;
  private mask: number;
  size = 0;
  /** Per-slot data, `width` integers a slot (empty when width is 0). */
  values: Int32Array;
  /** Whether the last `addSlot` inserted a new fingerprint. */
  isNew = false;

  constructor(
    log2Slots = 16,
    private readonly width = 0,
  ) {
    this.table = new Uint32Array(2 << log2Slots);
    this.mask = (1 << log2Slots) - 1;
    this.values = new Int32Array(width << log2Slots);
  }

  /** Adds the fingerprint if absent and returns its slot; `isNew` says which. */
  addSlot(h1: number, h2: number): number {
    if (h1 === 0 && h2 === 0) h2 = 1;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const t = this.table;
    let slot = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = t[slot * 2];
      const b = t[slot * 2 + 1];
      if (a === 0 && b === 0) {
        t[slot * 2] = h1;
        t[slot * 2 + 1] = h2;
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
    if (h1 === 0 && h2 === 0) h2 = 1;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    return this.insert(h1, h2);
  }

  private insert(h1: number, h2: number): boolean {
    const t = this.table;
    let slot = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = t[slot * 2];
      const b = t[slot * 2 + 1];
      if (a === 0 && b === 0) {
        t[slot * 2] = h1;
        t[slot * 2 + 1] = h2;
        this.size++;
        return true;
      }
      if (a === h1 && b === h2) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const oldValues = this.values;
    const w = this.width;
    this.table = new Uint32Array(old.length * 2);
    this.values = new Int32Array(oldValues.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s] === 0 && old[s + 1] === 0) continue;
      const slot = this.addSlot(old[s], old[s + 1]);
      for (let k = 0; k < w; k++) this.values[slot * w + k] = oldValues[(s / 2) * w + k];
    }
  }

  get bytes(): number {
    return this.table.byteLength + this.values.byteLength;
  }

  /** Probability that some state was wrongly taken as visited (a fingerprint collision). */
  omissionProbability(): number {
    return (this.size * this.size) / 2 ** 65;
  }
}
