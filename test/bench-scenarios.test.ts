import { describe, expect, it } from 'vitest';
import { checkScenario } from '../src/check/check-scenario.ts';

describe('bench scenarios', () => {
  it('should check seq-retry clean at its default size', async () => {
    const c = await checkScenario('scenarios/bench/seq-retry.yaml');
    expect(c.mismatch).toBeNull();
    expect(c.violations).toEqual([]);
    expect(c.stats.complete).toBe(true);
  });

  it('should find the stale device PTE of seq-retry-bug, with and without POR', async () => {
    for (const por of [false, true]) {
      const c = await checkScenario('scenarios/bench/seq-retry-bug.yaml', { params: { rounds: 2 }, por });
      expect(c.ok).toBe(true);
      expect(c.violations.map((v) => v.kind)).toEqual(['stale-spte']);
    }
  });

  it('should take ndrv and rounds as params', async () => {
    const small = await checkScenario('scenarios/bench/seq-retry.yaml', { params: { ndrv: 1, rounds: 1 } });
    const two = await checkScenario('scenarios/bench/seq-retry.yaml', { params: { ndrv: 2, rounds: 1 } });
    expect(two.world.actors.filter((a) => a.id.startsWith('drv:'))).toHaveLength(2);
    expect(two.stats.states).toBeGreaterThan(small.stats.states);
    expect(two.ok && small.ok).toBe(true);
  });
});
