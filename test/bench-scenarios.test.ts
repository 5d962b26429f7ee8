import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it("should reach the verdicts of the bounded driver with the yardstick's unbounded retries, on fewer states", async () => {
    // The bench scenarios restart without a bound, as the Spin yardstick's driver does; the
    // built-ins' default bound (8) counts restarts, and each count is a state of its own.
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-bounded-'));
    for (const name of ['seq-retry.yaml', 'seq-retry-bug.yaml']) {
      const file = join(dir, name);
      const text = readFileSync(`scenarios/bench/${name}`, 'utf8');
      expect(text).toContain(', maxRetries: unbounded');
      writeFileSync(file, text.replace(', maxRetries: unbounded', ''));
      const counted = await checkScenario(file, { params: { rounds: 2 } });
      const unbounded = await checkScenario(`scenarios/bench/${name}`, { params: { rounds: 2 } });
      expect(unbounded.violations.map((v) => v.kind)).toEqual(counted.violations.map((v) => v.kind));
      expect(unbounded.ok && counted.ok).toBe(true);
      if (name === 'seq-retry.yaml') expect(unbounded.stats.states).toBeLessThan(counted.stats.states);
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
