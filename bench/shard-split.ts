/**
 * How a sharded breadth-first search splits (docs/performance.md, "Sharding"): per scenario, the
 * single search's states beside each of N shards' (every default monitor), the split level and
 * how much of the single search the slowest shard repeats. Not a test.
 *
 *   node bin/run-ts.mjs bench/shard-split.ts FILE...        # N=3 KS=16,64 by default
 *   N=4 KS=64 PARAMS=ndrv=2,rounds=2 node bin/run-ts.mjs bench/shard-split.ts scenarios/bench/seq-retry.yaml
 */
import { worldFor } from '../src/check/world-for.ts';
import { exhaustiveSearch } from '../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../src/monitors/index.ts';
import { parseParamArgs } from '../src/scenario/expand.ts';

const n = Number(process.env.N ?? 3);
const ks = (process.env.KS ?? '16,64').split(',').map(Number);
const params = parseParamArgs(process.env.PARAMS ? process.env.PARAMS.split(',') : []);
const search = async (file: string, shard?: { index: number; count: number; frontierPerShard: number }) => {
  const { world } = await worldFor(file, undefined, params);
  return exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 1e8, shard }).stats;
};

for (const file of process.argv.slice(2)) {
  const whole = (await search(file)).states;
  for (const k of ks) {
    const parts = [];
    for (let index = 1; index <= n; index++) parts.push(await search(file, { index, count: n, frontierPerShard: k }));
    const split = parts[0].shard!;
    const slowest = Math.max(...parts.map((s) => s.states));
    console.log(
      `${file} K=${k}: single ${whole}; shards ${parts.map((s) => s.states).join(' / ')}; ` +
        `split level ${split.level} (${split.levelStates} states); slowest/single ${(slowest / whole).toFixed(2)}`,
    );
  }
}
