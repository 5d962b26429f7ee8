/**
 * The conformance suite: every scenario under a folder (scenarios/conformance by default) run
 * once per kernel version its `kernel:` admits (v6.12, upstream) and per variant it declares
 * (`variants:`, e.g. device-private and device-coherent), each a pass or a fail with the first
 * thing that differed.
 *
 * A scenario runs along the default schedule (sequential-run.ts), unless its `check:` names
 * the `random` strategy: then it runs one random schedule per seed (random-run.ts), as many
 * seeds as `check.schedules` (or `seeds`). Adding a test is adding a scenario file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type KernelVersion, kernelVersionsOf } from '../../machines/mm/kernel-version.ts';
import type { Deadline } from '../scenario/deadline.ts';
import { compileScenario } from '../scenario/driver-module.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { loadScenario } from '../scenario/load.ts';
import { settle } from '../scenario/settle.ts';
import { runRandomSeed, type SeedOutcome } from './random-run.ts';
import { runSequential } from './sequential-run.ts';

export interface FirstMismatch {
  /** Where: `thread:main op 5 (ioctl)`, or the problem kind (`deadlock`, `use-after-free`, ...). */
  where: string;
  expected: unknown;
  got: unknown;
}

export interface ConformanceResult {
  test: string;
  file: string;
  variant: string;
  /** The kernel version the model behaved as (each test runs on every version its `kernel:` admits). */
  kernel: KernelVersion;
  /** The variant's params (what `--param` would set to run it alone). */
  params: Record<string, ParamValue>;
  mode: 'sequential' | 'random';
  pass: boolean;
  firstMismatch: FirstMismatch | null;
  steps: number;
  elapsedMs: number;
  /** Random mode: one outcome per seed. */
  seeds?: SeedOutcome[];
}

export interface ConformanceReport {
  results: ConformanceResult[];
  pass: boolean;
  /** `time` when the budget (`outOfTime`) stopped the suite: `notRun` lists what it left. */
  stoppedBy?: 'time';
  /** Tests not run (or cut midway) as `test [variant, kernel]`. */
  notRun?: string[];
}

export interface ConformanceOptions {
  /** Only tests whose name or file contains one of these. */
  only?: string[];
  /** Seeds for random-mode tests (default: the scenario's check.schedules, else 20). */
  seeds?: number;
  /** Only this variant (a report's replay hint names the failing one). */
  variant?: string;
  /** Random-mode tests run this one seed alone, under this strategy (the replay of a failing seed). */
  seed?: { seed: number; strategy: 'random' | 'pct' };
  /** Only these kernel versions (default: every version each test admits). */
  kernels?: KernelVersion[];
  onResult?: (r: ConformanceResult) => void;
  /** A time budget, asked between tests, seeds and every 1024 steps: true stops the suite there. */
  outOfTime?: () => boolean;
  /**
   * The suite's time budget (`conformance --time`): asked as `outOfTime` is (when that is not
   * given), and also inside one test's loading, driver import and set-up, so a single slow test
   * cannot overrun it. A test it cuts is not run.
   */
  deadline?: Deadline;
}

/** Scenario files under `path` (a file or a folder), sorted. */
export function conformanceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const full = join(path, name);
      if (statSync(full).isDirectory()) return conformanceFiles(full);
      return /\.ya?ml$/.test(name) ? [full] : [];
    });
}

export async function runConformance(
  path = 'scenarios/conformance',
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const results: ConformanceResult[] = [];
  const notRun: string[] = [];
  const { deadline } = options;
  const outOfTime = options.outOfTime ?? (deadline ? () => deadline.passed() : () => false);
  for (const file of conformanceFiles(path)) {
    const base = loadScenario(file);
    const test = base.scenario.name ?? relative(path, file);
    if (options.only?.length && !options.only.some((o) => test.includes(o) || file.includes(o))) continue;
    const variants = base.scenario.variants ?? { default: {} };
    const kernels = kernelVersionsOf(base.scenario.kernel).filter(
      (k) => !options.kernels || options.kernels.includes(k),
    );
    for (const kernel of kernels) {
      for (const [variant, params] of Object.entries(variants)) {
        if (options.variant !== undefined && variant !== options.variant) continue;
        const r = outOfTime()
          ? null
          : await runOne(file, test, { variant, kernel }, params as Record<string, ParamValue>, options, outOfTime);
        if (!r) {
          notRun.push(`${test} [${variant}, ${kernel}]`);
          continue;
        }
        results.push(r);
        options.onResult?.(r);
      }
    }
  }
  const pass = results.length > 0 && results.every((r) => r.pass);
  return notRun.length ? { results, pass: false, stoppedBy: 'time', notRun } : { results, pass };
}

