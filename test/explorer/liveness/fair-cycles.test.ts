/** The fair-cycle search on small hand-made graphs, where the right answer is plain to see. */
import { describe, expect, it } from 'vitest';
import { CycleFinder, type Fairness, type UnitView } from '../../../src/explorer/liveness/fair-cycles.ts';
import type { StateGraph } from '../../../src/explorer/liveness/state-graph.ts';

/**
 * A graph from edge lists `[from, to, step]`; a state's vector is its own number. Step k belongs
 * to unit `unitOf[k]` and actor `actorOf[k]`; a unit is enabled where one of its steps leaves.
 */
function graph(count: number, edges: [number, number, number][]) {
  const sorted = [...edges].sort((a, b) => a[0] - b[0]);
  const edgeStart = new Int32Array(count + 1);
  for (const [from] of sorted) edgeStart[from + 1]++;
  for (let s = 0; s < count; s++) edgeStart[s + 1] += edgeStart[s];
  const g: StateGraph = {
    n: 1,
    count,
    vecs: Int32Array.from({ length: count }, (_, s) => s),
    parent: Int32Array.from({ length: count }, (_, s) => s - 1),
    via: new Int32Array(count),
    edgeStart,
    edgeTo: Int32Array.from(sorted.map((e) => e[1])),
    edgeStep: Int32Array.from(sorted.map((e) => e[2])),
    complete: true,
  };
  return g;
}

function finder(g: StateGraph, unitOf: number[], actorOf: number[], fairness: Fairness, stop?: () => boolean) {
  const units: UnitView = {
    unit: (step) => unitOf[step],
    enabled: (vec, into) => {
      for (let e = g.edgeStart[vec[0]]; e < g.edgeStart[vec[0] + 1]; e++) into.add(unitOf[g.edgeStep[e]]);
    },
    isEnabled: (vec, u) => {
      for (let e = g.edgeStart[vec[0]]; e < g.edgeStart[vec[0] + 1]; e++) if (unitOf[g.edgeStep[e]] === u) return true;
      return false;
    },
  };
  return new CycleFinder(g, units, (step) => actorOf[step], fairness, stop);
}

const all = (count: number) => Int32Array.from({ length: count }, (_, s) => s);

describe('CycleFinder', () => {
  // 0 ⇄ 1 by unit 0 (actor 0); at 0 only, unit 1 (actor 1) could leave to 2, a dead end.
  const g = graph(3, [
    [0, 1, 0],
    [1, 0, 1],
    [0, 2, 2],
  ]);
  const unitOf = [0, 0, 1];
  const actorOf = [0, 0, 1];

  it('should accept under weak fairness a cycle that neglects a unit enabled only part of the time', () => {
    const f = finder(g, unitOf, actorOf, 'weak');
    const scc = f.find(all(3), -1);
    expect(scc && [...scc].sort()).toEqual([0, 1]);
    const lasso = f.lasso(scc!, -1);
    expect(lasso.entry).toBe(0);
    expect(lasso.loop.map((e) => g.edgeTo[e])).toEqual([1, 0]);
  });

  it('should refuse it under strong fairness: the neglected unit is enabled again and again', () => {
    expect(finder(g, unitOf, actorOf, 'strong').find(all(3), -1)).toBeNull();
  });

  it('should say when its deadline, not the graph, ended the search', () => {
    // Strong fairness drops state 0 and searches {1} again: the stop comes before that second set.
    let asked = 0;
    const f = finder(g, unitOf, actorOf, 'strong', () => ++asked > 1);
    expect([f.find(all(3), -1), f.stopped, asked]).toEqual([null, true, 2]);
    const done = finder(g, unitOf, actorOf, 'strong', () => false);
    expect([done.find(all(3), -1), done.stopped]).toEqual([null, false]);
    expect(finder(g, unitOf, actorOf, 'weak', () => false).find(all(3), -1)).not.toBeNull();
  });

  it('should refuse, under weak fairness too, a cycle that neglects a unit enabled all along', () => {
    // Unit 1 can leave from both 0 and 1.
    const h = graph(3, [
      [0, 1, 0],
      [1, 0, 1],
      [0, 2, 2],
      [1, 2, 3],
    ]);
    expect(finder(h, [0, 0, 1, 1], [0, 0, 1, 1], 'weak').find(all(3), -1)).toBeNull();
  });

  it("should not count the waiting actor's own steps as moving the cycle", () => {
    // The only cycle is made of actor 0's steps: with actor 0 the requester, nothing is left.
    expect(finder(g, unitOf, actorOf, 'weak').find(all(3), 0)).toBeNull();
  });

  it('should find, under strong fairness, the fair part left after dropping where a neglected unit is enabled', () => {
    // 1 ⇄ 3 and 3 → 0 → 1, all by unit 1; unit 9 (to the dead end 4) is enabled at 0 only.
    const h = graph(5, [
      [1, 3, 0],
      [3, 1, 0],
      [3, 0, 0],
      [0, 1, 0],
      [0, 4, 1],
    ]);
    const f = finder(h, [1, 9], [0, 1], 'strong');
    const scc = f.find(all(5), -1);
    expect(scc && [...scc].sort()).toEqual([1, 3]);
  });
});
