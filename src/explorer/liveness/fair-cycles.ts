/**
 * Fair cycles in a set of states of the liveness graph, and a lasso through one.
 *
 * The question "can request r wait forever while the system keeps moving?" is a search for a
 * fair cycle among the states where r is pending, using no step of r's own actor (the requester
 * waits; a step of its own would be it taking the answer). Components are found with Tarjan's
 * algorithm (1972), iteratively (cyclic-states.ts). A strongly connected component C has a fair cycle:
 *   - weak fairness (Spin's `-f`): iff every unit enabled in all states of C is taken by an
 *     edge inside C. Then a cycle through one edge of each unit taken in C, and through a state
 *     where each other unit is disabled, is fair; otherwise no cycle in C is, since any of them
 *     keeps that unit enabled and never takes it.
 *   - strong fairness: iff every unit enabled anywhere in C is taken inside C; if some is not,
 *     the states where it is enabled cannot lie on a fair cycle, so they are dropped and the rest
 *     is split into components again (Emerson and Lei 1987).
 * (The nested depth-first search of Courcoubetis, Vardi, Wolper and Yannakakis (1992) finds
 * accepting cycles in less memory, but fairness over a component is simpler to judge here.)
 */
import { Components } from './cyclic-states.ts';
import type { StateGraph } from './state-graph.ts';

/**
 * The fairness a liveness pass assumes: `strong` (default), a channel that can deliver again and
 * again is served in the end; `weak` (Spin's `-f`) also reports a message starved by the model's
 * free choice among senders.
 *
 * @example
 * ```ts
 * import { checkScenario, type Fairness } from 'mirrorlab';
 *
 * const fairness: Fairness = 'weak'; // also report a message starved by the choice among senders
 * await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { fairness });
 * ```
 */
export type Fairness = 'weak' | 'strong';

/** What the finder needs to know of steps and states (fairness.ts). */
export interface UnitView {
  unit(step: number): number;
  enabled(vec: Int32Array, into: Set<number>): void;
  isEnabled(vec: Int32Array, unit: number): boolean;
}

export interface Lasso {
  /** The first state of the loop (the one reached first breadth-first). */
  entry: number;
  /** Edge indices of the loop, from `entry` back to it. */
  loop: number[];
}

export class CycleFinder {
  private readonly tarjan: Components;
  private readonly inSet: Int32Array;
  private readonly inScc: Int32Array;
  private readonly seen: Int32Array;
  private readonly prevEdge: Int32Array;
  private readonly prevState: Int32Array;
  private stamp = 0;
  private sccStamp = 0;
  private seenStamp = 0;
  private readonly vec: Int32Array;
  /** `stop` ended a search: its null says nothing (and the finder is done). */
  stopped = false;

  constructor(
    private readonly g: StateGraph,
    private readonly units: UnitView,
    private readonly actorOf: (step: number) => number,
    readonly fairness: Fairness,
    /** The liveness pass's deadline (pass-deadline.ts), asked between sets and inside Tarjan. */
    private readonly stop?: () => boolean,
  ) {
    const c = g.count;
    this.tarjan = new Components(c);
    this.inSet = new Int32Array(c);
    this.inScc = new Int32Array(c);
    this.seen = new Int32Array(c);
    this.prevEdge = new Int32Array(c);
    this.prevState = new Int32Array(c);
    this.vec = new Int32Array(g.n);
  }

  /**
   * The states of a component among `members` that holds a fair cycle avoiding `owner`'s steps,
   * or null: none, or (`stopped`) `stop` ended the search first.
   */
  find(members: Int32Array, owner: number): Int32Array | null {
    const work: Int32Array[] = [members];
    while (work.length > 0) {
      // Strong fairness splits a component again and again: many sets, each a Tarjan run.
      if (this.stopped || this.stop?.()) {
        this.stopped = true;
        return null;
      }
      const set = work.pop()!;
      const stamp = ++this.stamp;
      for (const s of set) {
        this.inSet[s] = stamp;
        this.tarjan.order[s] = -1;
      }
      let found: Int32Array | null = null;
      const cut = this.components(set, stamp, owner, (scc) => {
        const verdict = this.judge(scc, owner);
        if (verdict === 'fair') found = scc;
        else if (verdict !== null && verdict.length > 0) work.push(verdict);
        return found !== null;
      });
      if (found) return found;
      if (cut) {
        this.stopped = true;
        return null;
      }
    }
    return null;
  }

