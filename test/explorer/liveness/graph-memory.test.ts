/**
 * A liveness graph built apart from the search (the search's recording did not serve, or a
 * scenario whose threads loop forever, searched on that graph) keeps the process's memory budget
 * as the search does: it stops (`stoppedBy: 'memory'`), claims nothing, and the verdict names
 * --max-memory. Before, only states and time bounded it: seq-retry 2×4's build went 2 GiB past a
 * 3108 MiB budget. The watches here say "over" or "under" outright, so nothing depends on how
 * much memory the test process happens to use.
 */
import { describe, expect, it } from 'vitest';
import { judgeScenario } from '../../../src/check/verdict.ts';
import { worldFor } from '../../../src/check/world-for.ts';
import { searchWithLiveness } from '../../../src/explorer/liveness/check-liveness.ts';
import { buildStateGraph } from '../../../src/explorer/liveness/state-graph.ts';
import type { MemoryWatch } from '../../../src/explorer/search/search-host.ts';
import { exhaustiveSearch } from '../../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../../src/monitors/index.ts';
import { loadDriverModule } from '../../../src/scenario/driver-module.ts';

const over: MemoryWatch = { maxMiB: 1, exceeded: () => 'memory' };
const under: MemoryWatch = { maxMiB: 1, exceeded: () => null };
const SEQ_RETRY = 'scenarios/bench/seq-retry.yaml';

describe('a liveness graph built apart from the search, and the memory budget', () => {
  it('should stop the build at its first look at the budget, with its states so far', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    const whole = buildStateGraph(world, 2_000_000, false, undefined, undefined, undefined, undefined, under);
    expect(whole).toMatchObject({ complete: true });
    expect(whole.stoppedBy).toBeUndefined();
    const cut = buildStateGraph(world, 2_000_000, false, undefined, undefined, undefined, undefined, over);
    expect(cut).toMatchObject({ complete: false, stoppedBy: 'memory' });
    expect(cut.count).toBeLessThan(whole.count);
  });

  it('should leave livelock open, naming --max-memory, when the search did not record the graph', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    // A safety search that records nothing (as with sleep sets): the pass builds its own graph.
    const withWatch = (memory: MemoryWatch) =>
      searchWithLiveness(world, 'bfs', {}, { enabled: true, loops: false, memory }, defaultMonitors, () =>
        exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }),
      );
    const fine = withWatch(under);
    expect(fine.liveness).toMatchObject({ complete: true, states: fine.stats.states });
    const r = withWatch(over);
    expect(r.stats.complete).toBe(true);
    expect(r.liveness).toMatchObject({ complete: false, stoppedBy: 'memory' });
    const judged = judgeScenario({
      expected: [],
      expectedObservations: [],
      found: new Set(),
      seen: new Set(),
      stats: r.stats,
      limits: { maxMemoryMiB: 1 },
      liveness: r.liveness,
    });
    expect(judged.verdict).toBe('inconclusive');
    expect(judged.inconclusive).toBe(
      `livelock not ruled out: the liveness graph, built apart from the search, reached --max-memory 1 (MiB) or V8's heap limit at ${r.liveness!.states} states; raise --max-memory (or the heap: NODE_OPTIONS=--max-old-space-size=<MiB>), or shrink the scenario`,
    );
  });

  it('should stop a scenario that loops forever, whose search is that graph, as inconclusive by memory', async () => {
    const path = 'examples/drivers/unbounded-retry-driver.ts';
    const { world } = await worldFor('scenarios/seeds/fault-vs-endless-remap.yaml', {
      machine: await loadDriverModule(path),
      name: path,
    });
    const r = searchWithLiveness(
      world,
      'bfs',
      {},
      { enabled: true, loops: true, memory: over },
      defaultMonitors,
      () => {
        throw new Error('a scenario that loops forever is searched on the liveness graph');
      },
    );
    expect(r.stats).toMatchObject({ complete: false, stoppedBy: 'memory' });
    expect(r.liveness).toMatchObject({ complete: false, stoppedBy: 'memory' });
  });
});
