/**
 * Shard campaigns for tests that write shard parts by hand (src/check/shard-result.ts): a
 * breadth-first check with every option at its default, changed where a test says.
 */
import type { Campaign } from '../../src/check/shard-result.ts';

export function bfsCampaign(changes: Partial<Campaign> = {}): Campaign {
  return {
    strategy: null,
    seed: null,
    schedules: null,
    pctDepth: null,
    maxDepth: null,
    maxStates: null,
    timeLimit: null,
    maxMemoryMiB: null,
    params: {},
    driver: null,
    minimize: null,
    liveness: true,
    fairness: null,
    checkMonitors: false,
    frontierPerShard: 4,
    ...changes,
  };
}
