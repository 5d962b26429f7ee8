/**
 * One case of the reduction soundness property (test/explorer/reduction-property.test.ts) and of
 * the `npm run fuzz -- --reduction` campaign (campaign.ts): a scenario text searched in full
 * (breadth-first) and with each reduction, then every reduced counterexample replayed in the
 * full semantics (replayTrace: no reduction, no identification of states). A search cut short
 * by `maxStates` proves nothing, so such a case is `ended: false` and judged no further.
 */
import {
  defaultMonitors,
  exhaustiveSearch,
  replayTrace,
  type SearchOptions,
  type SearchResult,
  type SemanticStep,
  worldFor,
} from '../../src/index.ts';
import { CORPUS } from './arbitraries.ts';

/** The options that turn one reduction on, e.g. `{ reduction: 'canonical' }`. */
export type Reduction = Partial<SearchOptions>;

export interface ReductionCase {
  /** Whether the full search and every reduced one ended within the bound. */
  ended: boolean;
  /** The violation kinds the full search found, sorted. */
  kinds: string[];
  /** What went wrong, one line each; empty when the reductions agree with the full search. */
  failures: string[];
  /**
   * How the reduced searches call themselves (`dfs+por (sleep)`, `bfs (canonical)`): an option
   * the search ignores shows here.
   */
  strategies: string[];
  /** When the searches ended: the full search's states, and each reduced search's. */
  fullStates?: number;
  reducedStates?: number[];
}

/** Where a case's text is placed (its corpus modules are allowed explicitly, by absolute path). */
const PLACE = 'fuzz-case.yaml';

const kindsOf = (r: SearchResult) => [...new Set(r.violations.map((v) => v.kind))].sort();

/**
 * Search `text` in full and with each of `reductions` (in `order`), within `maxStates` each,
 * and say where a reduced search disagrees with the full one.
 */
export async function checkReductions(
  text: string,
  order: 'bfs' | 'dfs',
  reductions: readonly Reduction[],
  maxStates: number,
): Promise<ReductionCase> {
  // One world for every search and replay: it only caches machine transitions, and building it
  // (compiling the scenario, starting its actors) costs as much as a small search.
  const { world } = await worldFor(PLACE, undefined, {}, { text, allowDrivers: [CORPUS] });
  const search = (how: 'bfs' | 'dfs', opts: Reduction) =>
    exhaustiveSearch(world, how, { monitors: defaultMonitors(), maxStates, ...opts });
  // The reference: exact states, no reduction (the default is the canonical key).
  const full = search('bfs', { reduction: 'none' });
  const kinds = kindsOf(full);
  if (!full.stats.complete) return { ended: false, kinds, failures: [], strategies: [] };
  const reduced: { name: string; r: SearchResult }[] = [];
  for (const opts of reductions) {
    const r = search(order, opts);
    if (!r.stats.complete) return { ended: false, kinds, failures: [], strategies: [] };
    reduced.push({ name: `${JSON.stringify(opts)} ${order}`, r });
  }
  const failures: string[] = [];
  for (const { name, r } of reduced) {
    const got = kindsOf(r);
    if (got.join() !== kinds.join())
      failures.push(`${name}: found [${got.join(', ')}], the full search [${kinds.join(', ')}]`);
    for (const v of r.violations) {
      const witnesses = (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses;
      const replay = replayTrace(world, v.trace, defaultMonitors(), witnesses);
      if (replay.divergence)
        failures.push(`${name}: the ${v.kind} counterexample diverges at step ${replay.divergence.at} of ${v.steps}`);
      else if (!replay.violations.some((x) => x.kind === v.kind))
        failures.push(
          `${name}: the ${v.kind} counterexample replays to [${replay.violations.map((x) => x.kind).join(', ')}]`,
        );
    }
  }
  return {
    ended: true,
    kinds,
    failures,
    strategies: reduced.map(({ r }) => `${r.strategy} (${r.stats.reduction})`),
    fullStates: full.stats.states,
    reducedStates: reduced.map(({ r }) => r.stats.states),
  };
}
