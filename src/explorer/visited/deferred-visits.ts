/**
 * Breadth-first search without sleep sets does not probe the visited set child by
 * child. It offers each child here; the child's fingerprint goes to a verdict queue and the
 * child waits, in order, with what its frontier record and search node need. Judged children
 * move on in the same order: new ones onto the frontier with a search node, repeats are
 * dropped. The first occurrence of each state wins exactly as with one probe per child, so the
 * states, transitions, breadth-first tree and counterexamples are the same, only later.
 *
 * The queue judges on this thread in batches (visited-batch.ts: a tight probe loop keeps several
 * cache misses in flight) and, for a search that passes `pipelineFrom` states with two threads
 * allowed, on a worker thread that takes the table over (visited-pipeline.ts).
 *
 * With the liveness graph being recorded, every child's edge learns its target here: a new
 * child's is its search node; an old child's is the state number the visited set keeps beside
 * its fingerprint (`numberStates`; visited-set.ts), when no second thread may take the judging over;
 * a child settled as a repeat of a recent one (`admit`) shares that one's target. The recorder
 * then needs no lookup of its own (liveness/graph-recorder.ts).
 */
import { Candidates, type Frontier, type Nodes } from '../search/search-structures.ts';
import type { ExpansionRecorder } from '../search-types.ts';
import { RING, type SecondThreadQueue, type VerdictQueue } from './verdict-queue.ts';
import { BatchedVisited } from './visited-batch.ts';
import type { VisitedSet } from './visited-set.ts';

export class DeferredVisits {
  private queue: VerdictQueue;
  private readonly waiting: Candidates;
  /** Children moved on (or dropped) so far, of those submitted to `queue`. */
  private promoted = 0;
  /** The latest fingerprints offered, by 12 bits of their hash (32 KB: stays in L1). */
  private readonly recent = new Int32Array(2 << 12);
  /** The recorded edge of each of `recent`'s fingerprints (with a recorder). */
  private readonly recentEdge: Int32Array;
  /** The queue while it numbers states (this thread's, `numberStates`), else null. */
  private numbered: BatchedVisited | null = null;
  private worker: SecondThreadQueue | null = null;
  private twoThreads: boolean;

  constructor(
    n: number,
    private readonly visited: VisitedSet,
    private readonly frontier: Frontier,
    private readonly nodes: Nodes,
    /** Starts the second thread (search-host.ts); null keeps the search on one. */
    private readonly secondThread: (() => SecondThreadQueue) | null,
    private readonly pipelineFrom: number,
    /** The liveness graph being recorded, told of each new child's node (`submit`'s edge). */
    private readonly recorder: ExpansionRecorder | null = null,
  ) {
    this.queue = new BatchedVisited(visited);
    this.waiting = new Candidates(n, RING);
    this.twoThreads = secondThread !== null;
    this.recentEdge = new Int32Array(recorder === null ? 0 : 1 << 12);
  }

  /**
   * With a recorder: numbers the states in the visited set from now on, so that old children's
   * edges learn their targets too. `rootSlot` holds the only state so far, search node `root`.
   * True if every edge will be told its target: numbered, and no second thread to take over.
   */
  numberStates(rootSlot: number, root: number): boolean {
    // The worker thread does not number (and a numbered table cannot move to it).
    if (this.recorder === null || this.twoThreads || this.visited.size !== 1 || this.nodes.count !== 1) return false;
    this.visited.numberStates();
    this.visited.setNumber(rootSlot, root);
    const batched = this.queue as BatchedVisited;
    batched.numberFrom(this.nodes.count);
    this.numbered = batched;
    return true;
  }

  /** Whether children still wait for a verdict. */
  get pending(): boolean {
    return this.promoted < this.queue.submitted;
  }

  /** New states so far (those moved onto the frontier, and the root). */
  get states(): number {
    return this.nodes.count;
  }

  get threads(): number {
    return this.queue === this.worker ? 2 : 1;
  }

