/**
 * `npm run bench:sampling`: how fast the samplers run and how soon they find each bundled
 * planted bug (docs/performance.md, "Sampling"). For every scenario with an expected violation
 * and every strategy, RUNS sampling runs with base seeds 1..RUNS of SCHEDULES schedules each
 * (every default monitor, one thread): the schedules per second and steps per schedule, and
 * per expected violation kind in how many runs it was found, the mean number of schedules to
 * find it (schedules run up to and including the finding one: 1/p for a per-schedule find
 * probability p), and the median and worst index of the schedule that first found it. `-` marks a kind only a run's end can conclude
 * (potential-deadlock: lockdep's cycles over all schedules).
 *
 * Environment: RUNS (default 10), SCHEDULES (default 1000), STRATEGIES (default
 * random,pct,swarm), SCENARIOS (files, comma-separated; default the planted bugs), PCT_DEPTH,
 * JSON=1 (rows as JSON). `CORPUS=1` instead runs the driver corpus's buggy drivers (those
 * with no `pendingOn`, examples/drivers/corpus/corpus.yaml) on the battery (scenarios/seeds),
 * each strategy with seeds 1..RUNS (default 3) at SCHEDULES per scenario, and prints per driver
 * which of the properties it `breaks` each run found. `RATE=1` instead times long runs for the rate alone: seq-retry-bug with
 * rounds=6 (~200 steps a schedule), 1 and 2 workers (WORKERS, default "1,2").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse as parseYaml } from 'yaml';
import { checkScenario } from '../src/check/check-scenario.ts';
import { sampleInWorkers } from '../src/check/sample-workers.ts';
import { worldFor } from '../src/check/world-for.ts';
import { scenarioFiles } from '../src/cli/scenario-files.ts';
import type { SearchResult } from '../src/explorer/search-types.ts';
import { type SamplingStrategy, samplingSearch } from '../src/explorer/strategies/sampling.ts';
import { defaultMonitors } from '../src/monitors/index.ts';
import { loadDriverModule } from '../src/scenario/driver-module.ts';
import { loadScenario } from '../src/scenario/load.ts';

/** Every bundled scenario with a planted bug: an expected violation in its `expect:`. */
const PLANTED = scenarioFiles(['scenarios/seeds', 'scenarios/bench']).filter(
  (f) => loadScenario(f).scenario.expect.violations.length > 0,
);

const env = process.env;
const runs = Number(env.RUNS ?? 10);
const schedules = Number(env.SCHEDULES ?? 1000);
const strategies = (env.STRATEGIES ?? 'random,pct,swarm').split(',') as SamplingStrategy[];
const files = env.SCENARIOS ? env.SCENARIOS.split(',') : PLANTED;
const pctDepth = env.PCT_DEPTH ? Number(env.PCT_DEPTH) : undefined;

