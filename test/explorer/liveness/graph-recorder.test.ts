/**
 * One pass (issue 12): the liveness graph the safety search records as it runs must be the graph
 * the separate build gives (state-graph.ts), state for state and edge for edge, after a
 * breadth-first or a depth-first search, so verdicts and lassos do not change; a search that
 * cannot record the whole graph gives none, and the pass builds its own.
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../../src/check/world-for.ts';
import { GraphRecorder } from '../../../src/explorer/liveness/graph-recorder.ts';
import { livelocksIn } from '../../../src/explorer/liveness/livelock-search.ts';
import { buildStateGraph, type StateGraph } from '../../../src/explorer/liveness/state-graph.ts';
import { exhaustiveSearch as searchOnNode } from '../../../src/explorer/node-search.ts';
import { ReturnFusion } from '../../../src/explorer/reduction/returns.ts';
import { stateKeyOf } from '../../../src/explorer/reduction/state-key.ts';
import type { SearchOptions, SearchStats } from '../../../src/explorer/search-types.ts';
import { exhaustiveSearch } from '../../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../../src/monitors/index.ts';
import type { ControlledWorld } from '../../../src/runtime/controlled-world.ts';
import { driverAt } from '../../support/driver-at.ts';

const SEQ_RETRY = 'scenarios/bench/seq-retry.yaml';

function recorded(world: ControlledWorld, order: 'bfs' | 'dfs', opts: Partial<SearchOptions> = {}, maxBytes?: number) {
  const recorder = new GraphRecorder(world.actors.length, maxBytes);
  const r = exhaustiveSearch(world, order, { monitors: defaultMonitors(), ...opts, recorder });
  return { graph: recorder.graph(r.stats), stats: r.stats };
}

/** Whether two graphs are the same, entry for entry (vectors compared as numbers: 2 or 4 bytes). */
function same(a: StateGraph, b: StateGraph): void {
  expect(a.count).toBe(b.count);
  expect(a.complete).toBe(b.complete);
  const bytes = (x: ArrayLike<number>) => Buffer.from(Int32Array.from(x).buffer);
  for (const k of ['vecs', 'parent', 'via', 'edgeStart', 'edgeTo', 'edgeStep'] as const)
    expect(bytes(a[k]).equals(bytes(b[k])), k).toBe(true);
}

