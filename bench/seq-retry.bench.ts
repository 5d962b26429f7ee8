/**
 * `npm run bench`: the seq-retry protocol explored three ways, side by side, per (NDRV, ROUNDS):
 *   - our explorer on scenarios/bench/seq-retry.yaml (breadth-first, every default monitor),
 *     without and with partial-order reduction;
 *   - Spin on /work/shared/bench/mmu_seq_retry.pml via spin-bench.sh (skipped, with a message,
 *     when `spin` is not installed: `apt-get install -y spin`);
 *   - `getAdjacencyMap` from 'xstate/graph' on the same protocol as one XState machine.
 * A benchmark measures; it is not a test. Sizes: `npm run bench -- 1x6 2x2` (NDRVxROUNDS).
 * Environment: SPIN_BENCH (path of spin-bench.sh), GRAPH_LIMIT (state cap for xstate/graph).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getAdjacencyMap } from 'xstate/graph';
import { worldFor } from '../src/check/world-for.ts';
import { exhaustiveSearch } from '../src/explorer/node-search.ts';
import { defaultMonitors } from '../src/monitors/index.ts';
import { seqRetryEvents, seqRetryMachine } from './seq-retry-machine.ts';

interface Row {
  tool: string;
  ndrv: number;
  rounds: number;
  states: number | string;
  transitions: number | string;
  seconds: number | string;
  perSecond: number | string;
  note: string;
}

const sizes = (process.argv.slice(2).length ? process.argv.slice(2) : ['1x6', '1x10', '2x2']).map((s) => {
  const [ndrv, rounds] = s.split('x').map(Number);
  return { ndrv, rounds };
});
const spinScript = process.env.SPIN_BENCH ?? '/work/shared/bench/spin-bench.sh';
const graphLimit = Number(process.env.GRAPH_LIMIT ?? 300_000);
const hasSpin = spawnSync('spin', ['-V']).status === 0 && existsSync(spinScript);

async function ours(ndrv: number, rounds: number, por: boolean): Promise<Row> {
  const { world } = await worldFor('scenarios/bench/seq-retry.yaml', undefined, { ndrv, rounds });
  const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 200_000_000, por });
  const s = r.stats;
  const found = r.violations.filter((v) => v.severity !== 'observation').map((v) => v.kind);
  return {
    tool: por ? 'mirrorlab bfs --por' : 'mirrorlab bfs',
    ndrv,
    rounds,
    states: s.states,
    transitions: s.transitions,
    seconds: s.elapsedMs / 1000,
    perSecond: s.statesPerSecond,
    note: `${found.length ? `found ${found.join(',')}` : 'no violation'}${s.complete ? '' : ', incomplete'}`,
  };
}

function spin(ndrv: number, rounds: number): Row {
  const base = { tool: 'spin 6 (-O2)', ndrv, rounds };
  if (!hasSpin) {
    return {
      ...base,
      states: '-',
      transitions: '-',
      seconds: '-',
      perSecond: '-',
      note: 'skipped: spin not installed',
    };
  }
  const out = spawnSync('bash', [spinScript, String(ndrv), String(rounds)], { encoding: 'utf8' }).stdout;
  const field = (k: string) => new RegExp(`${k}=(\\S+)`).exec(out)?.[1] ?? '?';
  const states = Number(field('stored'));
  const seconds = Number(field('elapsed'));
  // Spin prints no rate for a run too short to time; say so rather than divide by ~0.
  const rate = Number(field('rate'));
  return {
    ...base,
    states,
    transitions: Number(field('transitions')),
    seconds,
    perSecond: Number.isFinite(rate) ? rate : seconds >= 0.1 ? Math.round(states / seconds) : 'too short to time',
    note: /errors: 0/.test(out) ? 'no violation' : out.trim(),
  };
}

function graph(ndrv: number, rounds: number): Row {
  const t0 = performance.now();
  const map = getAdjacencyMap(seqRetryMachine(ndrv, rounds), {
    events: seqRetryEvents(ndrv),
    limit: graphLimit,
    serializeState: (s) => JSON.stringify(s.context),
  });
  const seconds = (performance.now() - t0) / 1000;
  const states = Object.keys(map).length;
  let transitions = 0;
  let bad = false;
  for (const v of Object.values(map)) {
    transitions += Object.keys(v.transitions).length;
    if ((v.state.context as { bad: boolean }).bad) bad = true;
  }
  return {
    tool: 'xstate/graph getAdjacencyMap',
    ndrv,
    rounds,
    states,
    transitions,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(states / seconds),
    note: `${bad ? 'violation reachable' : 'no violation'}${states >= graphLimit ? `, stopped at limit ${graphLimit}` : ''}`,
  };
}

function table(rows: Row[]): string {
  const head = ['tool', 'NDRV', 'ROUNDS', 'states', 'transitions', 'seconds', 'states/s', 'note'];
  const cells = rows.map((r) =>
    [r.tool, r.ndrv, r.rounds, r.states, r.transitions, r.seconds, r.perSecond, r.note].map(String),
  );
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: string[]) => c.map((x, i) => x.padEnd(w[i])).join('  ');
  return [fmt(head), fmt(w.map((n) => '-'.repeat(n))), ...cells.map(fmt)].join('\n');
}

if (!hasSpin)
  console.log(`Spin column skipped: 'spin' or ${spinScript} not found (install with: apt-get install -y spin)`);
const rows: Row[] = [];
for (const { ndrv, rounds } of sizes) {
  rows.push(await ours(ndrv, rounds, false));
  rows.push(await ours(ndrv, rounds, true));
  rows.push(spin(ndrv, rounds));
  rows.push(graph(ndrv, rounds));
  console.log(table(rows.slice(-4)));
  console.log('');
}
console.log('All sizes:');
console.log(table(rows));

// Spin's model has 30-100x fewer states for the same knobs, so its rate is only meaningful at
// larger knobs: the yardstick's own sizes (/work/shared/bench/README.md).
const spinSizes = (process.env.SPIN_SIZES ?? '1x20,2x6').split(',').map((s) => s.split('x').map(Number));
if (hasSpin) {
  console.log('');
  console.log("Spin at the yardstick's own sizes (for its states/s):");
  console.log(table(spinSizes.map(([ndrv, rounds]) => spin(ndrv, rounds))));
}
