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
 * arrays: a graph of millions of states would overflow the call stack of a recursive one.
 */
import type { StateGraph } from './state-graph.ts';

/** `cyclic[s]` is 1 when state s lies on a cycle of `g`; `any` says whether one does. */
export interface CyclicStates {
  cyclic: Uint8Array;
  any: boolean;
}

export function cyclicStates(g: Pick<StateGraph, 'count' | 'edgeStart' | 'edgeTo'>): CyclicStates {
  const { count, edgeStart, edgeTo } = g;
  const cyclic = new Uint8Array(count);
  // order[s]: when s was reached (0: not yet, so numbering starts at 1); low[s]: the earliest
  // state still on the stack that s reaches. A state leaves the stack with its component, and
  // then gets order 0x7fffffff, which no low link takes (it plays the "on stack" flag).
  const order = new Int32Array(count);
  const low = new Int32Array(count);
  const stack = new Int32Array(count);
  const frameNode = new Int32Array(count);
  const frameEdge = new Int32Array(count);
  const DONE = 0x7fffffff;
  let counter = 0;
  let top = 0;
  let any = false;
  for (let root = 0; root < count; root++) {
    if (order[root] !== 0) continue;
    let frames = 0;
    order[root] = low[root] = ++counter;
    stack[top++] = root;
    frameNode[frames] = root;
    frameEdge[frames++] = edgeStart[root];
    while (frames > 0) {
      const v = frameNode[frames - 1];
      const e = frameEdge[frames - 1];
      if (e < edgeStart[v + 1]) {
        frameEdge[frames - 1] = e + 1;
        const w = edgeTo[e];
        if (w === v) {
          cyclic[v] = 1; // a step back to itself
          any = true;
        } else if (order[w] === 0) {
          order[w] = low[w] = ++counter;
          stack[top++] = w;
          frameNode[frames] = w;
          frameEdge[frames++] = edgeStart[w];
        } else if (order[w] < low[v]) {
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
      const big = top - k > 1;
      if (big) any = true;
      for (let j = k; j < top; j++) {
        const s = stack[j];
        order[s] = DONE;
        if (big) cyclic[s] = 1;
      }
      top = k;
    }
  }
  return { cyclic, any };
}