  get bytes(): number {
    return this.queue.bytes;
  }

  /**
   * Whether a child with this fingerprint must wait for a verdict: false when it is settled at
   * once as a repeat of a child offered moments ago (a fingerprint once submitted is in the set
   * before any later one is judged). When true, the caller pushes the child's frontier record
   * onto `records` and then calls `submit`.
   */
  admit(h1: number, h2: number, edge: number): boolean {
    const r = ((h1 ^ Math.imul(h2, 0x9e3779b1)) >>> 20) * 2;
    const recent = this.recent;
    if (recent[r] === h1 && recent[r + 1] === h2 && (h1 | h2) !== 0) {
      if (edge >= 0) this.recorder!.sameTarget(edge, this.recentEdge[r >> 1]);
      return false;
    }
    recent[r] = h1;
    recent[r + 1] = h2;
    if (edge >= 0) this.recentEdge[r >> 1] = edge;
    if (this.queue.submitted - this.promoted >= RING) this.promote(true);
    return true;
  }

  /** Where an admitted child's frontier record goes (its node slot is filled in on the way out). */
  get records(): Frontier {
    return this.waiting.records;
  }

  /**
   * Queues the admitted child's fingerprint, with what makes its search node, and its edge in the
   * recorded liveness graph (-1: none), which learns the child's node if it is new.
   */
  submit(h1: number, h2: number, parent: number, via: number, depth: number, edge: number): void {
    this.waiting.note(this.queue.submitted, parent, via, depth, edge);
    this.queue.submit(h1, h2);
  }

  /** After each expansion: lets judging go on, moves judged children on, maybe starts the worker. */
  afterExpansion(expanded: number): void {
    this.queue.publishSome();
    // Move judged children on while they are still in cache (reading a worker's progress
    // touches its cache line: every few expansions, or when the frontier runs low).
    if ((expanded & 7) === 0 || this.frontier.length < 64) this.promote(false);
    if (!this.twoThreads || this.queue === this.worker || this.nodes.count < this.pipelineFrom >> 2) return;
    // Started early so it is up by the time it takes over (it boots in ~0.2 s).
    this.worker ??= this.secondThread!();
    if (this.nodes.count < this.pipelineFrom) return;
    this.finish();
    if (this.worker.awaitReady(5000)) {
      this.worker.handOver(this.visited.handOver());
      this.queue = this.worker;
      this.numbered = null; // the worker judges without numbers: old children's edges stay unknown
      this.promoted = 0;
    } else {
      this.worker.stop(); // it could not start: go on with one thread
      this.twoThreads = false;
    }
  }

  /** Waits for the next verdict and moves judged children on (the frontier ran dry). */
  drain(): void {
    this.promote(true);
  }

  /** Every verdict in, every judged child moved on. */
  finish(): void {
    this.queue.finish();
    this.promote(false);
  }

  stop(): void {
    this.worker?.stop();
  }

  /** Moves judged children, in order, onto the frontier; first waits for one if `block`. */
  private promote(block: boolean): void {
    const queue = this.queue;
    const waiting = this.waiting;
    if (block) queue.waitFor(this.promoted);
    const judged = queue.judged();
    let numbered = this.numbered;
    for (let k = this.promoted; k < judged; k++) {
      const edge = waiting.edge(k);
      if (!queue.isNew(k)) {
        if (numbered !== null && edge >= 0) this.recorder!.target(edge, numbered.state(k));
        waiting.records.drop();
        continue;
      }
      const child = this.nodes.add(waiting.parent(k), waiting.via(k), waiting.depth(k));
      if (edge >= 0) this.recorder!.target(edge, child);
      // The numbers are the nodes' only while every new state becomes the next node; should that
      // ever fail, old children are left to the recorder's own lookup from here on.
      if (numbered !== null && numbered.state(k) !== child) this.numbered = numbered = null;
      waiting.records.moveHeadTo(this.frontier, child);
    }
    this.promoted = judged;
  }
}
