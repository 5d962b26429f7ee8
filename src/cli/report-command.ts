/**
 * `mirrorlab report <trace.json> [-o report.html]`: a saved counterexample as a self-contained
 * HTML page (src/report/html/): its sequence diagram and a step scrubber over every actor's
 * statechart, seq values, page tables and locks. Works offline; nothing is loaded from the network.
 */
import { readTrace } from '../check/trace-file.ts';
import { worldFor } from '../check/world-for.ts';
import { tracePage } from '../report/html/write-report.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';
import { writeFileAtomic } from './safe-write.ts';

export interface ReportOptions {
  output?: string;
  force?: boolean;
}

export async function reportCommand(path: string, o: ReportOptions, out: (s: string) => void): Promise<number> {
  const saved = readTrace(path);
  const driver = saved.driver ? { machine: await loadDriverModule(saved.driver), name: saved.driver } : undefined;
  const { world } = await worldFor(saved.scenarioFile, driver);
  const output = o.output ?? `${path.replace(/\.json$/, '')}.html`;
  writeFileAtomic(output, tracePage(world, saved, path), { force: o.force ?? false });
  out(`mirrorlab: wrote ${output} (open it in a browser; it needs no network)`);
  return 0;
}
