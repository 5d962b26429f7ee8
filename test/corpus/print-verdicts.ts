// Today's verdict of every corpus driver (or of the files given), scenario by scenario:
//   node bin/run-ts.mjs test/corpus/print-verdicts.ts [driver.ts ...]
import { readdirSync } from 'node:fs';
import { batteryVerdict, verdictText } from './battery-verdict.ts';

const CORPUS = 'examples/drivers/corpus';
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['buggy', 'correct'].flatMap((d) =>
      readdirSync(`${CORPUS}/${d}`)
        .filter((f) => f.endsWith('.ts'))
        .sort()
        .map((f) => `${CORPUS}/${d}/${f}`),
    );
for (const file of files) {
  const v = await batteryVerdict(file, Number(process.env.MAX_STATES ?? 500_000));
  console.log(`${file}: ${verdictText(v)}`);
  for (const r of v.runs) {
    const what = r.crashed ? `CRASH ${r.crashed}` : r.skipped ? `skipped (${r.skipped})` : r.found.join(',') || '-';
    console.log(
      `    ${r.scenario.padEnd(28)} ${String(r.states).padStart(7)} ${r.complete ? 'complete' : 'PARTIAL '} ${what}`,
    );
  }
}
