/**
 * Which states of the liveness graph lie on some cycle: a cheap pass before the fair-cycle
 * search (fair-cycles.ts), which is far dearer per request (its own component search per
 * request, fairness judged per component, arrays the size of the graph).
 *
 * Why: a livelock is a request pending forever on a fair cycle, and every cycle of the graph
 * stays inside one strongly connected component. A request pending in no state of a non-trivial
 * component (two or more states, or one with a step back to itself) can stay pending only along
 * a finite path, so it is skipped; a graph with no such component (the usual case for a
 * scenario whose threads end) has no livelock at all. The components are found once, over the
 * whole graph, by Tarjan's algorithm (R. Tarjan, "Depth-first search and linear graph
 * algorithms", SIAM J. Computing 1(2), 1972), run with an explicit stack of frames in typed
 * arrays: a graph of millions of states would overflow the call stack of a recursive one. The
 * same code (`Components`) serves the fair-cycle search, which runs it on subsets again and again.
 */
import type { StateGraph } from './state-graph.ts';

type Edges = Pick<StateGraph, 'count' | 'edgeStart' | 'edgeTo'>;

/**
 * Tarjan's strongly connected components with its work arrays, kept for many runs. A run starts
 * from each root in turn not reached yet (`order` -1: the caller sets it for the states a run may
 * enter) and follows the edges `follow` accepts; `emit` gets each component as
 * `stack[from .. to)`, deepest first, and returns true to end the run. `stop`, asked once per
 * 2^16 states entered (a clock read per state would show), ends it too, unfinished.
 */
export class Components {
  readonly order: Int32Array;
  private readonly low: Int32Array;
  private readonly onStack: Uint8Array;
  private readonly stack: Int32Array;
  private readonly frameNode: Int32Array;
  private readonly frameEdge: Int32Array;

  constructor(count: number) {
    const ints = () => new Int32Array(count);
    [this.order, this.low, this.stack, this.frameNode, this.frameEdge] = [ints(), ints(), ints(), ints(), ints()];
    this.onStack = new Uint8Array(count);
  }

  /** `roots`: those states, or (a number k) states 0 .. k - 1. True when `stop` ended the run. */
  run(
    g: Edges,
    roots: Int32Array | number,
    follow: (edge: number, to: number) => boolean,
    emit: (stack: Int32Array, from: number, to: number) => boolean,
    stop?: () => boolean,
  ): boolean {
    const { order, low, onStack, stack, frameNode, frameEdge } = this;
    const { edgeStart, edgeTo } = g;
    const many = typeof roots === 'number' ? roots : roots.length;
    let counter = 0;
    let top = 0;
    for (let r = 0; r < many; r++) {
      const root = typeof roots === 'number' ? r : roots[r];
      if (order[root] !== -1) continue;
      let frames = 0;
      order[root] = low[root] = counter++;
      if ((counter & 0xffff) === 0 && stop?.()) return true;
      stack[top++] = root;
      onStack[root] = 1;
      frameNode[frames] = root;
      frameEdge[frames++] = edgeStart[root];
      while (frames > 0) {
        const v = frameNode[frames - 1];
        const e = frameEdge[frames - 1];
        if (e < edgeStart[v + 1]) {
          frameEdge[frames - 1] = e + 1;
          const w = edgeTo[e];
          if (!follow(e, w)) continue;
          if (order[w] === -1) {
            order[w] = low[w] = counter++;
            if ((counter & 0xffff) === 0 && stop?.()) return true;
            stack[top++] = w;
            onStack[w] = 1;
            frameNode[frames] = w;
            frameEdge[frames++] = edgeStart[w];
          } else if (onStack[w] && order[w] < low[v]) {
            low[v] = order[w];
          }
          continue;
        }
        frames--;
        if (frames > 0) {
          const u = frameNode[frames - 1];
          if (low[v] < low[u]) low[u] = low[v];
        }
        if (low[v] !== order[v]) continue;
        // v roots a component: the states above it on the stack.
        let k = top;
        do k--;
        while (stack[k] !== v);
        for (let j = k; j < top; j++) onStack[stack[j]] = 0;
        const end = top;
        top = k;
        if (emit(stack, k, end)) return false;
      }
    }
    return false;
  }
}

/**
 * `cyclic[s]` is 1 when state s lies on a cycle of `g`; `any` says whether one does. `stopped`:
 * `stop` ended the pass first, and the marks are partial.
 */
export interface CyclicStates {
  cyclic: Uint8Array;
  any: boolean;
  stopped: boolean;
}

export function cyclicStates(g: Edges, stop?: () => boolean): CyclicStates {
  const { count, edgeStart, edgeTo } = g;
  const cyclic = new Uint8Array(count);
  // Most graphs here have no cycle at all (every scenario whose threads end without a livelock):
  // a topological sort says so for less than Tarjan's components cost.
  const none = acyclic(g, stop);
  if (none !== false) return { cyclic, any: false, stopped: none === null };
  let any = false;
  const tarjan = new Components(count);
  tarjan.order.fill(-1);
  const stopped = tarjan.run(
    g,
    count,
    () => true,
    (stack, from, to) => {
      if (to - from === 1) {
        // One state: on a cycle only with a step back to itself.
        const s = stack[from];
        for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) if (edgeTo[e] === s) cyclic[s] = 1;
        any ||= cyclic[s] === 1;
        return false;
      }
      any = true;
      for (let j = from; j < to; j++) cyclic[stack[j]] = 1;
      return false;
    },
    stop,
  );
  return { cyclic, any, stopped };
}

/**
 * Whether `g` has no cycle: states no edge leads to are removed, with their edges, until none is
 * left (Kahn's topological sort: A. B. Kahn, "Topological sorting of large networks", CACM
 * 5(11), 1962); a cycle's states are never removed. Both passes read the edges in order, and a
 * breadth-first graph's targets lie close together, where Tarjan's depth-first walk jumps about
 * (seq-retry 2×3, 4.8 M states: see docs/performance.md). Null when `stop` (asked every 2^16
 * states removed) ended it first.
 */
function acyclic(g: Edges, stop?: () => boolean): boolean | null {
  const { count, edgeStart, edgeTo } = g;
  const into = new Int32Array(count);
  for (let e = 0; e < edgeTo.length; e++) into[edgeTo[e]]++;
  const queue = new Int32Array(count);
  let tail = 0;
  for (let s = 0; s < count; s++) if (into[s] === 0) queue[tail++] = s;
  for (let head = 0; head < tail; head++) {
    if ((head & 0xffff) === 0xffff && stop?.()) return null;
    const s = queue[head];
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const t = edgeTo[e];
      if (--into[t] === 0) queue[tail++] = t;
    }
  }
  return tail === count;
}
