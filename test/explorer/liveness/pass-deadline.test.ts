/**
 * The liveness pass shares the check's `--time`: a pass whose deadline is already past stops at
 * its first look at the clock, so nothing here depends on how fast the machine is. A stopped pass
 * claims nothing (`complete: false`, `stoppedBy: 'time'`) and the verdict says to raise --time;
 * a run with time to spare is as before.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../../src/check/check-scenario.ts';
import { judgeScenario } from '../../../src/check/verdict.ts';
import { worldFor } from '../../../src/check/world-for.ts';
import { searchWithLiveness } from '../../../src/explorer/liveness/check-liveness.ts';
import { livelocksIn } from '../../../src/explorer/liveness/livelock-search.ts';
import { buildStateGraph } from '../../../src/explorer/liveness/state-graph.ts';
import { exhaustiveSearch } from '../../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../../src/monitors/index.ts';
import { loadDriverModule } from '../../../src/scenario/driver-module.ts';
import { wholeSearchStats } from './whole-search.ts';

const SEED = 'scenarios/seeds/fault-vs-endless-remap.yaml';
const driver = async (name: string) => {
  const path = `examples/drivers/${name}.ts`;
  return { machine: await loadDriverModule(path), name: path };
};

describe('the liveness pass and --time', () => {
  it('should report a livelock with time to spare, and claim nothing once its deadline is past', async () => {
    const { world } = await worldFor(SEED, await driver('unbounded-retry-driver'));
    const g = buildStateGraph(world, 2_000_000, true);
    const found = livelocksIn(world, g, {}, 0);
    expect(found.violations.map((v) => v.kind)).toEqual(['livelock']);
    expect(found.stats).toMatchObject({ complete: true, requests: 2 });
    expect(found.stats.stoppedBy).toBeUndefined();

    const late = livelocksIn(world, g, {}, 0, 0);
    expect(late.violations).toEqual([]);
    expect(late.stats).toMatchObject({ states: g.count, complete: false, stoppedBy: 'time' });

    const judged = judgeScenario({
      expected: [],
      expectedObservations: [],
      found: new Set(),
      seen: new Set(),
      stats: wholeSearchStats(g),
      limits: { timeLimit: 5 },
      liveness: late.stats,
    });
    expect(judged).toEqual({
      verdict: 'inconclusive',
      mismatch: null,
      inconclusive: `livelock not ruled out: the liveness pass ran out of time (--time 5) with its graph at ${g.count} states; raise --time`,
    });
  });

  it('should stop the pass after a complete search when --time is spent (threads that end)', async () => {
    const { world } = await worldFor('scenarios/bench/seq-retry.yaml', await driver('never-completing-driver'), {
      rounds: 1,
    });
    // The search itself runs without a limit; only the liveness pass sees `--time 0`.
    const r = searchWithLiveness(
      world,
      'bfs',
      { timeLimit: 0 },
      { enabled: true, loops: false },
      defaultMonitors,
      (recorder) => exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), recorder }),
    );
    expect(r.stats.complete).toBe(true);
    expect(r.violations.filter((v) => v.kind === 'livelock')).toEqual([]);
    expect(r.liveness).toMatchObject({ complete: false, stoppedBy: 'time' });
  });

  it('should stop it on the loops-forever path too', async () => {
    const { world } = await worldFor(SEED, await driver('unbounded-retry-driver'));
    const r = searchWithLiveness(
      world,
      'bfs',
      { timeLimit: 0 },
      { enabled: true, loops: true },
      defaultMonitors,
      () => {
        throw new Error('a scenario that loops forever is searched on the liveness graph');
      },
    );
    expect(r.violations.filter((v) => v.kind === 'livelock')).toEqual([]);
    expect(r.liveness).toMatchObject({ complete: false, stoppedBy: 'time' });
  });

  it('should leave a check with time to spare as it was', async () => {
    const plain = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml');
    expect(plain.verdict).toBe('ok');
    expect(plain.violations).toEqual([]);
    expect(plain.liveness).toEqual({
      states: 394,
      edges: 694,
      requests: 3,
      complete: true,
      elapsedMs: expect.any(Number),
      fairness: 'strong',
    });
    const live = await checkScenario(SEED, { driver: await driver('unbounded-retry-driver'), timeLimit: 600 });
    expect(live.verdict).toBe('mismatch');
    expect(live.violations.map((v) => [v.kind, v.steps])).toEqual([['livelock', 33]]);
    expect(live.liveness).toEqual({
      states: 949,
      edges: 1683,
      requests: 2,
      complete: true,
      elapsedMs: expect.any(Number),
      fairness: 'strong',
    });
  });
});
