/**
 * The visited set probed in batches on the search's own thread: the same protocol as
 * visited-pipeline.ts (children submitted in order, verdicts read back in order), with the
 * probing done here, a batch at a time, in one tight loop.
 *
 * Why: a probe of a large table is a cache miss, and in the search's long loop body the CPU
 * cannot start the next miss before the last one is done. Over a batch, a first loop that only
 * loads each slot (`VisitedSet.touch`) has many misses in flight at once; the probes then hit
 * the cache. (seq-retry 1×10, medians of alternating runs: batches 5–15 % faster than probing
 * child by child, the touch loop another 5–7 %; docs/performance.md.)
 *
 * When the set numbers its states (`numberFrom`, for the liveness recording: visited-set.ts), a
 * new fingerprint gets the next number and an old one reads its number back (`state`).
 */
import { RING, type VerdictQueue } from './verdict-queue.ts';
import type { VisitedSet } from './visited-set.ts';

/** Fingerprints judged together (well under RING, so the search seldom has to wait). */
const BATCH = 1024;

export class BatchedVisited implements VerdictQueue {
  private readonly prints = new Int32Array(RING * 2);
  private readonly verdicts = new Uint8Array(RING);
  /** Per submission, the state number of its fingerprint, when states are numbered. */
  private states: Int32Array | null = null;
  private nextNumber = 0;
  private written = 0;
  /** Keeps the touch loop's loads from being optimized away. */
  sink = 0;
  private done = 0;

  constructor(private readonly visited: VisitedSet) {}

  /**
   * Numbers states from now on: the next new fingerprint is state `next`. The set must number
   * its states already (`VisitedSet.numberStates`).
   */
  numberFrom(next: number): void {
    this.states = new Int32Array(RING);
    this.nextNumber = next;
  }

  /** The state number of submission k's fingerprint (after its verdict, with `numberFrom`). */
  state(k: number): number {
    return (this.states as Int32Array)[k & (RING - 1)];
  }

  get submitted(): number {
    return this.written;
  }

  submit(h1: number, h2: number): void {
    const at = (this.written & (RING - 1)) * 2;
    this.prints[at] = h1;
    this.prints[at + 1] = h2;
    this.written++;
  }

  publishSome(): void {
    if (this.written - this.done >= BATCH) this.judge();
  }

  judged(): number {
    return this.done;
  }

  isNew(k: number): boolean {
    return this.verdicts[k & (RING - 1)] === 1;
  }

  waitFor(k: number): void {
    if (k >= this.done) this.judge();
  }

  finish(): void {
    this.judge();
  }

  get size(): number {
    return this.visited.size;
  }

  get bytes(): number {
    return this.visited.bytes;
  }

  private judge(): void {
    const visited = this.visited;
    const prints = this.prints;
    const verdicts = this.verdicts;
    const end = this.written;
    // First bring every slot of the batch into cache: a loop with no branch on what it loads
    // lets the CPU keep many misses in flight (the probes below branch on each load).
    // (Touching the state numbers' column here too was no faster: measured, seq-retry 2×3.)
    let sink = 0;
    for (let k = this.done; k < end; k++) {
      const at = k & (RING - 1);
      sink ^= visited.touch(prints[at * 2] | 0, prints[at * 2 + 1] | 0);
    }
    this.sink ^= sink;
    const states = this.states;
    if (states === null) {
      for (let k = this.done; k < end; k++) {
        const at = k & (RING - 1);
        visited.addSlot(prints[at * 2], prints[at * 2 + 1]);
        verdicts[at] = visited.isNew ? 1 : 0;
      }
    } else {
      for (let k = this.done; k < end; k++) {
        const at = k & (RING - 1);
        const slot = visited.addSlot(prints[at * 2], prints[at * 2 + 1]);
        if (visited.isNew) {
          verdicts[at] = 1;
          visited.setNumber(slot, this.nextNumber);
          states[at] = this.nextNumber++;
        } else {
          verdicts[at] = 0;
          states[at] = visited.number(slot);
        }
      }
    }
    this.done = end;
  }
}
