/**
 * `npm run bench:rate -- 2x2 1x10 2x3`: exploration speed as a user sees it. Runs
 * `mirrorlab check scenarios/bench/seq-retry.yaml --param ndrv=N --param rounds=R --json` (every
 * default monitor, breadth-first, a fresh process each time) REPS times per size (default 3) and
 * prints each run's states, transitions, time, `statesPerSecond` and verdict, then the range.
 * A run whose verdict is not the scenario's `expect:` is marked: a fast wrong search is no result.
 * Environment: REPS, ARGS (more `check` options, e.g. "--threads 2" or "--por").
 */
import { spawnSync } from 'node:child_process';

interface Run {
  states: number;
  transitions: number;
  elapsedMs: number;
  rate: number;
  verdict: string;
}

const sizes = process.argv.slice(2).length ? process.argv.slice(2) : ['2x2', '1x10'];
const reps = Number(process.env.REPS ?? 3);
const extra = (process.env.ARGS ?? '').split(' ').filter(Boolean);

function run(ndrv: string, rounds: string): Run {
  const args = ['bin/mirrorlab.mjs', 'check', 'scenarios/bench/seq-retry.yaml', '--param', `ndrv=${ndrv}`];
  args.push('--param', `rounds=${rounds}`, '--max-states', '200000000', '--json', ...extra);
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  // 3: inconclusive, e.g. stopped at the memory budget (docs/driver-protocol.md, exit codes).
  if (p.status !== 0 && p.status !== 1 && p.status !== 3)
    throw new Error(`mirrorlab check failed (exit ${p.status}): ${p.stderr}`);
  // `check --json` writes one document (format mirrorlab.check) whose `scenarios` holds the run.
  const result = JSON.parse(p.stdout).scenarios[0];
  const s = result.stats;
  return {
    states: s.states,
    transitions: s.transitions,
    elapsedMs: s.elapsedMs,
    rate: s.statesPerSecond,
    verdict: result.inconclusive
      ? `INCONCLUSIVE (stopped by ${s.stoppedBy})`
      : result.ok
        ? 'matches expect'
        : 'DOES NOT MATCH expect',
  };
}

const M = (x: number) => `${(x / 1e6).toFixed(2)} M`;
console.log(`seq-retry, every default monitor, breadth-first${extra.length ? `, ${extra.join(' ')}` : ''}`);
for (const size of sizes) {
  const [ndrv, rounds] = size.split('x');
  const rates: number[] = [];
  for (let k = 0; k < reps; k++) {
    const r = run(ndrv, rounds);
    rates.push(r.rate);
    const verdict = r.verdict;
    console.log(
      `  ${size}  ${r.states} states  ${r.transitions} transitions  ${(r.elapsedMs / 1000).toFixed(2)} s  ${M(r.rate)} states/s  ${verdict}`,
    );
  }
  console.log(`  ${size}  range ${M(Math.min(...rates))}–${M(Math.max(...rates))} states/s over ${reps} runs`);
}