  /**
   * A fair loop through the component `scc` (from `find`), entered at its earliest state: it
   * takes every unit taken inside the component (each time heading for the nearest edge of a
   * unit still missing, greedily) and, under weak fairness, passes where each other unit enabled
   * in the component is disabled.
   */
  lasso(scc: Int32Array, owner: number): Lasso {
    const g = this.g;
    const mark = this.markScc(scc);
    let entry = scc[0];
    for (const s of scc) if (s < entry) entry = s;
    const missing = new Set<number>();
    for (const s of scc)
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++)
        if (this.internal(e, mark, owner)) missing.add(this.units.unit(g.edgeStep[e]));
    // Weak fairness: the units never taken inside, each disabled somewhere in the component.
    const idle: number[] = [];
    if (this.fairness === 'weak') {
      const enabled = new Set<number>();
      for (const s of scc) this.units.enabled(this.vecOf(s), enabled);
      for (const u of enabled) if (!missing.has(u)) idle.push(u);
    }
    const loop: number[] = [];
    const walk = (edges: number[]) => {
      for (const e of edges) missing.delete(this.units.unit(g.edgeStep[e]));
      loop.push(...edges);
    };
    let at = entry;
    while (missing.size > 0) {
      const edges = this.pathTo(at, mark, owner, (e) => missing.has(this.units.unit(g.edgeStep[e])));
      walk(edges);
      at = g.edgeTo[edges[edges.length - 1]];
    }
    // Then, for each idle unit, a state where it is disabled, unless the loop passes one already.
    for (const u of idle) {
      const onLoop = [entry, ...loop.map((e) => g.edgeTo[e])];
      if (onLoop.some((s) => !this.units.isEnabled(this.vecOf(s), u))) continue;
      walk(this.pathTo(at, mark, owner, (e) => !this.units.isEnabled(this.vecOf(g.edgeTo[e]), u)));
      at = g.edgeTo[loop[loop.length - 1]];
    }
    if (at !== entry) walk(this.pathTo(at, mark, owner, (e) => g.edgeTo[e] === entry));
    return { entry, loop };
  }

  /**
   * Tarjan's algorithm over the states stamped `stamp`, without `owner`'s steps; `emit` returns
   * true to stop. True when the deadline ended it.
   */
  private components(set: Int32Array, stamp: number, owner: number, emit: (scc: Int32Array) => boolean): boolean {
    const { g, inSet } = this;
    return this.tarjan.run(
      g,
      set,
      (e, w) => inSet[w] === stamp && this.actorOf(g.edgeStep[e]) !== owner,
      (stack, from, to) => emit(stack.slice(from, to)),
      this.stop,
    );
  }

  /** 'fair', null (no cycle or no fair one), or (strong fairness) the states left to search again. */
  private judge(scc: Int32Array, owner: number): 'fair' | Int32Array | null {
    const g = this.g;
    const mark = this.markScc(scc);
    const taken = new Set<number>();
    for (const s of scc)
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++)
        if (this.internal(e, mark, owner)) taken.add(this.units.unit(g.edgeStep[e]));
    if (taken.size === 0) return null;
    const here = new Set<number>();
    const times = new Map<number, number>();
    for (const s of scc) {
      here.clear();
      this.units.enabled(this.vecOf(s), here);
      for (const u of here) times.set(u, (times.get(u) ?? 0) + 1);
    }
    const neglected = [...times]
      .filter(([u, t]) => !taken.has(u) && (this.fairness === 'strong' || t === scc.length))
      .map(([u]) => u);
    if (neglected.length === 0) return 'fair';
    if (this.fairness === 'weak') return null;
    return scc.filter((s) => neglected.every((u) => !this.units.isEnabled(this.vecOf(s), u)));
  }

  private markScc(scc: Int32Array): number {
    const mark = ++this.sccStamp;
    for (const s of scc) this.inScc[s] = mark;
    return mark;
  }

  private internal(e: number, mark: number, owner: number): boolean {
    return this.inScc[this.g.edgeTo[e]] === mark && this.actorOf(this.g.edgeStep[e]) !== owner;
  }

  /**
   * The shortest path of edges inside the marked component from `a` that ends with an edge
   * `wanted` accepts (breadth-first).
   */
  private pathTo(a: number, mark: number, owner: number, wanted: (edge: number) => boolean): number[] {
    const g = this.g;
    const seen = ++this.seenStamp;
    const queue = [a];
    this.seen[a] = seen;
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
        if (!this.internal(e, mark, owner)) continue;
        const t = g.edgeTo[e];
        if (wanted(e)) {
          const edges = [e];
          for (let x = s; x !== a; x = this.prevState[x]) edges.push(this.prevEdge[x]);
          return edges.reverse();
        }
        if (this.seen[t] === seen) continue;
        this.seen[t] = seen;
        this.prevEdge[t] = e;
        this.prevState[t] = s;
        queue.push(t);
      }
    }
    throw new Error(`liveness: no wanted edge reachable from state ${a} inside its component`);
  }

  private vecOf(s: number): Int32Array {
    this.vec.set(this.g.vecs.subarray(s * this.g.n, (s + 1) * this.g.n));
    return this.vec;
  }
}
