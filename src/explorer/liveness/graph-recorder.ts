/**
 * The liveness graph recorded by the safety search as it runs, so that a scenario whose threads
 * end is explored once, not twice (issue 12: the second exploration, state-graph.ts, took 60 %
 * of the time to a verdict on seq-retry 2×3).
 *
 * The search tells the recorder of every state it expands (`expanded`): the state's vector and
 * fingerprint, and its children's fingerprints and local steps in step order, which is what
 * `livelocksIn` reads of a graph (edges and their steps; vectors for pending requests and enabled
 * fairness units; the breadth-first tree for the lasso's prefix). Only fingerprints are known
 * then, not state numbers: breadth-first search without a reduction learns whether a child is
 * new a batch later (visited/deferred-visits.ts). It then tells each edge's target (`target`:
 * a new child's search node, an old child's number from the visited set, which numbers its states
 * while a graph is recorded; `sameTarget`: a repeat of a child offered moments before). So
 * `graph` numbers the states in the order they were expanded, resolves by fingerprint, a batch at
 * a time, only the targets it was not told (a depth-first search, or one allowed a second thread
 * for its verdicts), and renumbers breadth-first from the initial state. The result is the graph `buildStateGraph` builds, state for state and edge for edge
 * (the same breadth-first numbering, tree and edge order): a breadth-first search expands its
 * states in that order already, so the renumbering is then the identity and skipped; after a
 * depth-first search it reorders the graph, so counterexamples do not depend on the strategy.
 *
 * A recorded graph serves only when it is the whole graph: the search complete, without a
 * reduction (whose sleep sets leave edges out and whose keys merge states), unsharded (state-
 * search.ts records nothing then). Otherwise `graph` returns null and the liveness pass builds its
 * own graph as before (check-liveness.ts).
 *
 * Memory is time here: on the machines measured, first touching a page costs far more than
 * what is written to it (about 6 ms a MiB), so the recording is laid out to be touched once.
 * Each list lives in a resizable ArrayBuffer, which grows in place (no copy at a doubling) and is
 * handed to the graph as it is; a state's vector takes 2 bytes an actor (local ids past 65535:
 * no recording); the edges' fingerprints become their targets in place, and the states'
 * fingerprints, once read, the breadth-first tree. That is 12 bytes a transition and 12 + 2 per
 * actor a state; 8 bytes a transition when the search tells every target (`everyTargetTold`: a
 * breadth-first search on one thread), whose visited set then keeps 4 bytes of state number a
 * slot (visited/visited-set.ts). An index of 12 bytes a slot is built only where some target was
 * not told.
 * Past `maxBytes` the recorder drops what it has and records no more (check-liveness.ts allows half
 * the search's memory budget), and the liveness pass builds its own graph after all.
 */
import type { SemanticStep } from '../../runtime/controlled-world.ts';
import { interrupted } from '../search/interrupt.ts';
import type { ExpansionRecorder, SearchStats } from '../search-types.ts';
import type { StateGraph } from './state-graph.ts';

/** ES2024's resizable ArrayBuffer (Node 20, current browsers), typed here for an ES2022 target. */
type ResizableBuffer = ArrayBuffer & { resize(bytes: number): void };
const Resizable = ArrayBuffer as unknown as new (bytes: number, opts: { maxByteLength: number }) => ResizableBuffer;

/** Whether this platform grows buffers in place; without that, nothing is recorded. */
const canResize = typeof (ArrayBuffer.prototype as Partial<ResizableBuffer>).resize === 'function';

/**
 * A recorder for a world of `n` actors, or undefined where none can be made: no resizable
 * buffers, or no address space to reserve for them (a process under `ulimit -v`).
 */
