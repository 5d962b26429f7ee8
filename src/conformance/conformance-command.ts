/**
 * `mirrorlab conformance [path] [--json] [--only name] [--seeds n] [--variant v --seed s --strategy
 * random|pct]`: run the HMM selftest
 * conformance suite (scenarios/conformance) and print the test × variant table. Exit code 0
 * only when every test passes in every variant, 1 otherwise.
 */
import { envelope } from '../cli/ci/json-envelope.ts';
import { conformanceTable } from './report.ts';
import { runConformance } from './suite.ts';

export interface ConformanceCommandOptions {
  json?: boolean;
  only?: string[];
  seeds?: number;
  variant?: string;
  seed?: number;
  strategy?: 'random' | 'pct';
}

export async function conformanceCommand(
  path: string,
  o: ConformanceCommandOptions,
  out: (s: string) => void,
): Promise<number> {
  const seed = o.seed === undefined ? undefined : { seed: o.seed, strategy: o.strategy ?? 'random' };
  const report = await runConformance(path, { only: o.only, seeds: o.seeds, variant: o.variant, seed });
  const failed = report.results.filter((r) => !r.pass).length;
  const totals = { tests: report.results.length, passed: report.results.length - failed, failed };
  if (o.json) out(JSON.stringify(envelope('conformance', report.pass ? 0 : 1, totals, report), null, 2));
  else for (const line of conformanceTable(report)) out(line);
  return report.pass ? 0 : 1;
}
