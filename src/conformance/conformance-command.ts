/**
 * `mirrorlab conformance [path] [--json] [--only name] [--seeds n] [--variant v --seed s --strategy
 * random|pct]`: run the HMM selftest
 * conformance suite (scenarios/conformance) and print the test × variant table. Exit code 0
 * only when every test passes in every variant, 1 otherwise.
 */

import type { KernelVersion } from '../../machines/mm/kernel-version.ts';
import { envelope } from '../cli/ci/json-envelope.ts';
import { EXIT_CODE } from '../cli/exit-codes.ts';
import { progressLine } from '../cli/terminal/progress.ts';
import { CONFORMANCE_TIME_SECONDS, Deadline } from '../scenario/deadline.ts';
import { conformanceTable } from './report.ts';
import { runConformance } from './suite.ts';

export interface ConformanceCommandOptions {
  json?: boolean;
  only?: string[];
  seeds?: number;
  variant?: string;
  /** Only this kernel version (of those each test admits). */
  kernel?: KernelVersion;
  seed?: number;
  strategy?: 'random' | 'pct';
  /** No progress line on stderr. */
  quiet?: boolean;
  /** `--time S`: a budget for the whole suite (default CONFORMANCE_TIME_SECONDS). */
  time?: number;
}

export async function conformanceCommand(
  path: string,
  o: ConformanceCommandOptions,
  out: (s: string) => void,
): Promise<number> {
  const deadline = Deadline.after(o.time ?? CONFORMANCE_TIME_SECONDS);
  const seed = o.seed === undefined ? undefined : { seed: o.seed, strategy: o.strategy ?? 'random' };
  // Tests done so far, on a terminal only (the suite takes a minute or two).
  const progress = progressLine(process.stderr, o.quiet);
  const t0 = Date.now();
  let done = 0;
  let failed = 0;
  const report = await runConformance(path, {
    only: o.only,
    seeds: o.seeds,
    variant: o.variant,
    ...(o.kernel ? { kernels: [o.kernel] } : {}),
    seed,
    deadline,
    onResult(r) {
      done++;
      if (!r.pass) failed++;
      const secs = ((Date.now() - t0) / 1000).toFixed(0);
      progress.update(
        `conformance: ${done} test${done === 1 ? '' : 's'} done${failed ? `, ${failed} failing` : ''} (last: ${r.test} ${r.variant}), ${secs} s`,
      );
    },
  }).finally(() => progress.done());
  const totals = { tests: report.results.length, passed: report.results.length - failed, failed };
  // A failure is a failure however the run ended; a budget that only left tests unrun is inconclusive.
  const code = failed ? EXIT_CODE.differs : report.stoppedBy ? EXIT_CODE.inconclusive : report.pass ? 0 : 1;
  if (o.json) out(JSON.stringify(envelope('conformance', code, totals, report), null, 2));
  else {
    for (const line of conformanceTable(report)) out(line);
    const notRun = report.notRun ?? [];
    if (notRun.length)
      out(
        `stopped at --time ${deadline.seconds}: ${notRun.length} test${notRun.length === 1 ? '' : 's'} not run (${notRun.slice(0, 3).join(', ')}${notRun.length > 3 ? ', …' : ''}; --json lists them all); raise --time`,
      );
  }
  return code;
}
