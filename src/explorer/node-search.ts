/**
 * The searches as the Node entry gives them: on Node's search host (search/node-host.ts), so a
 * search keeps the process's memory budget and may move its visited set to a worker thread. The
 * explorer itself (strategies/exhaustive.ts, strategies/sampling.ts) runs on any host; the
 * browser entry uses it as is.
 *
 * src/explorer/ by folder: search/ the exhaustive search loop (state-search.ts) and what its hot
 * loop reads; visited/ the visited store; reduction/ state-space reductions behind one
 * interface; strategies/ the searches users call (bfs, dfs, random, pct, swarm);
 * counterexamples/ replay and shrinking; liveness/ livelocks. search-types.ts: what every
 * search takes and returns.
 */
import type { ControlledWorld } from '../runtime/controlled-world.ts';
import { nodeHost } from './search/node-host.ts';
import type { SearchOptions, SearchResult } from './search-types.ts';
import { type SearchStart, exhaustiveSearch as searchStates } from './strategies/exhaustive.ts';
import { type SamplingStrategy, samplingSearch as sampleSchedules } from './strategies/sampling.ts';

/**
 * Every reachable state, breadth- or depth-first (exhaustive.ts), on Node's host unless `opts.host`
 * says otherwise.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const result = exhaustiveSearch(world, 'dfs', { monitors: defaultMonitors(), maxStates: 100_000 });
 * result.stats.complete; // true: every reachable state was explored
 * result.violations.map((v) => v.kind); // ['stale-spte', 'use-after-free']
 * ```
 */
export function exhaustiveSearch(
  world: ControlledWorld,
  order: 'bfs' | 'dfs',
  opts: SearchOptions,
  start?: SearchStart,
): SearchResult {
  return searchStates(world, order, { host: nodeHost, ...opts }, start);
}

/**
 * Seeded schedules (sampling.ts), on Node's host unless `opts.host` says otherwise.
 *
 * @example
 * ```ts
 * import { defaultMonitors, samplingSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const result = samplingSearch(world, 'pct', { monitors: defaultMonitors(), schedules: 200, seed: 1 });
 * result.violations[0]?.schedule; // { index, seed, config }: run it again with that seed and schedules: 1
 * ```
 */
export function samplingSearch(
  world: ControlledWorld,
  strategy: SamplingStrategy,
  opts: SearchOptions,
  share?: { first: number; stride: number },
): SearchResult {
  return sampleSchedules(world, strategy, { host: nodeHost, ...opts }, share);
}
