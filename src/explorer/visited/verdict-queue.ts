/**
 * What a breadth-first search needs of a visited set it does not probe itself: children's
 * fingerprints in, verdicts out, in submission order (visited-batch.ts on the search's own
 * thread; visited-pipeline.ts on a second one). No platform API here: the browser entry uses it.
 */
import type { VisitedTable } from './visited-set.ts';

/** Fingerprints in flight at most (a power of two). */
export const RING = 1 << 18;

export interface VerdictQueue {
  readonly submitted: number;
  submit(h1: number, h2: number): void;
  /** Lets the judging go on with what was submitted, when enough has accumulated. */
  publishSome(): void;
  /** How many have a verdict. */
  judged(): number;
  isNew(k: number): boolean;
  /** Returns once submission k has its verdict. */
  waitFor(k: number): void;
  /** Returns once every submission has its verdict. */
  finish(): void;
  readonly size: number;
  readonly bytes: number;
}

/**
 * A verdict queue on a second thread, which boots first and then takes the table over.
 *
 * @internal Only Node's search host (a worker thread over shared memory) implements it; a
 * custom `SearchHost` sets `secondThread: null`, so the API reference leaves it out
 * (typedoc.json `intentionallyNotExported`).
 */
export interface SecondThreadQueue extends VerdictQueue {
  /** Waits up to `ms` for the thread to run; false if it did not (or failed to start). */
  awaitReady(ms: number): boolean;
  /** Gives the thread the table (the caller's set must not be used afterwards). */
  handOver(table: VisitedTable): void;
  stop(): void;
}
