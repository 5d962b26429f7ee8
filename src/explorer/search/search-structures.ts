/**
 * The data structures of the exhaustive search's hot loop, in typed arrays so the search
 * allocates next to nothing per transition: search nodes (parent, step, depth) and the
 * frontier. (What it derives once per local step is in step-table.ts; what a reduction keeps per
 * node, in the reduction's own arrays: reduction/reduction.ts.)
 */
/** Search nodes: parent, the local step that reached the node, depth; grown as needed. */
export class Nodes {
  parent: Int32Array;
  via: Int32Array;
  depth: Int32Array;
  count = 0;

  /** `expected`: how many nodes to make room for up front (growing copies every array). */
  constructor(expected: number) {
    const size = Math.max(1 << 16, expected);
    this.parent = new Int32Array(size);
    this.via = new Int32Array(size);
    this.depth = new Int32Array(size);
  }

  add(parent: number, via: number, depth: number): number {
    if (this.count === this.parent.length) this.grow();
    this.parent[this.count] = parent;
    this.via[this.count] = via;
    this.depth[this.count] = depth;
    return this.count++;
  }

  private grow(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.parent = grow(this.parent);
    this.via = grow(this.via);
    this.depth = grow(this.depth);
  }
}

/**
 * The frontier: fixed-size records in one growable typed array. A record is the state vector,
 * its fingerprint (two integers), the set of its actors that have a step (`actorBit`s) and its
 * search node.
 */
export class Frontier {
  private buf: Int32Array;
  private head = 0;
  private tail = 0;
  private readonly width: number;

  constructor(
    private readonly n: number,
    private readonly fifo: boolean,
  ) {
    this.width = n + 4;
    this.buf = new Int32Array(this.width * 4096);
  }

  get empty(): boolean {
    return this.head === this.tail;
  }

  /** Records on the frontier. */
  get length(): number {
    return (this.tail - this.head) / this.width;
  }

  private makeRoom(): void {
    if (this.fifo && this.head * 2 >= this.buf.length) {
      this.buf.copyWithin(0, this.head, this.tail);
    } else {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf.subarray(this.head, this.tail));
      this.buf = b;
    }
    this.tail -= this.head;
    this.head = 0;
  }

  /** Pushes the vector `vec`, its fingerprint, its actors with steps and its node. */
  push(vec: Int32Array, h1: number, h2: number, active: number, node: number): void {
    this.pushChild(vec, vec, 0, 0, h1, h2, active, node);
  }

  /**
   * Pushes `base` with the changes `changes[from .. to)` ((actor, local id) pairs) applied, its
   * fingerprint, its actors with steps and its node: a child is stored straight from its parent
   * and its difference.
   */
  pushChild(
    base: Int32Array,
    changes: Int32Array,
    from: number,
    to: number,
    h1: number,
    h2: number,
    active: number,
    node: number,
  ): void {
    if (this.tail + this.width > this.buf.length) this.makeRoom();
    const buf = this.buf;
    const n = this.n;
    const at = this.tail;
    for (let k = 0; k < n; k++) buf[at + k] = base[k];
    for (let k = from; k < to; k += 2) buf[at + changes[k]] = changes[k + 1];
    buf[at + n] = h1;
    buf[at + n + 1] = h2;
    buf[at + n + 2] = active;
    buf[at + n + 3] = node;
    this.tail = at + this.width;
  }

  /** Drops the oldest record (FIFO only). */
  drop(): void {
    this.head += this.width;
  }

  /** Moves the oldest record (FIFO only) onto `to`, with node `node`. */
  moveHeadTo(to: Frontier, node: number): void {
    if (to.tail + to.width > to.buf.length) to.makeRoom();
    const src = this.buf;
    const dst = to.buf;
    const from = this.head;
    const at = to.tail;
    const w = this.width - 1;
    for (let j = 0; j < w; j++) dst[at + j] = src[from + j];
    dst[at + w] = node;
    to.tail = at + to.width;
    this.head = from + this.width;
  }

  /** The search node of the oldest record (FIFO only; the frontier must not be empty). */
  headNode(): number {
    return this.buf[this.head + this.n + 3];
  }

  /** Keeps, in order, only the records whose fingerprint `keep` accepts (a shard's part of a level). */
  filter(keep: (h1: number, h2: number) => boolean): void {
    const { buf, n, width } = this;
    let to = this.head;
    for (let at = this.head; at < this.tail; at += width) {
      if (!keep(buf[at + n], buf[at + n + 1])) continue;
      if (to !== at) buf.copyWithin(to, at, at + width);
      to += width;
    }
    this.tail = to;
  }

  /** Pops into `vec`, and its fingerprint and actors with steps into `fp[0..2]`; returns the node. */
  pop(vec: Int32Array, fp: Int32Array): number {
    const w = this.width;
    let at: number;
    if (this.fifo) {
      at = this.head;
      this.head += w;
    } else {
      this.tail -= w;
      at = this.tail;
    }
    const buf = this.buf;
    const n = this.n;
    for (let k = 0; k < n; k++) vec[k] = buf[at + k];
    fp[0] = buf[at + n];
    fp[1] = buf[at + n + 1];
    fp[2] = buf[at + n + 2];
    return buf[at + n + 3];
  }
}

/**
 * Children waiting for their visited verdict (visited-pipeline.ts), oldest first: each a frontier
 * record (`records`, its node slot unused) plus what makes its search node (parent node, local
 * step, depth) in rings indexed by the child's number modulo `size`.
 */
export class Candidates {
  readonly records: Frontier;
  private readonly parents: Int32Array;
  private readonly vias: Int32Array;
  private readonly depths: Int32Array;
  /** The child's edge in the recorded liveness graph, or -1 (ExpansionRecorder.target). */
  private readonly edges: Int32Array;

  constructor(
    n: number,
    private readonly size: number,
  ) {
    this.records = new Frontier(n, true);
    this.parents = new Int32Array(size);
    this.vias = new Int32Array(size);
    this.depths = new Int32Array(size);
    this.edges = new Int32Array(size);
  }

  /** Notes child k's node data (its record goes on `records` in the same order). */
  note(k: number, parent: number, via: number, depth: number, edge: number): void {
    const at = k & (this.size - 1);
    this.parents[at] = parent;
    this.vias[at] = via;
    this.depths[at] = depth;
    this.edges[at] = edge;
  }

  edge(k: number): number {
    return this.edges[k & (this.size - 1)];
  }

  parent(k: number): number {
    return this.parents[k & (this.size - 1)];
  }

  via(k: number): number {
    return this.vias[k & (this.size - 1)];
  }

  depth(k: number): number {
    return this.depths[k & (this.size - 1)];
  }
}
