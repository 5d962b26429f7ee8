/**
 * Which limit cut a search short (`stats.stoppedBy`), and the memory budget. The budget tests
 * use a driver whose state space has no end and a budget the process already exceeds, so they
 * stop at the first memory check (4096 expansions or transitions): bounded by work, not time.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { search } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { exhaustiveSearch, samplingSearch } from '../../src/explorer/node-search.ts';
import { defaultMaxMemoryMiB, heapWall, MemoryBudget } from '../../src/explorer/search/memory-budget.ts';
import { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { toyWorld } from '../support/toy-lost-update.ts';
import endlessRetry from './fixtures/endless-retry-driver.ts';

const endless = () =>
  worldFor('scenarios/seeds/fault-vs-unmap.yaml', { machine: endlessRetry, name: 'endless-retry' }).then(
    (w) => w.world,
  );

describe('stats.stoppedBy', () => {
  it('should be absent from a complete search and name the limit of one cut short', () => {
    const all = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'bfs', { monitors: [] });
    expect(all.stats).toMatchObject({ complete: true });
    expect(all.stats.stoppedBy).toBeUndefined();
    const states = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [], maxStates: 10 });
    expect(states.stats).toMatchObject({ complete: false, stoppedBy: 'max-states' });
    const depth = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'bfs', { monitors: [], maxDepth: 2 });
    expect(depth.stats).toMatchObject({ complete: false, stoppedBy: 'max-depth' });
  });

  it('should say that a sampling run ended with its schedules, never that it was complete', () => {
    const r = samplingSearch(new ControlledWorld(toyWorld(2)), 'random', { monitors: [], schedules: 5 });
    expect(r.stats).toMatchObject({ complete: false, stoppedBy: 'schedules', schedules: 5 });
  });
});

describe('the memory budget', () => {
  it.each(['bfs', 'random'] as const)('should stop a %s search without end once past the budget', async (strategy) => {
    const r = search(await endless(), strategy, { maxMemoryMiB: 1, maxStates: 2_000_000, schedules: 100_000 });
    expect(r.stats).toMatchObject({ complete: false, stoppedBy: 'memory' });
    // At the first check: 4096 expansions (bfs) or transitions (random), long before another limit.
    if (strategy === 'random') expect(r.stats.transitions).toBe(4096);
    else expect(r.stats.states).toBeGreaterThan(4096);
    expect(r.stats.states).toBeLessThan(200_000);
  });

  it("should default to 3/4 of half the RAM, keep V8 heap's own wall below its limit, and refuse a budget of nothing", () => {
    const mib = defaultMaxMemoryMiB();
    expect(mib).toBe(Math.floor((0.75 * totalmem()) / 2 ** 20 / 2));
    expect(heapWall()).toBeLessThan(getHeapStatistics().heap_size_limit);
    expect(new MemoryBudget(mib).maxMiB).toBe(mib);
    expect(() => new MemoryBudget(0)).toThrow(/maxMemoryMiB takes a number of MiB > 0 \(got 0\)/);
  });
});
