/**
 * sleep-in-atomic (src/monitors/callback-rules.ts): a thread that holds a spinlock and blocks.
 * A step's calls take effect in the order it makes them, so a fault path that drops its spinlock
 * and then calls read_begin again sleeps without it (the reduction fuzz found the monitor
 * flagging that retry on correct drivers, in the full search and the reduced alike); a callback
 * that waits for a fence under the spinlock still sleeps in atomic context.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';

const DIR = 'test/monitors/fixtures';

describe('sleep-in-atomic', () => {
  it.each(['canonical', 'none'] as const)(
    'should not flag a fault path that drops its spinlock before read_begin (reduction %s)',
    async (reduction) => {
      const r = await checkScenario(`${DIR}/spinlock-retry.yaml`, { reduction });
      expect(r.stats.complete).toBe(true);
      expect(r.violations).toEqual([]);
    },
  );

  it.each(['canonical', 'none'] as const)(
    'should flag a callback that waits for a fence under its spinlock (reduction %s)',
    async (reduction) => {
      const r = await checkScenario(`${DIR}/spinlock-fence-wait.yaml`, { reduction });
      expect(r.violations.map((v) => v.kind)).toEqual(['sleep-in-atomic']);
      expect(r.violations[0].message).toBe('thread:unmap blocks on fence:f0 while holding spinlock lock:gpu0');
    },
  );
});
