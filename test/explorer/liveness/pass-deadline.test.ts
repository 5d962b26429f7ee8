/**
 * The liveness pass shares the check's `--time`: a pass whose deadline is already past stops at
 * its first look at the clock, so nothing here depends on how fast the machine is. A stopped pass
 * claims nothing (`complete: false`, `stoppedBy: 'time'`) and the verdict says to raise --time;
 * a run with time to spare is as before.
 */
import { describe, expect, it, vi } from 'vitest';
import { checkScenario } from '../../../src/check/check-scenario.ts';
import { judgeScenario } from '../../../src/check/verdict.ts';
import { worldFor } from '../../../src/check/world-for.ts';
import { searchWithLiveness } from '../../../src/explorer/liveness/check-liveness.ts';
import { livelocksIn } from '../../../src/explorer/liveness/livelock-search.ts';
import { buildStateGraph } from '../../../src/explorer/liveness/state-graph.ts';
import { exhaustiveSearch } from '../../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../../src/monitors/index.ts';
import { driverAt } from '../../support/driver-at.ts';
import { wholeSearchStats } from './whole-search.ts';

const SEED = 'scenarios/seeds/fault-vs-endless-remap.yaml';
const driver = (name: string) => driverAt(`examples/drivers/${name}.ts`);

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
      states: 188,
      edges: 321,
      requests: 3,
      complete: true,
      elapsedMs: expect.any(Number),
      fairness: 'strong',
    });
    const live = await checkScenario(SEED, { driver: await driver('unbounded-retry-driver'), timeLimit: 600 });
    expect(live.verdict).toBe('mismatch');
    expect(live.violations.map((v) => [v.kind, v.steps])).toEqual([['livelock', 33]]);
    expect(live.liveness).toEqual({
      states: 1183,
      edges: 2169,
      requests: 2,
      complete: true,
      elapsedMs: expect.any(Number),
      fairness: 'strong',
    });
  });
});

/**
 * `run()` under a clock that reads 0 for its first k reads, then far past any deadline (1 ms):
 * the pass reads the clock at fixed points of its work (every 2^16 states of a scan, each set of
 * the fair-cycle search), so it stops at the k-th, whatever the machine.
 */
function stoppedAtRead<T>(k: number, run: () => T): T {
  let reads = 0;
  const now = vi.spyOn(performance, 'now').mockImplementation(() => (reads++ < k ? 0 : 1e15));
  try {
    return run();
  } finally {
    now.mockRestore();
  }
}

describe('a pass stopped in its scan of pending requests', () => {
  it('should count the requests it met before the stop', async () => {
    // Past 2^17 states (seq-retry 1×7), so that the scan asks the clock on its way.
    const { world } = await worldFor('scenarios/bench/seq-retry.yaml', undefined, { ndrv: 1, rounds: 7 });
    const g = buildStateGraph(world, 2_000_000, false);
    expect(g.count).toBeGreaterThan(2 ** 17);
    const whole = livelocksIn(world, g, {}, 0);
    expect(whole.stats.requests).toBeGreaterThan(0);
    const outcomes = Array.from({ length: 12 }, (_, k) =>
      stoppedAtRead(k, () => livelocksIn(world, g, {}, 0, 1).stats),
    );
    expect(outcomes[0]).toMatchObject({ complete: false, stoppedBy: 'time', requests: 0 });
    const inScan = outcomes.find((o) => !o.complete && o.requests > 0);
    expect(inScan, JSON.stringify(outcomes.map((o) => [o.complete, o.requests]))).toBeDefined();
    expect(inScan!.requests).toBeLessThanOrEqual(whole.stats.requests);
  });
});

describe('a livelock found before the pass stops', () => {
  it('should be reported, the pass marked incomplete', async () => {
    const { world } = await worldFor('scenarios/bench/seq-retry.yaml', await driver('never-completing-driver'), {
      ndrv: 2,
      rounds: 1,
    });
    const g = buildStateGraph(world, 2_000_000, false);
    const whole = livelocksIn(world, g, {}, 0);
    expect(whole.violations.map((v) => v.kind)).toEqual(['livelock']);
    expect(whole.stats.requests).toBe(3);
    // Three requests, each looked at in turn: some stop falls after a lasso and before the end.
    const outcomes = Array.from({ length: 12 }, (_, k) => stoppedAtRead(k, () => livelocksIn(world, g, {}, 0, 1)));
    const kept = outcomes.find((o) => !o.stats.complete && o.violations.length > 0);
    expect(kept, outcomes.map((o) => `${o.stats.complete}:${o.violations.length}`).join(' ')).toBeDefined();
    expect(kept!.stats.stoppedBy).toBe('time');
    expect(kept!.violations.map((v) => v.kind)).toEqual(['livelock']);
    expect(kept!.violations[0].loopFrom).toBeGreaterThanOrEqual(0);
  });
});
