/**
 * `mirrorlab conformance [path] [--json] [--only name] [--seeds n]`: run the HMM selftest
 * conformance suite (scenarios/conformance) and print the test × variant table. Exit code 0
 * only when every test passes in every variant, 1 otherwise.
 */
import { conformanceTable } from './report.ts';
import { runConformance } from './suite.ts';

export interface ConformanceCommandOptions {
  json?: boolean;
  only?: string[];
  seeds?: number;
}

export async function conformanceCommand(
  path: string,
  o: ConformanceCommandOptions,
  out: (s: string) => void,
): Promise<number> {
  const report = await runConformance(path, { only: o.only, seeds: o.seeds });
  if (o.json) out(JSON.stringify(report, null, 2));
  else for (const line of conformanceTable(report)) out(line);
  return report.pass ? 0 : 1;
}
