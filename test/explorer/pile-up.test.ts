/**
 * A search cut short says when messages pile up unread, which makes its space endless
 * (src/explorer/search/pile-up.ts): a driver that never reads its flush confirmations while a thread
 * remaps forever. Replies only: commands posted to a device's ring may queue up to the work.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { remedy } from '../../src/check/verdict.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

const ENDLESS = 'scenarios/seeds/fault-vs-endless-remap.yaml';
const driver = async (file: string) => ({ machine: await loadDriverModule(file), name: file });

describe('messages piling up unread', () => {
  it('are named when the search is cut short: the flush confirmations an early-returning callback never reads', async () => {
    const { world } = await worldFor(ENDLESS, await driver('examples/drivers/corpus/buggy/return-before-flush.ts'));
    const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 5000 });
    expect(r.stats.complete).toBe(false);
    expect(r.stats.pileUp).toMatchObject({
      actor: 'drv:gpu0',
      from: 'dev:gpu0',
      type: 'dev.zapped',
      thread: 'thread:remap',
    });
    expect(r.stats.pileUp!.copies).toBeGreaterThanOrEqual(3);
    expect(remedy(r.stats)).toMatch(/^messages pile up unread: at depth \d+, drv:gpu0 holds \d+ copies of dev\.zapped/);
  });

  it('are named by the check of a looping scenario too (its search runs on the liveness graph)', async () => {
    const c = await checkScenario(ENDLESS, {
      driver: await driver('examples/drivers/corpus/buggy/return-before-flush.ts'),
      maxStates: 5000,
    });
    expect(c.stats.complete).toBe(false);
    expect(c.stats.pileUp?.type).toBe('dev.zapped');
  });

  it('are not claimed for a correct driver, whose search of the same scenario ends', async () => {
    const c = await checkScenario(ENDLESS, { driver: await driver('examples/drivers/minimal-driver.ts') });
    expect(c.stats.complete).toBe(true);
    expect(c.stats.pileUp).toBeUndefined();
  });

  it('leave out commands posted to a device ring, which need no reply', async () => {
    // The buggy seq-retry driver posts a map per round without waiting: a queue bounded by the rounds.
    const { world } = await worldFor('scenarios/bench/seq-retry-bug.yaml');
    const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 1000 });
    expect(r.stats.complete).toBe(false);
    expect(r.stats.pileUp).toBeUndefined();
  });
});