async function runOne(
  file: string,
  test: string,
  run: { variant: string; kernel: KernelVersion },
  params: Record<string, ParamValue>,
  options: ConformanceOptions,
  outOfTime: () => boolean,
): Promise<ConformanceResult | null> {
  const t0 = performance.now();
  const base = { test, file, ...run, params };
  let compiled: Awaited<ReturnType<typeof compileScenario>>;
  let specs: ReturnType<typeof settle>;
  const { deadline } = options;
  try {
    compiled = await compileScenario(loadScenario(file, params), {
      kernel: run.kernel,
      importSeconds: deadline?.importSeconds(),
    });
    specs = settle(compiled, deadline);
  } catch (e) {
    // The budget ran out inside this test's loading or set-up: it is not run, like one not reached.
    if (outOfTime()) return null;
    const firstMismatch = { where: 'set-up', expected: 'the scenario compiles and settles', got: (e as Error).message };
    return { ...base, mode: 'sequential', pass: false, firstMismatch, steps: 0, elapsedMs: elapsed(t0) };
  }
  const check = compiled.scenario.check;
  if (check.strategy === 'random') {
    const n = options.seeds ?? check.schedules ?? 20;
    // Uniform random schedules interleave finely (the unmap almost always lands inside the
    // READ); PCT schedules run one actor for long stretches, so some READs win the race and
    // their success-side checks (cpages, faults, data) run too.
    // The n seeds are split: the first half uniform random, the rest PCT.
    const half = Math.ceil(n / 2);
    const one = options.seed;
    const runs = one
      ? [{ seed: one.seed, strategy: one.strategy }]
      : Array.from({ length: n }, (_, k) => ({
          seed: k + 1,
          strategy: k < half ? ('random' as const) : ('pct' as const),
        }));
    const seeds: SeedOutcome[] = [];
    for (const run of runs) {
      // A seed the budget cut, or not reached, leaves the test unjudged: the caller lists it as not run.
      const s = outOfTime() ? null : runRandomSeed(specs, run.seed, check.maxDepth, run.strategy, outOfTime);
      if (!s || s.outOfTime) return null;
      seeds.push(s);
    }
    const bad = seeds.find((s) => !s.ok);
    const firstMismatch = bad
      ? { where: `seed ${bad.seed} (${bad.strategy})`, expected: 'no violation', got: bad.problem }
      : null;
    const steps = seeds.reduce((n, s) => n + s.steps, 0);
    return { ...base, mode: 'random', pass: !bad, firstMismatch, steps, elapsedMs: elapsed(t0), seeds };
  }
  const out = runSequential(specs, undefined, outOfTime);
  if (out.outOfTime) return null;
  let firstMismatch: FirstMismatch | null = null;
  for (const t of out.threads) {
    const m = t.context.mismatches?.[0];
    if (m) {
      firstMismatch = { where: `${t.id} op ${m.op} (${m.label})`, expected: m.expected, got: m.got };
      break;
    }
  }
  if (!firstMismatch && out.problems.length) {
    const p = out.problems[0];
    firstMismatch = { where: p.kind, expected: `no ${p.kind}`, got: p.message };
  }
  if (!firstMismatch) {
    const t = out.threads.find((x) => !x.done);
    if (t) firstMismatch = { where: t.id, expected: 'every op answered', got: 'the thread did not finish' };
  }
  return { ...base, mode: 'sequential', pass: !firstMismatch, firstMismatch, steps: out.steps, elapsedMs: elapsed(t0) };
}

function elapsed(t0: number): number {
  return Math.round(performance.now() - t0);
}
