/**
 * `npm run fuzz -- --conformance --time S [--seed N] [--out DIR]`: the random-mode conformance
 * tests (scenarios/conformance whose `check:` names the random strategy: anon_teardown) on fresh
 * schedules. `mirrorlab conformance` runs each on seeds 1..n (its `check.schedules`: the first
 * half uniform random, the rest PCT) and the suite on a few of them
 * (test/conformance/hmm-suite-heavy.test.ts); here each round is one seed drawn at random, under
 * uniform random or PCT, in every variant and kernel version the test admits, judged as the
 * suite judges it: no crash, hang, read of freed memory or failed expectation.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { conformanceFiles, runConformance } from '../../src/conformance/suite.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { runRounds } from './campaign-rounds.ts';

export interface ConformanceCampaign {
  seconds: number;
  baseSeed: number;
  outDir: string;
}

/** The conformance tests that run random schedules rather than the default one. */
const randomModeTests = () =>
  conformanceFiles('scenarios/conformance').filter((f) => loadScenario(f).scenario.check?.strategy === 'random');

/** Runs the campaign, prints its summary line; returns the exit code (1 when a round failed). */
export async function conformanceCampaign(o: ConformanceCampaign): Promise<number> {
  let schedules = 0;
  const r = await runRounds({
    ...o,
    name: 'conformance',
    cases: fc.record({
      file: fc.constantFrom(...randomModeTests()),
      strategy: fc.constantFrom('random' as const, 'pct' as const),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
    }),
    text: ({ file }) => readFileSync(file, 'utf8'),
    async check({ file, strategy, seed }) {
      const report = await runConformance(file, { seed: { seed, strategy } });
      schedules += report.results.length;
      return report.results
        .filter((x) => x.firstMismatch)
        .map(
          (x) =>
            `${x.test} [${x.variant}, ${x.kernel}] ${x.firstMismatch!.where}: ${JSON.stringify(x.firstMismatch!.got)}`,
        );
    },
    why: ({ strategy, seed }, where) => `a ${strategy} schedule (seed ${seed}) fails the test (${where})`,
    command: ({ file, strategy, seed }) => `mirrorlab conformance ${file} --seed ${seed} --strategy ${strategy}`,
  });
  process.stdout.write(
    `fuzz --conformance: ${r.tail}: ${schedules} schedules run; ${r.failed} failed${r.failed ? ` (saved under ${o.outDir})` : ''}\n`,
  );
  return r.failed ? 1 : 0;
}
