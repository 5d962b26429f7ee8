/**
 * The liveness pass's pre-pass: which states lie on a cycle (Tarjan's components over the whole
 * graph), so that requests pending only off cycles skip the fair-cycle search.
 */
import { describe, expect, it } from 'vitest';
import { cyclicStates } from '../../../src/explorer/liveness/cyclic-states.ts';

/** A graph in the liveness graph's edge layout from adjacency lists. */
function graph(adj: number[][]) {
  const edgeStart = new Int32Array(adj.length + 1);
  const to: number[] = [];
  adj.forEach((out, s) => {
    to.push(...out);
    edgeStart[s + 1] = to.length;
  });
  return { count: adj.length, edgeStart, edgeTo: Int32Array.from(to) };
}

describe('cyclicStates', () => {
  it('should find none in a graph without a cycle', () => {
    const r = cyclicStates(graph([[1, 2], [3], [3], []]));
    expect(r.any).toBe(false);
    expect([...r.cyclic]).toEqual([0, 0, 0, 0]);
  });

  it('should mark the states of a component of two or more and of a step back to itself', () => {
    // 0 → 1 → 2 → 1 (component {1, 2}), 2 → 3, 3 → 3 (self-loop), 3 → 4.
    const r = cyclicStates(graph([[1], [2], [1, 3], [3, 4], []]));
    expect(r.any).toBe(true);
    expect([...r.cyclic]).toEqual([0, 1, 1, 1, 0]);
  });

  it('should keep components apart that one reaches the other through', () => {
    // {0, 1} → 2 → {3, 4}, and a long chain with no stack overflow.
    const r = cyclicStates(graph([[1], [0, 2], [3], [4], [3]]));
    expect([...r.cyclic]).toEqual([1, 1, 0, 1, 1]);
    const chain = Array.from({ length: 200_000 }, (_, s) => (s + 1 < 200_000 ? [s + 1] : [0]));
    expect(cyclicStates(graph(chain)).cyclic.every((c) => c === 1)).toBe(true);
  });

  it('should ask its deadline once per 2^16 states entered, and end unfinished when it says so', () => {
    const chain = graph(Array.from({ length: 200_000 }, (_, s) => (s + 1 < 200_000 ? [s + 1] : [0])));
    let asked = 0;
    const r = cyclicStates(chain, () => {
      asked++;
      return false;
    });
    expect([r.stopped, r.any, asked]).toEqual([false, true, 3]);
    const cut = cyclicStates(chain, () => true);
    expect([cut.stopped, cut.any]).toEqual([true, false]);
  });

  it('should agree with a plain search for cycles on random graphs, acyclic ones included', () => {
    let x = 5;
    const next = (m: number) => {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return x % m;
    };
    let acyclicSeen = 0;
    for (let round = 0; round < 300; round++) {
      const n = 1 + next(30);
      // Mostly forward edges (a DAG), now and then one back: both kinds of graph come up.
      const adj = Array.from({ length: n }, (_, s) =>
        Array.from({ length: next(4) }, () => (next(40) === 0 ? next(n) : s + 1 + next(Math.max(1, n - s - 1)))).filter(
          (t) => t < n,
        ),
      );
      // State s lies on a cycle when s reaches itself in one step or more.
      const reaches = (from: number, goal: number) => {
        const seen = new Set<number>();
        const todo = [...adj[from]];
        while (todo.length) {
          const t = todo.pop()!;
          if (t === goal) return true;
          if (!seen.has(t)) {
            seen.add(t);
            todo.push(...adj[t]);
          }
        }
        return false;
      };
      const want = adj.map((_, s) => (reaches(s, s) ? 1 : 0));
      const r = cyclicStates(graph(adj));
      expect([...r.cyclic], JSON.stringify(adj)).toEqual(want);
      expect(r.any).toBe(want.includes(1));
      if (!r.any) acyclicSeen++;
    }
    expect(acyclicSeen).toBeGreaterThan(50);
    expect(acyclicSeen).toBeLessThan(250);
  });

  it('should stop a graph without a cycle when its deadline says so', () => {
    const dag = graph(Array.from({ length: 200_000 }, (_, s) => (s + 1 < 200_000 ? [s + 1] : [])));
    expect(cyclicStates(dag, () => false)).toMatchObject({ any: false, stopped: false });
    expect(cyclicStates(dag, () => true)).toMatchObject({ any: false, stopped: true });
  });
});