interface Row {
  scenario: string;
  strategy: string;
  schedulesPerSecond: number;
  stepsPerSchedule: number;
  kinds: Record<
    string,
    { found: number; runs: number; mean: number | null; median: number | null; worst: number | null }
  >;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

if (env.RATE === '1') {
  await rate();
  process.exit(0);
}
if (env.CORPUS === '1') {
  await corpus();
  process.exit(0);
}

/**
 * Schedules per second on long runs: seq-retry (clean, rounds=6: ~200 steps a schedule), one
 * thread in this process (world built first, not timed) and N worker threads (timed from the
 * start of the workers, world building and start-up included; "search alone" divides by the
 * slowest worker's own search time).
 */
async function rate(): Promise<void> {
  // What this machine gives to N threads right now (a shared VM may give less than N cores): a
  // fixed CPU-bound loop per worker, 1 and N at once. Sampling can scale no better than this.
  const loop =
    "let x = 0; for (let i = 0; i < 1e9; i++) x ^= Math.imul(i, 7); require('node:worker_threads').parentPort.postMessage(x);";
  for (const workers of (env.WORKERS ?? '1,2').split(',').map(Number)) {
    const t0 = performance.now();
    await Promise.all(
      Array.from(
        { length: workers },
        () => new Promise((done) => new Worker(loop, { eval: true }).once('message', done)),
      ),
    );
    const s = (performance.now() - t0) / 1000;
    console.log(
      `control workers ${workers}: ${workers} × the same CPU loop in ${s.toFixed(2)} s: ${(workers / s).toFixed(2)} loops/s`,
    );
  }
  const file = env.RATE_SCENARIO ?? 'scenarios/bench/seq-retry.yaml';
  const params = { rounds: Number(env.ROUNDS ?? 6) };
  const n = Number(env.SCHEDULES ?? 20000);
  for (const strategy of strategies) {
    for (const workers of (env.WORKERS ?? '1,2').split(',').map(Number)) {
      const t0 = performance.now();
      let r: SearchResult;
      if (workers === 1) {
        const { world } = await worldFor(file, undefined, params);
        r = samplingSearch(world, strategy, { monitors: defaultMonitors(), schedules: n, seed: 1, pctDepth });
      } else {
        r = await sampleInWorkers({ file, params }, strategy, { schedules: n, seed: 1, pctDepth }, workers);
      }
      const s = (performance.now() - t0) / 1000;
      const steps = Math.round(r.stats.transitions / r.stats.schedules);
      console.log(
        `${strategy.padEnd(7)} workers ${workers}: ${n} schedules of ${steps} steps in ${s.toFixed(2)} s: ${Math.round(n / s)} schedules/s (search alone: ${Math.round(n / (Math.max(...(r.stats.workerElapsedMs ?? [r.stats.elapsedMs])) / 1000))}/s)`,
      );
    }
  }
}

/** The corpus's buggy drivers on the battery: does each strategy find what each driver breaks? */
async function corpus(): Promise<void> {
  const dir = 'examples/drivers/corpus';
  const manifest = parseYaml(readFileSync(`${dir}/corpus.yaml`, 'utf8')) as {
    drivers: Record<string, { file: string; breaks: string[]; pendingOn?: string }>;
  };
  const corpusRuns = Number(env.RUNS ?? 3);
  for (const [name, d] of Object.entries(manifest.drivers)) {
    if (!d.file.startsWith('buggy/') || d.pendingOn) continue;
    const path = resolve(dir, d.file);
    const driver = { machine: await loadDriverModule(path), name: path };
    const cells: string[] = [];
    for (const strategy of strategies) {
      let complete = 0;
      let ms = 0;
      for (let seed = 1; seed <= corpusRuns; seed++) {
        const found = new Set<string>();
        for (const file of scenarioFiles(['scenarios/seeds'])) {
          const c = await checkScenario(file, { strategy, seed, schedules, driver, minimize: false, pctDepth });
          for (const v of c.violations) found.add(v.kind);
          ms += c.stats.elapsedMs;
        }
        if (d.breaks.every((k) => found.has(k))) complete++;
      }
      cells.push(`${strategy} ${complete}/${corpusRuns} (${(ms / corpusRuns / 1000).toFixed(1)} s)`);
    }
    console.log(`${name.padEnd(28)} breaks ${d.breaks.join(',').padEnd(44)} ${cells.join('  ')}`);
  }
}

const rows: Row[] = [];
/** `file@key=value@key=value`: a scenario with params. */
function parse(spec: string): { file: string; params: Record<string, number> } {
  const [file, ...kv] = spec.split('@');
  return { file, params: Object.fromEntries(kv.map((x) => [x.split('=')[0], Number(x.split('=')[1])])) };
}

for (const spec of files) {
  const { file, params } = parse(spec);
  const { compiled } = await worldFor(file, undefined, params);
  const expected = compiled.scenario.expect.violations;
  for (const strategy of strategies) {
    let ms = 0;
    let ran = 0;
    let steps = 0;
    const at: Record<string, number[]> = Object.fromEntries(expected.map((k) => [k, []]));
    const found: Record<string, number> = Object.fromEntries(expected.map((k) => [k, 0]));
    for (let seed = 1; seed <= runs; seed++) {
      // A fresh world per run: what a `mirrorlab check` process starts with.
      const { world } = await worldFor(file, undefined, params);
      const r = samplingSearch(world, strategy, { monitors: defaultMonitors(), schedules, seed, pctDepth });
      ms += r.stats.elapsedMs;
      ran += r.stats.schedules;
      steps += r.stats.transitions;
      for (const v of r.violations) {
        if (!(v.kind in found)) continue;
        found[v.kind]++;
        if (v.schedule) at[v.kind].push(v.schedule.index);
      }
    }
    const row: Row = {
      scenario: (compiled.scenario.name ?? file) + spec.slice(file.length),
      strategy,
      schedulesPerSecond: Math.round((ran / ms) * 1000),
      stepsPerSchedule: Math.round(steps / ran),
      kinds: Object.fromEntries(
        expected.map((k) => [
          k,
          {
            found: found[k],
            runs,
            // Schedules per find: the runs' schedules up to and including the finding one, over
            // the finds (1/p for a per-schedule find probability p).
            mean: at[k].length ? Math.round(at[k].reduce((n, i) => n + i + 1, 0) / at[k].length) : null,
            median: median(at[k]),
            worst: at[k].length ? Math.max(...at[k]) : null,
          },
        ]),
      ),
    };
    rows.push(row);
    if (env.JSON !== '1') {
      const kinds = Object.entries(row.kinds)
        .map(
          ([k, v]) =>
            `${k} ${v.found}/${v.runs} (mean ${v.mean ?? '-'}, median ${v.median ?? '-'}, worst ${v.worst ?? '-'})`,
        )
        .join('; ');
      console.log(
        `${row.scenario.padEnd(28)} ${strategy.padEnd(7)} ${String(row.schedulesPerSecond).padStart(6)} sched/s ${String(row.stepsPerSchedule).padStart(4)} steps  ${kinds}`,
      );
    }
  }
}
if (env.JSON === '1') console.log(JSON.stringify(rows, null, 2));
