import { worldFor } from './src/check/world-for.ts';
import { exhaustiveSearch } from './src/explorer/exhaustive.ts';
import { defaultMonitors } from './src/monitors/index.ts';
const out: number[] = [];
for (let rep = 0; rep < 3; rep++) {
  const { world } = await worldFor('scenarios/bench/seq-retry.yaml', undefined, { ndrv: 1, rounds: 10 });
  const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 1e8 });
  out.push(r.stats.statesPerSecond);
}
console.log(process.env.TAG, out, Math.max(...out));
