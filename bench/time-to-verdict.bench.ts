/**
 * `npm run bench [-- --json] [-- 2x2 2x3 …]`: time to verdict on the seq-retry yardstick, every
 * row measured in the same run (issue 12, "The benchmark"). Per size NDRVxROUNDS:
 *   - mirrorlab: a fresh `mirrorlab check scenarios/bench/seq-retry.yaml` process (every default
 *     monitor, breadth-first), spawn to exit;
 *   - Spin (default partial-order reduction, and -DNOREDUCE): `spin -a`, gcc -O2 and pan, first
 *     command to verdict (bench/lib/spin.ts installs Spin through apt when missing);
 *   - xstate/graph's getAdjacencyMap on the same protocol as one XState machine;
 * then the planted bug (seq-retry-bug.yaml against Spin's -DBUG=1, breadth-first both) and the
 * samplers (pct, 1 and 2 workers). A benchmark measures; it is never part of `npm test`.
 *
 * Keys of `--json` rows: name, size, states, transitions, seconds (end to end), searchSeconds,
 * statesPerSecond (states / searchSeconds), schedulesPerSecond, bytesPerState (visited set),
 * steps (counterexample length in scheduling points, as Spin's trail counts), ratio (seconds / Spin's seconds at the same size, default
 * reduction), statesRatio (states / Spin -DNOREDUCE states at the same size), note.
 * Environment: GRAPH_LIMIT (state cap for xstate/graph, default 300000), SAMPLES (schedules per
 * sampler row, default 4000).
 */
import { getAdjacencyMap } from 'xstate/graph';
import { runOurs } from './lib/ours.ts';
import { ensureSpin, runSpin, type SpinRun } from './lib/spin.ts';
import { seqRetryEvents, seqRetryMachine } from './seq-retry-machine.ts';

interface Row {
  name: string;
  size: string;
  states: number | null;
  transitions: number | null;
  seconds: number | null;
  searchSeconds: number | null;
  statesPerSecond: number | null;
  schedulesPerSecond: number | null;
  bytesPerState: number | null;
  steps: number | null;
  ratio: number | null;
  statesRatio: number | null;
  note: string;
}

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const sizes = (
  argv.filter((a) => /^\d+x\d+$/.test(a)).length ? argv.filter((a) => /^\d+x\d+$/.test(a)) : ['2x2', '2x3', '1x10']
).map((s) => {
  const [ndrv, rounds] = s.split('x').map(Number);
  return { ndrv, rounds, size: s };
});
const graphLimit = Number(process.env.GRAPH_LIMIT ?? 300_000);
const samples = Number(process.env.SAMPLES ?? 4000);

const empty = (name: string, size: string): Row => ({
  name,
  size,
  states: null,
  transitions: null,
  seconds: null,
  searchSeconds: null,
  statesPerSecond: null,
  schedulesPerSecond: null,
  bytesPerState: null,
  steps: null,
  ratio: null,
  statesRatio: null,
  note: '',
});
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const rate = (n: number, s: number) => (s > 0.05 ? Math.round(n / s) : null);

const spinMissing = ensureSpin();
const rows: Row[] = [];
const log = (row: Row) => {
  rows.push(row);
  if (!json)
    console.error(`  ${row.name} ${row.size}: ${row.states ?? '-'} states, ${row.seconds ?? '-'} s ${row.note}`);
};

function spinRow(name: string, size: string, run: () => SpinRun): Row {
  if (spinMissing) return { ...empty(name, size), note: `skipped: ${spinMissing}` };
  const r = run();
  return {
    ...empty(name, size),
    states: r.states,
    transitions: r.transitions,
    seconds: round(r.seconds),
    searchSeconds: r.searchSeconds,
    statesPerSecond: rate(r.states, r.searchSeconds),
    steps: r.errorDepth,
    note: r.errors ? `${r.errors} error(s)` : 'no violation',
  };
}

for (const { ndrv, rounds, size } of sizes) {
  const spin = spinRow('spin', size, () => runSpin(ndrv, rounds));
  const noreduce = spinRow('spin -DNOREDUCE', size, () => runSpin(ndrv, rounds, ['-DNOREDUCE']));
  const o = runOurs('scenarios/bench/seq-retry.yaml', { ndrv, rounds });
  log({
    ...empty('mirrorlab', size),
    states: o.states,
    transitions: o.transitions,
    seconds: round(o.seconds),
    searchSeconds: o.searchSeconds,
    statesPerSecond: rate(o.states, o.searchSeconds),
    bytesPerState: o.states ? round(o.visitedBytes / o.states, 1) : null,
    ratio: spin.seconds ? round(o.seconds / spin.seconds) : null,
    statesRatio: noreduce.states ? round(o.states / noreduce.states, 1) : null,
    note: `${o.verdict}${o.complete ? '' : ', incomplete'}`,
  });
  log(spin);
  log(noreduce);
  log(graphRow(ndrv, rounds, size));
}

