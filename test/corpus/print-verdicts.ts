// Today's verdict of every corpus driver next to the one it must get and the one corpus.yaml
// records for today (to refresh `today` / drop `pendingOn` when a fix lands), or of the
// driver files given, scenario by scenario:
//   node bin/run-ts.mjs test/corpus/print-verdicts.ts [driver.ts ...]
import { batteryVerdict, verdictText } from './battery-verdict.ts';
import { CORPUS_DIR, loadCorpus } from './corpus-manifest.ts';

const corpus = loadCorpus();
const given = process.argv.slice(2);
const rows = given.length
  ? given.map((file) => ({ file, entry: null }))
  : corpus.drivers.map((entry) => ({ file: `${CORPUS_DIR}/${entry.file}`, entry }));
for (const { file, entry } of rows) {
  const v = await batteryVerdict(file, corpus.maxStates);
  const today = verdictText(v);
  console.log(`${file}: ${today}`);
  if (entry) {
    const must = verdictText({ breaks: [...entry.breaks].sort(), inconclusive: [], crashed: [] });
    const recorded = entry.today.replace(/\s+/g, ' ').trim();
    console.log(
      `    must: ${must}${entry.pendingOn ? ' (pendingOn)' : ''}; recorded today: ${recorded === today ? 'same' : recorded}`,
    );
    continue;
  }
  for (const r of v.runs) {
    const env = r.environment.length ? ` (environment: ${r.environment.join(',')})` : '';
    const what = r.crashed
      ? `CRASH ${r.crashed}`
      : r.skipped
        ? `skipped (${r.skipped})`
        : `${r.found.join(',') || '-'}${env}`;
    console.log(
      `    ${r.scenario.padEnd(28)} ${String(r.states).padStart(7)} ${r.complete ? 'complete' : 'PARTIAL '} ${what}`,
    );
  }
}