describe('GraphRecorder', () => {
  it('should record the graph the separate build gives, breadth-first and depth-first', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    const built = buildStateGraph(world, 2_000_000, false);
    for (const order of ['bfs', 'dfs'] as const) {
      const { graph, stats } = recorded(world, order, { reduction: 'none' });
      expect(stats.complete).toBe(true);
      same(graph!, built);
    }
  });

  it('should record the canonical states the search identified, as the separate build keyed alike', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    const exact = buildStateGraph(world, 2_000_000, false);
    const canonical = stateKeyOf(world, 'canonical');
    const keyedOnly = buildStateGraph(world, 2_000_000, false, undefined, undefined, undefined, canonical);
    // Canonical keys, and the threads' returns taken at once, as the search takes them (returns.ts).
    const fusion = ReturnFusion.for(world, defaultMonitors());
    const built = buildStateGraph(world, 2_000_000, false, undefined, undefined, undefined, canonical, null, fusion);
    expect(built.count).toBeLessThan(keyedOnly.count);
    expect(keyedOnly.count).toBeLessThan(exact.count);
    // Breadth-first, both keep the first concrete state of each class they reach, in one order.
    const bfs = recorded(world, 'bfs');
    expect(bfs.stats.states).toBe(built.count);
    same(bfs.graph!, built);
    // Depth-first reaches a class first through another member: the same classes and edges.
    const dfs = recorded(world, 'dfs').graph!;
    expect([dfs.count, dfs.edgeTo.length]).toEqual([built.count, built.edgeTo.length]);
    expect(livelocksIn(world, dfs, {}, 0).violations).toEqual(livelocksIn(world, built, {}, 0).violations);
  });

  it('should give the same livelock, lasso and all, as the separate build', async () => {
    const path = 'examples/drivers/never-completing-driver.ts';
    const driver = await driverAt(path);
    const { world } = await worldFor(SEQ_RETRY, driver, { rounds: 1 });
    const built = buildStateGraph(world, 2_000_000, false);
    const want = livelocksIn(world, built, {}, 0).violations;
    expect(want.map((v) => v.kind)).toEqual(['livelock']);
    for (const order of ['bfs', 'dfs'] as const) {
      const { graph } = recorded(world, order, { reduction: 'none' });
      same(graph!, built);
      expect(livelocksIn(world, graph!, {}, 0).violations).toEqual(want);
    }
  });

  it("should learn every edge's target from the breadth-first search itself, so nothing is looked up after", async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    const built = buildStateGraph(world, 2_000_000, false);
    // Child by child (a maxStates under 2^16), batched verdicts, and verdicts on a worker thread.
    const ways: Partial<SearchOptions>[] = [{ maxStates: 60_000 }, {}, { threads: 2, pipelineFrom: 2000 }];
    const told: Record<string, { target: number; same: number; transitions: number; states: number }> = {};
    for (const way of ways) {
      const recorder = new GraphRecorder(world.actors.length);
      const count = { target: 0, same: 0, transitions: 0, states: 0 };
      const target = recorder.target.bind(recorder);
      const sameTarget = recorder.sameTarget.bind(recorder);
      recorder.target = (edge, state) => {
        count.target++;
        target(edge, state);
      };
      recorder.sameTarget = (edge, as) => {
        count.same++;
        sameTarget(edge, as);
      };
      // Node's search host, which can start the visited set's worker thread.
      const r = searchOnNode(world, 'bfs', { monitors: defaultMonitors(), reduction: 'none', ...way, recorder });
      if (way.threads) expect(r.stats.threads).toBe(2);
      same(recorder.graph(r.stats)!, built);
      told[JSON.stringify(way)] = { ...count, transitions: r.stats.transitions, states: r.stats.states };
    }
    const [oneByOne, batched, worker] = Object.values(told);
    // Child by child: only the edges that first reach a state say which (one per state but the first).
    expect(oneByOne.target).toBe(oneByOne.states - 1);
    // Batched on this thread: the visited set numbers its states, so every edge is told, the
    // repeats of a child offered just before as that child's.
    expect(batched.same).toBeGreaterThan(0);
    expect(batched.target + batched.same).toBe(batched.transitions);
    // With a worker, which would take the table over, nothing is numbered: new states' edges only.
    expect(worker.target).toBe(worker.states - 1);
    // Depth-first expands in another order than it numbers nodes: no edge is told.
    const dfs = new GraphRecorder(world.actors.length);
    dfs.target = dfs.sameTarget = () => {
      throw new Error('an edge told its target after a depth-first expansion');
    };
    exhaustiveSearch(world, 'dfs', { monitors: defaultMonitors(), reduction: 'none', recorder: dfs });
  });

  it('should give no graph rather than a wrong one when a search that promised every target left one untold', () => {
    const stats = { complete: true, states: 2 } as SearchStats;
    const make = (tell: (r: GraphRecorder) => void) => {
      const r = new GraphRecorder(1);
      r.everyTargetTold();
      const none = new Int32Array(4);
      r.expanded(Int32Array.of(0), 1, 1, none, Int32Array.of(7, 8), 2); // edges 0 and 1
      r.expanded(Int32Array.of(1), 2, 2, none, none, 0);
      tell(r);
      return r.graph(stats);
    };
    const whole = make((r) => {
      r.target(0, 1);
      r.sameTarget(1, 0);
    });
    expect(Array.from(whole!.edgeTo)).toEqual([1, 1]);
    expect(make((r) => r.target(0, 1))).toBeNull();
  });

  it('should give no graph for a search cut short, reduced, or over its memory share', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    expect(recorded(world, 'bfs', { maxStates: 100 }).graph).toBeNull();
    expect(recorded(world, 'bfs', { maxDepth: 5 }).graph).toBeNull();
    expect(recorded(world, 'dfs', { por: true }).graph).toBeNull();
    expect(recorded(world, 'bfs', {}, 1).graph).toBeNull();
  });
});
