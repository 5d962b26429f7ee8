/**
 * Soundness of the reductions over random small scenarios (issue 12 item 3, the part
 * reduction-soundness.test.ts leaves: that file compares every bundled scenario and planted bug).
 * For each random valid scenario (test/fuzz/arbitraries.ts `bugScenario`: a built-in profile with
 * or without a planted bug, or a module of the driver corpus, and 1-3 small threads), the full
 * exhaustive search and each reduced search of REDUCTIONS, in the order the case draws
 *   - report the same set of violation kinds, when both end within MAX_STATES, and
 *   - every reduced counterexample replays in the full semantics (replayTrace: no reduction, no
 *     identification of states) to a violation of its kind.
 * A case whose full or reduced search does not end within MAX_STATES proves nothing: it is
 * skipped and counted, and most cases must end. So that the property cannot pass vacuously, some
 * cases must have violations. Figures for the fixed seed (docs/reliability.md, "Fuzzing"): of
 * CASES = 60 cases, 58 end within the bound, 20 of them (a third) with violations.
 * Longer campaigns with random seeds: `npm run fuzz -- --reduction --time S` (test/fuzz/campaign.ts).
 *
 * Bounded by work (cases x states per search), never by the clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultMonitors,
  exhaustiveSearch,
  replayTrace,
  type SearchOptions,
  type SearchResult,
  type SemanticStep,
  worldFor,
} from '../../src/index.ts';
import { bugScenario, CORPUS } from '../fuzz/arbitraries.ts';

/**
 * The reductions under test, each the options that turn it on. A reduction that supports only
 * one order (see ORDERS) says so here and the loop below skips the other.
 */
const REDUCTIONS: Partial<SearchOptions>[] = [{ por: true }];
/** The reduced search runs in the order the case draws; the full one always breadth-first. */
const ORDERS = ['bfs', 'dfs'] as const;
const SEED = 1203;
const CASES = 60;
const MAX_STATES = 10_000;

/** Where a case's scenario text is placed: its corpus modules are allowed explicitly. */
const PLACE = 'fuzz-case.yaml';
const source = (text: string) => ({ text, allowDrivers: [CORPUS] });
const kinds = (r: SearchResult) => [...new Set(r.violations.map((v) => v.kind))].sort();
const label = (o: Partial<SearchOptions>) => JSON.stringify(o);

describe('the reduced searches against the full one, on random small scenarios', () => {
  it('should report the same violation kinds, with counterexamples that replay unreduced', async () => {
    const tally = { cases: 0, ended: 0, withViolations: 0 };
    await fc.assert(
      fc.asyncProperty(bugScenario, fc.constantFrom(...ORDERS), async ({ text }, order) => {
        tally.cases++;
        // One world for every search and replay: it only caches machine transitions, and
        // building it (compiling the scenario, starting its actors) costs as much as a small search.
        const { world } = await worldFor(PLACE, undefined, {}, source(text));
        const search = (how: 'bfs' | 'dfs', opts: Partial<SearchOptions>) =>
          exhaustiveSearch(world, how, { monitors: defaultMonitors(), maxStates: MAX_STATES, ...opts });
        const full = search('bfs', {});
        if (!full.stats.complete) return;
        const reduced = [];
        for (const opts of REDUCTIONS) {
          const r = search(order, opts);
          if (!r.stats.complete) return;
          reduced.push({ opts, r });
        }
        tally.ended++;
        if (full.violations.length) tally.withViolations++;
        for (const { opts, r } of reduced) {
          const where = `${label(opts)} ${order} on\n${text}`;
          expect(kinds(r), where).toEqual(kinds(full));
          for (const v of r.violations) {
            const witnesses = (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses;
            const replay = replayTrace(world, v.trace, defaultMonitors(), witnesses);
            expect(replay.divergence, `${v.kind}: ${where}`).toBeNull();
            expect(
              replay.violations.map((x) => x.kind),
              `${v.kind}: ${where}`,
            ).toContain(v.kind);
          }
        }
      }),
      { seed: SEED, numRuns: CASES },
    );
    console.log(
      `reduction property (seed ${SEED}): ${tally.ended} of ${tally.cases} cases ended within ${MAX_STATES} states, ${tally.withViolations} with violations`,
    );
    expect(tally.ended).toBeGreaterThanOrEqual(0.8 * tally.cases);
    expect(tally.withViolations).toBeGreaterThan(0);
  });
});
