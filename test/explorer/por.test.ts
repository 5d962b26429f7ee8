import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { SleepArena } from '../../src/explorer/reduction/por.ts';
import type { ReductionMode } from '../../src/explorer/reduction/state-key.ts';
import type { SearchResult } from '../../src/explorer/search-types.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { lostUpdateMonitor, toyWorld } from '../support/toy-lost-update.ts';

/** Every terminal state's snapshots, as text (comparable across two worlds). */
function terminalCollector(): { monitor: Monitor; finals: Set<string> } {
  const finals = new Set<string>();
  const monitor: Monitor = {
    name: 'terminal-collector',
    onTerminal(ctx, state) {
      finals.add(JSON.stringify(ctx.world.actors.map((_, i) => ctx.world.snapshot(state, i).context)));
      return null;
    },
  };
  return { monitor, finals };
}

function kinds(r: SearchResult): string[] {
  return r.violations.map((v) => v.kind).sort();
}

describe('partial-order reduction', () => {
  it('should find the lost update and the same terminal states as the full search', () => {
    const full = terminalCollector();
    const reduced = terminalCollector();
    const a = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'bfs', {
      monitors: [lostUpdateMonitor, full.monitor],
      reduction: 'none',
    });
    const b = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'bfs', {
      monitors: [lostUpdateMonitor, reduced.monitor],
      por: true,
    });
    expect(kinds(b)).toEqual(['lost-update']);
    expect(kinds(b)).toEqual(kinds(a));
    expect([...reduced.finals].sort()).toEqual([...full.finals].sort());
    expect(b.stats.complete).toBe(true);
  });

  it('should explore fewer states and transitions when actors are independent', () => {
    const a = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [], reduction: 'none' });
    const b = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [], por: true });
    expect(b.stats.states).toBeLessThan(a.stats.states);
    expect(b.stats.transitions).toBeLessThan(a.stats.transitions);
  });

  it('should owe the states it saves to the canonical key, the default, and prune only transitions beyond it', () => {
    const run = (reduction: ReductionMode) =>
      exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [], reduction }).stats;
    const [none, canonical, sleep] = [run('none'), run('canonical'), run('sleep')];
    expect(canonical.states).toBeLessThan(none.states);
    expect(sleep.states).toBe(canonical.states);
    expect(sleep.transitions).toBeLessThan(canonical.transitions);
    expect(exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [] }).stats).toMatchObject({
      states: canonical.states,
      reduction: 'canonical',
    });
    expect([none.reduction, sleep.reduction]).toEqual(['none', 'sleep']);
  });

  it('should keep every state when a monitor reads everything, and prune only transitions otherwise', () => {
    const readsAll: Monitor = { name: 'reads-all', onStep: () => null };
    const world = () => new ControlledWorld(toyWorld(3));
    const canonicalOnly = exhaustiveSearch(world(), 'bfs', { monitors: [readsAll], por: true });
    const sleepSets = exhaustiveSearch(world(), 'bfs', { monitors: [], por: true });
    expect(sleepSets.stats.states).toBe(canonicalOnly.stats.states);
    expect(sleepSets.stats.transitions).toBeLessThan(canonicalOnly.stats.transitions);
  });

  for (const seed of ['retry-outside-lock', 'fence-wait-under-lock', 'oom-reaper-sleeps', 'fault-vs-unmap']) {
    it(`should give the same verdict and terminal states on seed ${seed}`, async () => {
      const run = async (reduction: ReductionMode) => {
        const { world } = await worldFor(`scenarios/seeds/${seed}.yaml`);
        const t = terminalCollector();
        const r = exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), t.monitor], reduction });
        return { r, finals: t.finals };
      };
      const full = await run('none');
      const reduced = await run('sleep');
      expect(kinds(reduced.r)).toEqual(kinds(full.r));
      expect([...reduced.finals].sort()).toEqual([...full.finals].sort());
      expect(reduced.r.stats.transitions).toBeLessThan(full.r.stats.transitions);
      expect(reduced.r.stats.complete).toBe(true);
    });
  }

  it('should keep every reachable state whichever order the search takes', async () => {
    const run = async (order: 'bfs' | 'dfs') => {
      const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
      return exhaustiveSearch(world, order, { monitors: defaultMonitors(), por: true });
    };
    const [bfs, dfs] = [await run('bfs'), await run('dfs')];
    expect(dfs.stats.states).toBe(bfs.stats.states);
    expect(kinds(dfs)).toEqual(kinds(bfs));
  });
});

describe('sleep-set arena', () => {
  const set = (...keys: number[]) => Int32Array.from(keys);

  it('should store sets once and answer membership from a reference', () => {
    const arena = new SleepArena();
    expect(arena.store(set(), 0, 0)).toBe(0);
    const a = arena.store(set(7, 3, 9), 0, 3);
    const b = arena.store(set(1, 4), 0, 2);
    expect(a).not.toBe(b);
    expect(arena.size(0)).toBe(0);
    expect(arena.size(a)).toBe(3);
    expect(arena.has(a, 3)).toBe(true);
    expect(arena.has(a, 4)).toBe(false);
    expect(arena.has(0, 3)).toBe(false);
    const out = new Int32Array(8);
    expect(arena.read(b, out)).toBe(2);
    expect([...out.subarray(0, 2)]).toEqual([1, 4]);
  });

  it('should test subsets and intersect against a slice of a scratch array', () => {
    const arena = new SleepArena();
    const a = arena.store(set(5, 2, 8), 0, 3);
    const scratch = set(0, 8, 2, 5, 0);
    expect(arena.subsetOf(a, scratch, 1, 3)).toBe(true);
    expect(arena.subsetOf(a, scratch, 1, 2)).toBe(false);
    expect(arena.subsetOf(0, scratch, 0, 0)).toBe(true);
    const meet = new Int32Array(8);
    const m = arena.intersect(a, scratch, 1, 2, meet);
    expect(arena.size(m)).toBe(2);
    expect(arena.has(m, 8) && arena.has(m, 2) && !arena.has(m, 5)).toBe(true);
    expect(arena.intersect(a, scratch, 0, 1, meet)).toBe(0);
  });

  it('should keep earlier sets intact while it grows', () => {
    const arena = new SleepArena();
    const first = arena.store(set(11, 12), 0, 2);
    const big = new Int32Array(5000).map((_, k) => k);
    for (let r = 0; r < 40; r++) arena.store(big, 0, big.length);
    expect(arena.size(first)).toBe(2);
    expect(arena.has(first, 12)).toBe(true);
  });
});