// The planted bug: read_retry before the lock (Spin's -DBUG=1, our retry-outside-lock).
{
  const spin = spinRow('spin -DBFS (bug)', '1x3', () => runSpin(1, 3, ['-DBFS'], true));
  const o = runOurs('scenarios/bench/seq-retry-bug.yaml', {});
  const v = o.violations.find((x) => x.kind === 'stale-spte');
  log({
    ...empty('mirrorlab (bug)', '1x3'),
    states: o.states,
    transitions: o.transitions,
    seconds: round(o.seconds),
    searchSeconds: o.searchSeconds,
    // One per interleaving decision, as Spin's trail counts its statements.
    steps: v ? (v.schedulingPoints ?? v.steps) : null,
    ratio: spin.seconds ? round(o.seconds / spin.seconds) : null,
    note: v
      ? `found stale-spte: ${v.schedulingPoints ?? v.steps} scheduling points, ${v.steps} deliveries (Spin: one per statement)`
      : 'NOT FOUND',
  });
  log(spin);
}

// Samplers: schedules per second on a size too big to exhaust quickly.
for (const workers of [1, 2]) {
  const size = '2x3';
  try {
    const o = runOurs('scenarios/bench/seq-retry.yaml', { ndrv: 2, rounds: 3 }, [
      '--strategy',
      'pct',
      '--schedules',
      String(samples),
      '--workers',
      String(workers),
    ]);
    log({
      ...empty(`mirrorlab pct, ${workers} worker${workers > 1 ? 's' : ''}`, size),
      seconds: round(o.seconds),
      searchSeconds: o.searchSeconds,
      schedulesPerSecond: rate(o.schedules, o.searchSeconds),
      note: `${o.schedules} schedules, ${o.verdict}`,
    });
  } catch (e) {
    log({ ...empty(`mirrorlab pct, ${workers} workers`, size), note: `failed: ${(e as Error).message.slice(0, 200)}` });
  }
}

function graphRow(ndrv: number, rounds: number, size: string): Row {
  const t0 = performance.now();
  let map: ReturnType<typeof getAdjacencyMap>;
  try {
    map = getAdjacencyMap(seqRetryMachine(ndrv, rounds), {
      events: seqRetryEvents(ndrv),
      limit: graphLimit,
      serializeState: (s) => JSON.stringify(s.context),
    });
  } catch (e) {
    // xstate/graph throws when the traversal passes `limit` (3×2 does): the row says so, the
    // bench goes on to the other rows.
    const seconds = round((performance.now() - t0) / 1000);
    const why = (e as Error).message;
    const note = /limit/i.test(why) ? `stopped: more than GRAPH_LIMIT ${graphLimit} states` : `failed: ${why}`;
    return { ...empty('xstate/graph getAdjacencyMap', size), seconds, searchSeconds: seconds, note };
  }
  const seconds = (performance.now() - t0) / 1000;
  const states = Object.keys(map).length;
  let transitions = 0;
  for (const v of Object.values(map)) transitions += Object.keys(v.transitions).length;
  return {
    ...empty('xstate/graph getAdjacencyMap', size),
    states,
    transitions,
    seconds: round(seconds),
    searchSeconds: round(seconds),
    statesPerSecond: rate(states, seconds),
    note: states >= graphLimit ? `stopped at GRAPH_LIMIT ${graphLimit}` : 'complete',
  };
}

if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const cols: [string, (r: Row) => unknown][] = [
    ['tool', (r) => r.name],
    ['size', (r) => r.size],
    ['states', (r) => r.states],
    ['transitions', (r) => r.transitions],
    ['s to verdict', (r) => r.seconds],
    ['search s', (r) => r.searchSeconds],
    ['states/s', (r) => r.statesPerSecond],
    ['sched/s', (r) => r.schedulesPerSecond],
    ['B/state', (r) => r.bytesPerState],
    ['steps', (r) => r.steps],
    ['time ratio', (r) => r.ratio],
    ['states ratio', (r) => r.statesRatio],
    ['note', (r) => r.note],
  ];
  const cells = rows.map((r) => cols.map(([, f]) => String(f(r) ?? '–')));
  const w = cols.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: string[]) => c.map((x, i) => x.padEnd(w[i])).join('  ');
  console.log([fmt(cols.map(([h]) => h)), fmt(w.map((n) => '-'.repeat(n))), ...cells.map(fmt)].join('\n'));
  console.log(
    "\ntime ratio: our seconds to verdict / Spin's (default reduction, spin -a + gcc + pan); states ratio: our states / Spin -DNOREDUCE states.",
  );
}
