/**
 * Soundness of the symmetry reduction (issue 12 items 2 and 3) over random small scenarios with
 * replicas (test/fuzz/arbitraries.ts `replicaScenario`: a built-in profile with or without a
 * planted bug, 2-3 replicas of one process thread, maybe one more thread). For each, the full
 * breadth-first search and the `symmetry: true` search, breadth- or depth-first as the case
 * draws (test/fuzz/reduction-check.ts)
 *   - report the same set of violation kinds, and
 *   - every counterexample of the reduced search replays in the full semantics to its kind.
 * The case counts below keep it from passing vacuously: most cases end within the bound, some
 * with violations, and in some the group is used (not refused) and merges states.
 *
 * Bounded by work (cases x states per search), never by the clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replicaScenario } from '../fuzz/arbitraries.ts';
import { checkReductions } from '../fuzz/reduction-check.ts';

const SEED = 1212;
const CASES = 60;
const MAX_STATES = 20_000;

describe('the symmetry reduction against the full search, on random scenarios with replicas', () => {
  it('should report the same violation kinds, with counterexamples that replay unreduced', async () => {
    const tally = { cases: 0, ended: 0, withViolations: 0, used: 0 };
    await fc.assert(
      fc.asyncProperty(replicaScenario, fc.constantFrom('bfs', 'dfs'), async ({ text }, order) => {
        const c = await checkReductions(text, order, [{ symmetry: true }], MAX_STATES);
        expect(c.failures, text).toEqual([]);
        tally.cases++;
        if (!c.ended) return;
        tally.ended++;
        if (c.kinds.length) tally.withViolations++;
        if (c.reducedStates !== undefined && c.reducedStates[0] < c.fullStates!) tally.used++;
      }),
      { seed: SEED, numRuns: CASES },
    );
    console.log(
      `symmetry property (seed ${SEED}): ${tally.ended} of ${tally.cases} cases ended within ${MAX_STATES} states, ${tally.withViolations} with violations, ${tally.used} reduced`,
    );
    expect(tally.ended).toBeGreaterThanOrEqual(0.7 * tally.cases);
    expect(tally.withViolations).toBeGreaterThan(0);
    expect(tally.used).toBeGreaterThan(0);
  });
});
