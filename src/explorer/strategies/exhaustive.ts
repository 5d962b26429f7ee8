/**
 * src/explorer/strategies/: the searches a user calls, each a thin entry over the machinery in
 * ../search/, ../visited/ and ../reduction/ (as Coyote keeps each strategy apart from its
 * runtime):
 *   - exhaustive.ts (this file): breadth-first and depth-first exhaustive search, `bfs`, `dfs`
 *     over channel-canonical states by default (`reduction`: ../reduction/state-key.ts), with
 *     sleep sets on request (`reduction: 'sleep'`, `por: true`: ../reduction/sleep-sets.ts);
 *   - sampling.ts: whole schedules, one seeded chooser per schedule (choosers.ts: uniform
 *     `random`, `pct`, `swarm`), run fast by sampling-runner.ts with seeds from sampling-seeds.ts;
 *     random.ts is their PRNG.
 * Every strategy takes `SearchOptions` and returns a `SearchResult` (../search-types.ts), and
 * every counterexample it returns replays (../counterexamples/replay.ts).
 */
import type { ControlledWorld } from '../../runtime/controlled-world.ts';
import { SymmetryRefused } from '../reduction/symmetry-group.ts';
import { type SearchStart, StateSearch } from '../search/state-search.ts';
import type { SearchOptions, SearchResult } from '../search-types.ts';

export type { SearchStart } from '../search/state-search.ts';

/**
 * Explore every interleaving of a world, breadth-first (shortest counterexamples) or depth-first,
 * visiting each state once (64-bit fingerprints; states equal up to how senders interleave in an
 * inbox count as one and threads' replies are taken in the step that sends them, unless
 * `reduction: 'none'`: reduction/returns.ts), with the monitors watching every step. Limits cut
 * it short; `stats.complete` says whether the whole space was covered.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const result = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 100_000 });
 * result.violations.map((v) => `${v.kind} in ${v.steps} steps`);
 * result.stats.complete; // true
 * ```
 */
export function exhaustiveSearch(
  world: ControlledWorld,
  order: 'bfs' | 'dfs',
  opts: SearchOptions,
  start?: SearchStart,
): SearchResult {
  const search = new StateSearch(world, order, opts, start);
  try {
    search.run();
  } catch (e) {
    // A step that does not commute with a replica permutation: the reduction would be unsound,
    // so search again in full and say why (reduction/symmetry.ts).
    if (!(e instanceof SymmetryRefused)) throw e;
    const full = exhaustiveSearch(world, order, { ...opts, symmetry: false }, start);
    return { ...full, stats: { ...full.stats, symmetry: { refused: e.message } } };
  }
  return search.result();
}
