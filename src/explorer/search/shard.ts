/**
 * `--shard i/n`: one of n jobs of a job runner (a CI matrix, Kubernetes Indexed Jobs) runs its
 * share of a search; `mirrorlab merge` combines the n results (src/check/shard-merge.ts).
 *
 *   - Sampling (random, pct, swarm): shard i runs the schedules k ≡ i−1 (mod n) of the campaign.
 *     Schedule k takes everything from its own seed (strategies/sampling-seeds.ts), so the n shards run
 *     exactly the schedules of one unsharded run.
 *   - Exhaustive breadth-first search: every shard runs the same deterministic breadth-first
 *     prefix until a whole level holds at least `frontierPerShard · n` states, then keeps the
 *     states of that level whose fingerprint is i−1 mod n and searches from them to the end,
 *     the hash-partitioned frontier of distributed state-space search (Stern and Dill,
 *     "Parallelizing the Murφ verifier", CAV 1997), here with no messages between the parts:
 *     a state reachable from several shards' parts is searched by each of them.
 *     Every reachable state past the prefix lies on a shortest path through one level state
 *     (below it no prefix state can block that path), so the shards together cover the space,
 *     and each shard's breadth-first order keeps its counterexamples shortest.
 */

/**
 * One shard of a campaign: 1-based index, shard count.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type ShardSpec, worldFor } from 'mirrorlab';
 *
 * // Job 2 of a campaign split among 4 jobs (`--shard 2/4`).
 * const shard: ShardSpec = { index: 2, count: 4 };
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), shard });
 * ```
 */
export interface ShardSpec {
  index: number;
  count: number;
  /** Exhaustive: split at the first level of at least this many states per shard (default FRONTIER_PER_SHARD). */
  frontierPerShard?: number;
}

/** Level states per shard before the split: enough that the hash spreads the work evenly. */
export const FRONTIER_PER_SHARD = 64;

export class ShardError extends Error {}

/** `2/3` → { index: 2, count: 3 }, with an error that says what is wrong and the fix. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m)
    throw new ShardError(
      `--shard takes i/n, the 1-based shard index and the shard count, e.g. --shard 2/3 (got '${text}')`,
    );
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new ShardError(`--shard ${text}: the shard count n must be at least 1`);
  if (index < 1 || index > count)
    throw new ShardError(
      `--shard ${text}: the index must be between 1 and ${count} (shards are numbered from 1; Kubernetes' JOB_COMPLETION_INDEX counts from 0, so pass $((JOB_COMPLETION_INDEX+1))/${count})`,
    );
  return { index, count };
}

export const shardText = (s: ShardSpec): string => `${s.index}/${s.count}`;

/**
 * The schedules worker `worker` of `workers` runs within a shard: k ≡ first (mod stride), the
 * shard's residue class split again among its workers.
 */
export function scheduleShare(
  shard: ShardSpec | undefined,
  worker = 0,
  workers = 1,
): { first: number; stride: number } {
  const index = shard ? shard.index - 1 : 0;
  const count = shard?.count ?? 1;
  return { first: index + count * worker, stride: count * workers };
}

/** Whether a level state with this fingerprint is this shard's (fingerprint mod n, on its unsigned halves). */
export function ownsState(shard: ShardSpec, h1: number, h2: number): boolean {
  // (2^32·h2 + h1) mod n without leaving safe integers: 2^32 mod n first.
  const n = shard.count;
  const hi = (h2 >>> 0) % n;
  const lo = (h1 >>> 0) % n;
  return ((hi * (2 ** 32 % n) + lo) % n) + 1 === shard.index;
}

/**
 * What the breadth-first prefix of a sharded exhaustive search did, in the shard's stats.
 *
 * @example
 * ```ts
 * import type { ShardSplit } from 'mirrorlab';
 *
 * const split = (s: ShardSplit) => `shard ${s.index}/${s.count} kept ${s.kept} of ${s.levelStates} states at depth ${s.level}`;
 * ```
 */
export interface ShardSplit {
  index: number;
  count: number;
  /** States the prefix found (every shard finds the same), the split level included. */
  prefixStates: number;
  /** Depth of the level that was split (-1: the space ended inside the prefix, nothing was split). */
  level: number;
  /** States of that level, and how many of them this shard kept. */
  levelStates: number;
  kept: number;
}
