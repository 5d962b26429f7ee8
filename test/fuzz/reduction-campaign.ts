/**
 * `npm run fuzz -- --reduction [NAMES] --time S [--seed N] [--max-states M] [--out DIR]`: the
 * reduction soundness property (test/explorer/reduction-property.test.ts) with fresh seeds for S
 * seconds. Each round draws a `bugScenario` and a search order, searches it in full and with each
 * reduction named (comma-separated; `por` is `{ por: true }`, any other name N is
 * `{ reduction: N }`; default `canonical,sleep`) within M states each (default 20 000), and replays every
 * reduced counterexample unreduced (reduction-check.ts). A disagreement, or a search that throws,
 * is saved under DIR as the scenario, the command that checks it and what went wrong.
 */
import fc from 'fast-check';
import type { ReductionMode } from '../../src/explorer/reduction/state-key.ts';
import { bugScenario, CORPUS } from './arbitraries.ts';
import { runRounds } from './campaign-rounds.ts';
import { checkReductions, type Reduction } from './reduction-check.ts';

export interface ReductionCampaign {
  seconds: number;
  baseSeed: number;
  outDir: string;
  /** The value after `--reduction`: reduction names, comma-separated. */
  names: string;
  maxStates: number;
}

/**
 * `por` is `{ por: true }` (the old name of sleep sets); any other name is the `reduction` option
 * of that name (`canonical`, `sleep`; a name the search does not know makes it throw, a failure).
 */
export function reductionsNamed(names: string): Reduction[] {
  return names.split(',').map((n) => (n === 'por' ? { por: true } : { reduction: n as ReductionMode }));
}

/** Runs the campaign, prints its summary line; returns the exit code (1 when a round failed). */
export async function reductionCampaign(o: ReductionCampaign): Promise<number> {
  const reductions = reductionsNamed(o.names);
  const counts = { ended: 0, withViolations: 0 };
  const strategies = new Set<string>();
  const r = await runRounds({
    ...o,
    name: 'reduction',
    cases: fc.tuple(bugScenario, fc.constantFrom('bfs' as const, 'dfs' as const)),
    text: ([{ text }]) => text,
    async check([{ text }, order]) {
      const c = await checkReductions(text, order, reductions, o.maxStates);
      if (c.ended) counts.ended++;
      if (c.ended && c.kinds.length) counts.withViolations++;
      for (const s of c.strategies) strategies.add(s);
      return c.failures;
    },
    why: ([, order], where) => `the reduced search disagrees with the full one (${where}, order ${order})`,
    command: ([, order], stem) =>
      `mirrorlab check ${stem}.yaml --allow-driver ${CORPUS} --strategy ${order} --max-states ${o.maxStates} [--por]`,
  });
  process.stdout.write(
    `fuzz --reduction ${o.names}: ${r.tail}: ${counts.ended} ended within ${o.maxStates} states, ${counts.withViolations} of them with violations (reduced searches: ${[...strategies].sort().join(', ')}); ${r.failed} failed${r.failed ? ` (saved under ${o.outDir})` : ''}\n`,
  );
  return r.failed ? 1 : 0;
}
