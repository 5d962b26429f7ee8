/**
 * Soundness of the reductions over random small scenarios (issue 12 item 3, the part
 * reduction-soundness.test.ts leaves: that file compares every bundled scenario and planted bug).
 * For each random valid scenario (test/fuzz/arbitraries.ts `bugScenario`: a built-in profile with
 * or without a planted bug, or a module of the driver corpus, and 2-3 small threads), the full
 * exhaustive search and each reduced search of REDUCTIONS, in the order the case draws
 * (test/fuzz/reduction-check.ts)
 *   - report the same set of violation kinds, and
 *   - every reduced counterexample replays in the full semantics (replayTrace: no reduction, no
 *     identification of states) to a violation of its kind.
 * A case whose full or reduced search does not end within MAX_STATES proves nothing: it is
 * skipped and counted, and most cases must end. So that the property cannot pass vacuously, some
 * cases must have violations. With the fixed seed, 25 of the 30 cases end within the bound (the
 * exact-state reference search must end too), 9 of them (near a third) with violations.
 * The suite keeps 30 cases as a regression guard: they draw every built-in profile, every
 * planted bug, every lock kind and both orders, and 10 of the corpus's modules (it ran 60, twice
 * the work, for 5 more of them). The whole corpus, with fresh seeds, in the same check:
 * `npm run fuzz -- --reduction --time S` (test/fuzz/campaign.ts).
 *
 * Bounded by work (cases x states per search), never by the clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bugScenario } from '../fuzz/arbitraries.ts';
import { checkReductions, type Reduction } from '../fuzz/reduction-check.ts';

/**
 * The reductions under test: the options that turn each on. The full search they are compared
 * with is `reduction: 'none'` (reduction-check.ts).
 */
const REDUCTIONS: Reduction[] = [{ reduction: 'canonical' }, { reduction: 'sleep' }];
/** The reduced searches run in the order the case draws; the full one is always breadth-first. */
const ORDERS = ['bfs', 'dfs'] as const;
const SEED = 1203;
const CASES = 30;
const MAX_STATES = 10_000;

describe('the reduced searches against the full one, on random small scenarios', () => {
  it('should report the same violation kinds, with counterexamples that replay unreduced', async () => {
    const tally = { cases: 0, ended: 0, withViolations: 0 };
    await fc.assert(
      fc.asyncProperty(bugScenario, fc.constantFrom(...ORDERS), async ({ text }, order) => {
        const c = await checkReductions(text, order, REDUCTIONS, MAX_STATES);
        expect(c.failures, text).toEqual([]);
        tally.cases++;
        if (c.ended) tally.ended++;
        if (c.ended && c.kinds.length) tally.withViolations++;
      }),
      { seed: SEED, numRuns: CASES },
    );
    console.log(
      `reduction property (seed ${SEED}): ${tally.ended} of ${tally.cases} cases ended within ${MAX_STATES} states, ${tally.withViolations} of them with violations`,
    );
    expect(tally.ended).toBeGreaterThanOrEqual(0.8 * tally.cases);
    expect(tally.withViolations).toBeGreaterThan(0);
  });
});
