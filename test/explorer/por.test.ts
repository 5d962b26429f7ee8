import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { exhaustiveSearch } from '../../src/explorer/exhaustive.ts';
import type { SearchResult } from '../../src/explorer/search-types.ts';
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
    const a = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [] });
    const b = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [], por: true });
    expect(b.stats.states).toBeLessThan(a.stats.states);
    expect(b.stats.transitions).toBeLessThan(a.stats.transitions);
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
      const run = async (por: boolean) => {
        const { world } = await worldFor(`scenarios/seeds/${seed}.yaml`);
        const t = terminalCollector();
        const r = exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), t.monitor], por });
        return { r, finals: t.finals };
      };
      const full = await run(false);
      const reduced = await run(true);
      expect(kinds(reduced.r)).toEqual(kinds(full.r));
      expect([...reduced.finals].sort()).toEqual([...full.finals].sort());
      expect(reduced.r.stats.transitions).toBeLessThan(full.r.stats.transitions);
      expect(reduced.r.stats.complete).toBe(true);
    });
  }
});
