// Check a scenario from Node with the package's public entry: every interleaving, the verdict
// against the scenario's expect:, and the shortest counterexample as a ladder.
//   node bin/run-ts.mjs examples/node/check-scenario.ts [scenario.yaml]   (in this repository)
//   npx tsx node_modules/mirrorlab/examples/node/check-scenario.ts         (with mirrorlab installed)
// Without an argument it checks a scenario bundled with the package (a planted missing set_seq).
import { fileURLToPath } from 'node:url';
import { checkScenario, renderLadder } from 'mirrorlab';

const file = process.argv[2] ?? fileURLToPath(import.meta.resolve('mirrorlab/scenarios/seeds/missing-set-seq.yaml'));
const outcome = await checkScenario(file);

const found = outcome.violations.map((v) => v.kind);
console.log(`${outcome.scenario}: ${outcome.verdict}`);
console.log(`  expected: ${outcome.expected.join(', ') || 'nothing'}; found: ${found.join(', ') || 'nothing'}`);
console.log(`  ${outcome.stats.states} states, complete: ${outcome.stats.complete}`);
if (outcome.mismatch) console.log(`  mismatch: ${outcome.mismatch}`);
if (outcome.inconclusive) console.log(`  inconclusive: ${outcome.inconclusive}`);
const first = outcome.violations[0];
if (first) {
  console.log(`\n${first.kind} in ${first.steps} steps: ${first.message}`);
  console.log(renderLadder(outcome.world, first.trace, first.loopFrom));
}
// 0 as expected, 1 a mismatch, 3 inconclusive: the CLI's exit codes.
process.exitCode = outcome.verdict === 'ok' ? 0 : outcome.verdict === 'mismatch' ? 1 : 3;