export function graphRecorder(n: number, maxBytes: number): GraphRecorder | undefined {
  if (!canResize) return undefined;
  try {
    return new GraphRecorder(n, maxBytes);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

const MIB = 2 ** 20;

/** A list of integers in a resizable buffer: grows in place, and `view` is the list itself. */
class GrowingList<A extends Int32Array | Uint16Array> {
  private readonly buf: ResizableBuffer;
  data: A;
  length = 0;

  constructor(
    private readonly make: (buf: ArrayBuffer, length: number) => A,
    private readonly width: number,
    private readonly maxBytes: number,
  ) {
    this.buf = new Resizable(0, { maxByteLength: maxBytes });
    this.data = make(this.buf, 0);
  }

  /** Makes room for `more` entries; false past `maxBytes`. */
  room(more: number): boolean {
    const need = this.length + more;
    if (need <= this.data.length) return true;
    // By a quarter: growing in place copies nothing, so a doubling would only let the list's
    // size, which the recorder holds to its share of the memory budget, run up to twice its data.
    const grown = Math.max(need * this.width, this.buf.byteLength + Math.max(MIB, this.buf.byteLength / 4));
    const bytes = Math.min(this.maxBytes, Math.ceil(grown / MIB) * MIB);
    if (need * this.width > bytes) return false;
    this.buf.resize(bytes);
    this.data = this.make(this.buf, bytes / this.width);
    return true;
  }

  get bytes(): number {
    return this.buf.byteLength;
  }

  /** The list, as a view of its buffer. */
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

const int32 = (buf: ArrayBuffer, length: number) => new Int32Array(buf, 0, length);
const uint16 = (buf: ArrayBuffer, length: number) => new Uint16Array(buf, 0, length);

export class GraphRecorder implements ExpansionRecorder {
  /** Per expanded state: its vector, its fingerprint (two integers), where its edges start. */
  private readonly vecs: GrowingList<Uint16Array>;
  private readonly fps: GrowingList<Int32Array>;
  private readonly edgeStart: GrowingList<Int32Array>;
  /**
   * Per edge: the child's fingerprint (two integers), or, once the search said it will tell
   * every target (`everyTargetTold`), one integer: target + 1 (`target`), -(earlier edge + 1)
   * (`sameTarget`), or 0 while untold. And the local step.
   */
  private readonly kidFps: GrowingList<Int32Array>;
  private readonly edgeStep: GrowingList<Int32Array>;
  /** One bit per edge: its target is known (`target`), stored at `kidFps[2e]`. */
  private known: Int32Array = new Int32Array(1 << 12);
  /** One bit per edge: its target is an earlier edge's (`sameTarget`), whose number is at `kidFps[2e]`. */
  private alias: Int32Array = new Int32Array(1 << 12);
  private dropped = false;
  /** Every edge's target will be told: no fingerprints kept for them (`everyTargetTold`). */
  private told = false;

  constructor(
    private readonly n: number,
    /** Bytes the recording may take before it is dropped. */
    private readonly maxBytes = 2 ** 32,
  ) {
    // Each list may take it all (only virtual memory is reserved); `expanded` watches the sum.
    const most = Math.floor(Math.min(maxBytes, 2 ** 32) / 8) * 8;
    this.vecs = new GrowingList(uint16, 2, most);
    this.fps = new GrowingList(int32, 4, most);
    this.edgeStart = new GrowingList(int32, 4, most);
    this.kidFps = new GrowingList(int32, 4, most);
    this.edgeStep = new GrowingList(int32, 4, most);
  }

  everyTargetTold(): void {
    if (this.fps.length === 0) this.told = true;
  }

  expanded(vec: Int32Array, h1: number, h2: number, kidFp: Int32Array, kidStep: Int32Array, kids: number): number {
    const first = this.edgeStep.length;
    if (this.dropped) return first;
    const { vecs, fps, edgeStart, kidFps, edgeStep, n, told } = this;
    const perKid = told ? 1 : 2;
    if (!(vecs.room(n) && fps.room(2) && edgeStart.room(1) && kidFps.room(kids * perKid) && edgeStep.room(kids))) {
      this.drop();
      return first;
    }
    const v = vecs.data;
    for (let i = 0; i < n; i++) {
      const local = vec[i];
      if (local >>> 16 !== 0) {
        this.drop(); // past 2 bytes
        return first;
      }
      v[vecs.length + i] = local;
    }
    vecs.length += n;
    fps.data[fps.length++] = h1;
    fps.data[fps.length++] = h2;
    edgeStart.data[edgeStart.length++] = edgeStep.length;
    if (told) {
      kidFps.length += kids; // a fresh buffer reads 0 (untold) until `target` writes
    } else {
      const kf = kidFps.data;
      const at = kidFps.length;
      for (let k = 0; k < kids * 2; k++) kf[at + k] = kidFp[k];
      kidFps.length += kids * 2;
    }
    const ks = edgeStep.data;
    for (let k = 0; k < kids; k++) ks[edgeStep.length + k] = kidStep[k];
    edgeStep.length += kids;
    if ((fps.length & 8191) === 0 && this.bytes > this.maxBytes) this.drop();
    return first;
  }

  target(edge: number, state: number): void {
    if (this.dropped) return;
    if (this.told) {
      this.kidFps.data[edge] = state + 1;
      return;
    }
    this.known = setBit(this.known, edge);
    this.kidFps.data[2 * edge] = state;
  }

  sameTarget(edge: number, as: number): void {
    if (this.dropped) return;
    if (this.told) {
      this.kidFps.data[edge] = -(as + 1);
      return;
    }
    this.alias = setBit(this.alias, edge);
    this.kidFps.data[2 * edge] = as;
  }

  get bytes(): number {
    return this.vecs.bytes + this.fps.bytes + this.edgeStart.bytes + this.kidFps.bytes + this.edgeStep.bytes;
  }

  /**
   * The liveness graph, if the search that fed this recorder explored the whole space (`stats`:
   * complete, and every state it counted expanded here); else null. Call once: the recording
   * becomes the graph.
   */
  graph(
    stats: SearchStats,
    /** `performance.now()` past which there is no time left (then null: the build stops at once too). */
    stopAt = Number.POSITIVE_INFINITY,
  ): StateGraph | null {
    const count = this.fps.length / 2;
    const whole = stats.complete && count > 0 && count === stats.states && this.bytes <= this.maxBytes;
    if (this.dropped || !whole || performance.now() > stopAt || interrupted()) {
      this.drop();
      return null;
    }
    this.dropped = true; // handed over
    if (!this.edgeStart.room(1)) return null;
    this.edgeStart.data[this.edgeStart.length++] = this.edgeStep.length;
    const fps = this.fps.view();
    const edgeTo = this.told
      ? toldTargets(this.kidFps.view())
      : resolveTargets(fps, this.kidFps.view(), this.known, this.alias, stopAt);
    if (!edgeTo) return null;
    // The fingerprints are read: their room holds the breadth-first tree.
    const tree = { parent: fps.subarray(0, count), via: fps.subarray(count) };
    const g = breadthFirst(this.n, count, this.vecs.view(), this.edgeStart.view(), edgeTo, this.edgeStep.view(), tree);
    if (g && this.edgeSteps) g.expand = this.edgeSteps;
    return g;
  }

  /** The search takes returns at once: how to list an edge's steps (`StateGraph.expand`). */
  stepsOfEdges(steps: (vec: Int32Array, step: number) => SemanticStep[]): void {
    this.edgeSteps = steps;
  }

  private edgeSteps: ((vec: Int32Array, step: number) => SemanticStep[]) | null = null;

  private drop(): void {
    this.dropped = true;
    this.known = new Int32Array(0);
    this.alias = new Int32Array(0);
    for (const list of [this.vecs, this.fps, this.edgeStart, this.kidFps, this.edgeStep]) list.length = 0;
  }
}

/**
 * Each edge's target, written over `kidFps` (edge e's at e, once 2e and 2e + 1 are read): the
 * state number it was told (`known`), an earlier edge's target (`alias`), or else the number of
 * the state with the child's fingerprint (`fps` holds state k's at 2k, 2k + 1), looked up in an
 * open-addressing index of (state number, fingerprint) triples built only when some edge needs
 * it. Null if a child's fingerprint is no expanded state's (cannot happen after a complete
 * search), or if the time budget ran out or a signal came on the way (checked every 2^18 edges:
 * 14 M edges take 1–2 s here, a budget's overrun should not). The index keeps each state's
 * fingerprint beside its number, so a probe is one cache miss, not two (the index, then `fps`):
 * 12 bytes a slot at 0.3–0.6 load.
 */
function resolveTargets(
  fps: Int32Array,
  kidFps: Int32Array,
  known: Int32Array,
  alias: Int32Array,
  stopAt: number,
): Int32Array | null {
  const count = fps.length / 2;
  const edges = kidFps.length / 2;
  let unknown = false;
  for (let e = 0; e < edges && !unknown; e++) unknown = !isSet(known, e) && !isSet(alias, e);
  const bits = unknown ? Math.max(4, Math.ceil(Math.log2(count / 0.6))) : 0;
  const mask = (1 << bits) - 1;
  const index = new Int32Array(unknown ? 3 << bits : 0).fill(-1);
  const home = (h1: number, h2: number) => (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
  for (let s = 0; unknown && s < count; s++) {
    const h1 = fps[2 * s];
    const h2 = fps[2 * s + 1];
    let slot = home(h1, h2);
    while (index[3 * slot] !== -1) slot = (slot + 1) & mask;
    index[3 * slot] = s;
    index[3 * slot + 1] = h1;
    index[3 * slot + 2] = h2;
  }
  // A batch at a time: first a loop that only brings the batch's index slots in, whose loads do
  // not wait on one another, so their cache misses overlap (as visited/visited-batch.ts does for
  // the search); then the probes, which find them in cache.
  const BATCH = 64;
  let sink = 0;
  for (let from = 0; from < edges; from += BATCH) {
    if ((from & 0x3ffff) === 0 && from > 0 && (performance.now() > stopAt || interrupted())) return null;
    const to = Math.min(edges, from + BATCH);
    if (unknown)
      for (let e = from; e < to; e++) {
        if (!isSet(known, e) && !isSet(alias, e)) sink ^= index[3 * home(kidFps[2 * e], kidFps[2 * e + 1])];
      }
    for (let e = from; e < to; e++) {
      if (isSet(known, e)) {
        kidFps[e] = kidFps[2 * e];
        continue;
      }
      if (isSet(alias, e)) {
        kidFps[e] = kidFps[kidFps[2 * e]]; // that earlier edge's target is final already
        continue;
      }
      const h1 = kidFps[2 * e];
      const h2 = kidFps[2 * e + 1];
      let slot = home(h1, h2);
      for (;;) {
        const s = index[3 * slot];
        if (s === -1) return null;
        if (index[3 * slot + 1] === h1 && index[3 * slot + 2] === h2) {
          kidFps[e] = s;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }
  if (sink === 0.5) return null; // never: keeps the loads above from being dropped
  return kidFps.subarray(0, edges);
}

/**
 * Each edge's target from what the search told (`everyTargetTold`: target + 1, or -(earlier edge
 * + 1)), in place; null if some edge was never told (the search's numbering stopped: the
 * liveness pass then builds its own graph).
 */
function toldTargets(told: Int32Array): Int32Array | null {
  for (let e = 0; e < told.length; e++) {
    const v = told[e];
    if (v > 0) told[e] = v - 1;
    else if (v < 0)
      told[e] = told[-v - 1]; // that earlier edge's target is final already
    else return null;
  }
  return told;
}

/** `bits` with bit `i` set, grown (a new array) when too short. */
function setBit(bits: Int32Array, i: number): Int32Array {
  let out = bits;
  if (i >>> 5 >= out.length) {
    out = new Int32Array(Math.max(out.length * 2, (i >>> 5) + 1));
    out.set(bits);
  }
  out[i >>> 5] |= 1 << (i & 31);
  return out;
}

function isSet(bits: Int32Array, e: number): boolean {
  return e >>> 5 < bits.length && ((bits[e >>> 5] >>> (e & 31)) & 1) === 1;
}

/**
 * The graph numbered breadth-first from state 0 (the first expanded, the initial state), edges in
 * their recorded order, with its breadth-first tree (written into `tree`): the numbering and tree
 * `buildStateGraph` gives. When the recorded numbering is already that (a breadth-first search),
 * the arrays are kept as they are. Null if some state is not reached (cannot happen after a
 * complete search).
 */
function breadthFirst(
  n: number,
  count: number,
  vecs: Uint16Array,
  edgeStart: Int32Array,
  edgeTo: Int32Array,
  edgeStep: Int32Array,
  tree: { parent: Int32Array; via: Int32Array },
): StateGraph | null {
  const { parent, via } = tree;
  const graph = { n, count, parent, via, complete: true };
  // The recorded numbering is breadth-first as long as each state first reached is the next.
  parent[0] = -1;
  via[0] = -1;
  let next = 1;
  for (let s = 0; s < next && next > 0; s++)
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const t = edgeTo[e];
      if (t < next) continue;
      if (t > next) {
        next = -1; // reached out of order: renumber
        break;
      }
      parent[t] = s;
      via[t] = edgeStep[e];
      next++;
    }
  if (next === count) return { ...graph, vecs, edgeStart, edgeTo, edgeStep };
  const order = new Int32Array(count); // new number → recorded number
  const renumber = new Int32Array(count).fill(-1); // recorded number → new
  renumber[0] = 0;
  next = 1;
  for (let k = 0; k < next; k++) {
    const s = order[k];
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const t = edgeTo[e];
      if (renumber[t] !== -1) continue;
      renumber[t] = next;
      order[next] = t;
      parent[next] = k;
      via[next] = edgeStep[e];
      next++;
    }
  }
  if (next !== count) return null;
  const nv = new Uint16Array(count * n);
  const ns = new Int32Array(count + 1);
  const nt = new Int32Array(edgeTo.length);
  const np = new Int32Array(edgeTo.length);
  let w = 0;
  for (let k = 0; k < count; k++) {
    const s = order[k];
    nv.set(vecs.subarray(s * n, (s + 1) * n), k * n);
    ns[k] = w;
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      nt[w] = renumber[edgeTo[e]];
      np[w++] = edgeStep[e];
    }
  }
  ns[count] = w;
  return { ...graph, vecs: nv, edgeStart: ns, edgeTo: nt, edgeStep: np };
}
