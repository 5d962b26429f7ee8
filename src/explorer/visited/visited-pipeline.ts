/**
 * The visited set on a second thread, for large breadth-first searches: the search thread
 * expands states and the other thread probes the visited table, in step.
 *
 * Why: once the search's own work is cached (step-table.ts), most of a large search's time is
 * the visited probe, one cache (and, in a VM, TLB) miss per transition into a table of tens of
 * megabytes. A second core can take those misses while the first expands the next states.
 *
 * How, without changing what the search finds: the search thread writes each child's
 * fingerprint, in the order it would have probed them, into a ring shared with the worker
 * (`submit`), and keeps the child itself (vector, node data) in a ring of candidates. The
 * worker probes the fingerprints strictly in that order and writes one verdict (new or seen)
 * per fingerprint. The search then moves the new candidates, in order, onto its frontier. So
 * the first occurrence of each state wins exactly as in the one-thread search: same states,
 * same transitions, same breadth-first tree and shortest counterexamples, only later.
 *
 * Protocol (one Int32Array `ctl` over a SharedArrayBuffer, read and written with Atomics):
 * WRITTEN fingerprints published by the search thread; DONE judged by the worker; SIZE and SLOTS
 * of the worker's table; STOP asks the worker to end; READY once it runs; FAILED if it threw.
 * The worker sleeps on WRITTEN when idle (IDLE set), the search thread on DONE when it must wait.
 */
import { Worker } from 'node:worker_threads';
import { RING, type SecondThreadQueue } from './verdict-queue.ts';
import type { VisitedTable } from './visited-set.ts';

export { RING, type VerdictQueue } from './verdict-queue.ts';

// The search thread writes the first cache line of `ctl`, the worker the second (64 bytes on):
// each side polls the other's line, and sharing one line would bounce it on every write.
export const WRITTEN = 0;
export const STOP = 1;
export const DONE = 16;
export const SIZE = 17;
export const SLOTS = 18;
export const IDLE = 19;
export const READY = 20;
export const FAILED = 21;
export const CTL_INTS = 32;

/** What the search thread and the worker share. */
export interface PipelineShared {
  ctl: Int32Array;
  /** Fingerprint k is at (2k, 2k + 1) mod the ring. */
  prints: Int32Array;
  /** Verdict k: 1 new, 0 seen. */
  verdicts: Uint8Array;
}

export class VisitedPipeline implements SecondThreadQueue {
  readonly shared: PipelineShared;
  private readonly worker: Worker;
  private written = 0;
  private published = 0;

  /** Starts the worker; it takes the table later (`handOver`), once it reports READY. */
  constructor() {
    this.shared = {
      ctl: new Int32Array(new SharedArrayBuffer(CTL_INTS * 4)),
      prints: new Int32Array(new SharedArrayBuffer(RING * 8)),
      verdicts: new Uint8Array(new SharedArrayBuffer(RING)),
    };
    // The worker module is TypeScript when this one is (run through tsx or vitest): then the
    // worker registers tsx's loader before importing it (workers do not inherit loaders).
    const ts = import.meta.url.endsWith('.ts');
    const file = new URL(ts ? './visited-worker.ts' : './visited-worker.js', import.meta.url).href;
    const boot = ts
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`
      : `import(${JSON.stringify(file)})`;
    this.worker = new Worker(boot, { eval: true, workerData: this.shared });
    this.worker.unref();
    this.worker.on('error', () => Atomics.store(this.shared.ctl, FAILED, 1));
  }

  /** Whether the worker is running and can take the table. */
  get ready(): boolean {
    return Atomics.load(this.shared.ctl, READY) === 1;
  }

  /** Waits up to `ms` for the worker to run; false if it did not (or failed to start). */
  awaitReady(ms: number): boolean {
    const ctl = this.shared.ctl;
    const until = performance.now() + ms;
    while (Atomics.load(ctl, READY) === 0 && Atomics.load(ctl, FAILED) === 0 && performance.now() < until)
      Atomics.wait(ctl, READY, 0, 20);
    return this.ready;
  }

  /** Gives the worker the table (the caller's set must not be used afterwards). */
  handOver(table: VisitedTable): void {
    Atomics.store(this.shared.ctl, SIZE, table.size);
    Atomics.store(this.shared.ctl, SLOTS, table.slots);
    this.worker.postMessage(table, [table.table.buffer as ArrayBuffer]);
  }

  /** Fingerprints submitted so far (the index the next one gets). */
  get submitted(): number {
    return this.written;
  }

  /** Queues a fingerprint; the caller must keep fewer than RING unconsumed (`waitFor`). */
  submit(h1: number, h2: number): void {
    const at = (this.written & (RING - 1)) * 2;
    this.shared.prints[at] = h1;
    this.shared.prints[at + 1] = h2;
    this.written++;
  }

  /** Makes the submitted fingerprints visible to the worker (and wakes it if it sleeps). */
  publish(): void {
    const ctl = this.shared.ctl;
    Atomics.store(ctl, WRITTEN, this.written);
    if (Atomics.load(ctl, IDLE) === 1) Atomics.notify(ctl, WRITTEN);
    this.published = this.written;
  }

  /**
   * Publishes when enough has accumulated: publishing touches a line the worker reads, but
   * publishing rarely lets the worker run dry and fall asleep, and waking it is a system call.
   */
  publishSome(): void {
    if (this.written - this.published >= 64) this.publish();
  }

  /** How many fingerprints have a verdict. */
  judged(): number {
    return Atomics.load(this.shared.ctl, DONE);
  }

  /** Whether fingerprint k was new (k < judged()). */
  isNew(k: number): boolean {
    return this.shared.verdicts[k & (RING - 1)] === 1;
  }

  /** Blocks until fingerprint k has its verdict. */
  waitFor(k: number): void {
    this.publish();
    const ctl = this.shared.ctl;
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done > k) return;
      if (Atomics.load(ctl, FAILED) === 1) throw new Error('the visited-set thread of the search failed');
      Atomics.wait(ctl, DONE, done, 1000);
    }
  }

  /** States in the worker's table (exact once every submitted fingerprint is judged). */
  get size(): number {
    return Atomics.load(this.shared.ctl, SIZE);
  }

  get bytes(): number {
    return Atomics.load(this.shared.ctl, SLOTS) * 8;
  }

  /** Waits for every verdict, then lets the worker end. */
  finish(): void {
    if (this.written > 0) this.waitFor(this.written - 1);
    this.stop();
  }

  stop(): void {
    Atomics.store(this.shared.ctl, STOP, 1);
    Atomics.notify(this.shared.ctl, WRITTEN);
    void this.worker.terminate();
  }
}
