/**
 * What the default monitors say they read, checked on random small scenarios (the part
 * monitor-audit.test.ts leaves: that file runs the checking mode over every bundled scenario).
 * The search runs a monitor only where what it says it reads moved (situation-views.ts) and takes
 * replies no monitor can tell apart (returns.ts); for each random valid scenario (test/fuzz/
 * arbitraries.ts `bugScenario`), the checking mode finds no claim a step breaks
 * (test/fuzz/monitor-check.ts). With the fixed seed most cases are searched to their end.
 * Longer campaigns with fresh seeds: `npm run fuzz -- --monitors --time S`.
 *
 * Bounded by work (cases x states per search), never by the clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bugScenario } from '../fuzz/arbitraries.ts';
import { checkMonitorClaims } from '../fuzz/monitor-check.ts';

const SEED = 2412;
const CASES = 16;
const MAX_STATES = 2_000;

describe("the monitors' claims of what they read, on random small scenarios", () => {
  it('should hold at every step the checking mode compares', async () => {
    const tally = { cases: 0, ended: 0, calls: 0 };
    await fc.assert(
      fc.asyncProperty(bugScenario, async ({ text }) => {
        const c = await checkMonitorClaims(text, MAX_STATES);
        expect(c.failures, text).toEqual([]);
        tally.cases++;
        tally.calls += c.calls;
        if (c.ended) tally.ended++;
      }),
      { seed: SEED, numRuns: CASES },
    );
    expect(tally.ended).toBeGreaterThanOrEqual(0.7 * tally.cases);
    expect(tally.calls).toBeGreaterThan(10_000);
  });
});
