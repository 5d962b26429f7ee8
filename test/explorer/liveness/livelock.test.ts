/**
 * Livelocks: a request that can stay pending forever on a fair cycle of the explored graph. The
 * bundled seed with a correct driver must keep; drivers without the retry bound, or whose fault
 * never completes, must be found, each with a lasso that replays and closes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../../src/check/check-scenario.ts';
import { retryBoundWarning } from '../../../src/check/retry-bound-probe.ts';
import { readTrace, writeTrace } from '../../../src/check/trace-file.ts';
import { worldFor } from '../../../src/check/world-for.ts';
import { replayLasso } from '../../../src/explorer/liveness/lasso-replay.ts';
import { livelockSearch } from '../../../src/explorer/liveness/livelock-search.ts';
import { driverAt } from '../../support/driver-at.ts';

const SEED = 'scenarios/seeds/fault-vs-endless-remap.yaml';
const driver = (name: string) => driverAt(`examples/drivers/${name}.ts`);

describe('livelock', () => {
  it('should keep the seed with a bounded built-in driver, over its whole renamed graph', async () => {
    const c = await checkScenario(SEED);
    expect(c.mismatch).toBeNull();
    expect(c.violations).toEqual([]);
    expect(c.observations.map((o) => o.kind)).toEqual(['unbounded-retry']);
    expect(c.stats.complete).toBe(true);
    expect(c.liveness).toMatchObject({ complete: true, fairness: 'strong', requests: 2 });
  });

  it('should find the driver without the retry bound, with a lasso that replays through a trace file', async () => {
    const d = await driver('unbounded-retry-driver');
    const c = await checkScenario(SEED, { driver: d });
    const v = c.violations.find((x) => x.kind === 'livelock');
    expect(v).toBeDefined();
    expect(v!.message).toMatch(/^thread:gpu waits for drv:gpu0 to answer drv\.fault/);
    expect(v!.loopFrom).toBeGreaterThan(0);
    expect(v!.loopFrom).toBeLessThan(v!.trace.length);
    const file = join(mkdtempSync(join(tmpdir(), 'mirrorlab-lasso-')), 'livelock.json');
    writeTrace(file, {
      scenarioFile: SEED,
      driver: d.name,
      strategy: 'bfs',
      seed: null,
      violation: { kind: v!.kind, message: v!.message },
      steps: v!.trace,
      loopFrom: v!.loopFrom,
    });
    const saved = readTrace(file);
    expect(saved.loopFrom).toBe(v!.loopFrom);
    const { world } = await worldFor(saved.scenarioFile, d);
    const r = replayLasso(world, saved.steps, saved.loopFrom!);
    expect(r.divergence).toBeNull();
    expect(r.closed).toBe(true);
    expect(r.starved).toEqual(['thread:gpu waits for drv:gpu0 to answer drv.fault (op 1, fault)']);
    // The prefix alone does not close a loop: the check is not vacuous.
    expect(replayLasso(world, saved.steps.slice(0, -1), saved.loopFrom!).closed).toBe(false);
  });

  it("should find the same livelock in a built-in driver told maxRetries 'unbounded'", async () => {
    const c = await checkScenario(SEED, { params: { retries: 'unbounded' } });
    const v = c.violations.find((x) => x.kind === 'livelock');
    expect(v?.message).toMatch(/^thread:gpu waits for drv:gpu0 to answer drv\.fault/);
    expect(c.observations.map((o) => o.kind)).not.toContain('unbounded-retry');
    const { world } = await worldFor(SEED, undefined, { retries: 'unbounded' });
    expect(replayLasso(world, v!.trace, v!.loopFrom!).closed).toBe(true);
  });

  it('should find a fault that never completes once the invalidations are over (seq-retry)', async () => {
    const { world } = await worldFor('scenarios/bench/seq-retry.yaml', await driver('never-completing-driver'), {
      rounds: 1,
    });
    const r = livelockSearch(world);
    expect(r.stats.complete).toBe(true);
    expect(r.violations.map((v) => v.kind)).toEqual(['livelock']);
    const v = r.violations[0];
    expect(replayLasso(world, v.trace, v.loopFrom!)).toMatchObject({ divergence: null, closed: true });
  });

  it('should leave, under strong fairness only, a walk the mm can defer behind the remapping thread forever', async () => {
    // The mm defers the driver's hmm_range_fault while it runs an mprotect and, whenever it is
    // idle, may take the remapping thread's next mprotect first. The walk is deliverable again
    // and again but never throughout, so weak fairness allows starving it; the kernel's mmap
    // lock queues waiters in order, which strong fairness stands for.
    const { world } = await worldFor(SEED);
    expect(livelockSearch(world, { fairness: 'strong', renamed: true }).violations).toEqual([]);
    const weak = livelockSearch(world, { fairness: 'weak', renamed: true }).violations;
    expect(weak.map((v) => v.kind)).toEqual(['livelock']);
    let state = world.initial;
    for (const step of weak[0].trace.slice(0, weak[0].loopFrom))
      state = world.apply(state, world.match(state, step)!).state;
    const mmInbox = world.inbox(state, world.indexOf('mm:p1')).map((m) => world.message(m).event.type);
    expect(mmInbox).toContain('hmm.rangeFault');
    expect(replayLasso(world, weak[0].trace, weak[0].loopFrom!)).toMatchObject({ divergence: null, closed: true });
  });

  it('should keep every built-in fault path that ends: the minimal driver on the seed', async () => {
    const c = await checkScenario(SEED, { driver: await driver('minimal-driver') });
    expect(c.violations).toEqual([]);
    expect(c.liveness?.complete).toBe(true);
  });

  it('should skip the pass on request and for sampling strategies', async () => {
    const off = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { liveness: false });
    expect(off.liveness).toBeNull();
    const random = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { strategy: 'random', schedules: 5 });
    expect(random.liveness).toBeNull();
  });
});

describe('the retry-bound warning of check --driver', () => {
  it('should warn for a driver without the bound and not for one with it', async () => {
    expect(await retryBoundWarning(await driver('unbounded-retry-driver'))).toMatch(
      /a fault can be retried forever[\s\S]*HMM_RANGE_DEFAULT_TIMEOUT/,
    );
    expect(await retryBoundWarning(await driver('minimal-driver'))).toBeNull();
  });
});
