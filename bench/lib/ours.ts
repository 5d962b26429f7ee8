/**
 * mirrorlab on the seq-retry scenarios, timed the way a user waits for it: a fresh
 * `mirrorlab check … --json` process, from spawn to exit, with every default monitor.
 */
import { spawnSync } from 'node:child_process';
import { freshBuild } from '../../bin/fresh-build.mjs';

export interface OurRun {
  states: number;
  transitions: number;
  /** Spawn to exit. */
  seconds: number;
  /** The search alone, as the tool reports it. */
  searchSeconds: number;
  schedules: number;
  visitedBytes: number;
  complete: boolean;
  /** `schedulingPoints`: the steps but the returns taken in the step that answered them. */
  violations: { kind: string; steps: number; schedulingPoints: number | null }[];
  verdict: string;
}

export function runOurs(scenario: string, params: Record<string, number>, extra: string[] = []): OurRun {
  // bin/mirrorlab.mjs runs the TypeScript sources through tsx when dist/ is older than them,
  // which starts half a second slower: a time to verdict measured so is not the product's.
  if (!freshBuild(process.cwd()))
    throw new Error('dist/ is older than the sources: run `npm run build` first (the bench times the built CLI)');
  const args = ['bin/mirrorlab.mjs', 'check', scenario, '--json', '--max-states', '200000000', ...extra];
  for (const [k, v] of Object.entries(params)) args.push('--param', `${k}=${v}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  let out: unknown;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    throw new Error(`mirrorlab check ${scenario} gave no JSON (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  }
  // `check --json` writes one document (format mirrorlab.check) whose `scenarios` holds the run.
  const o = (out as { scenarios: unknown[] }).scenarios[0] as {
    verdict: string;
    stats: {
      states: number;
      transitions: number;
      elapsedMs: number;
      schedules: number;
      visitedBytes?: number;
      complete: boolean;
    };
    violations: { kind: string; steps: number; schedulingPoints: number | null }[];
  };
  return {
    states: o.stats.states,
    transitions: o.stats.transitions,
    seconds,
    searchSeconds: o.stats.elapsedMs / 1000,
    schedules: o.stats.schedules,
    visitedBytes: o.stats.visitedBytes ?? 0,
    complete: o.stats.complete,
    violations: o.violations.map((v) => ({ kind: v.kind, steps: v.steps, schedulingPoints: v.schedulingPoints })),
    verdict: o.verdict,
  };
}
