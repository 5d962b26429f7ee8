/**
 * SIGINT/SIGTERM during the liveness pass: the flag (search/interrupt.ts) stops it at its first
 * look, and the verdict says it was interrupted. The flag is lowered after the test, for the
 * files that share this worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { judgeScenario } from '../../../src/check/verdict.ts';
import { worldFor } from '../../../src/check/world-for.ts';
import { livelocksIn } from '../../../src/explorer/liveness/livelock-search.ts';
import { buildStateGraph } from '../../../src/explorer/liveness/state-graph.ts';
import { clearInterrupt, requestInterrupt } from '../../../src/explorer/search/interrupt.ts';
import { loadDriverModule } from '../../../src/scenario/driver-module.ts';
import { wholeSearchStats } from './whole-search.ts';

describe('an interrupted liveness pass', () => {
  afterEach(clearInterrupt);

  it('should claim nothing, say why, and leave livelock open', async () => {
    const path = 'examples/drivers/unbounded-retry-driver.ts';
    const { world } = await worldFor('scenarios/seeds/fault-vs-endless-remap.yaml', {
      machine: await loadDriverModule(path),
      name: path,
    });
    const g = buildStateGraph(world, 2_000_000, true);
    requestInterrupt();
    const r = livelocksIn(world, g, {}, 0);
    expect(r.violations).toEqual([]);
    expect(r.stats).toMatchObject({ states: g.count, complete: false, stoppedBy: 'interrupted' });
    const judged = judgeScenario({
      expected: ['livelock'],
      expectedObservations: [],
      found: new Set(),
      seen: new Set(),
      stats: wholeSearchStats(g),
      liveness: r.stats,
    });
    expect(judged).toEqual({
      verdict: 'inconclusive',
      mismatch: null,
      inconclusive: `expected but not found yet (livelock): the liveness pass was stopped by an interrupt (SIGINT/SIGTERM) with its graph at ${g.count} states; let it run to the end`,
    });
  });
});
