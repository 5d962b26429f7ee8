/**
 * `npm run fuzz -- --reduction [NAMES] --time S [--seed N] [--max-states M] [--out DIR]`: the
 * reduction soundness property (test/explorer/reduction-property.test.ts) with fresh seeds for S
 * seconds. Each round draws a `bugScenario` and a search order, searches it in full and with each
 * reduction named (comma-separated; `por` is `{ por: true }`, any other name N is
 * `{ reduction: N }`; default `canonical,sleep`) within M states each (default 20 000), and replays every
 * reduced counterexample unreduced (reduction-check.ts). A disagreement, or a search that throws,
 * is saved under DIR as the scenario, the command that checks it and what went wrong.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ReductionMode } from '../../src/explorer/reduction/state-key.ts';
import { bugScenario, CORPUS } from './arbitraries.ts';
import { checkReductions, type Reduction } from './reduction-check.ts';

const BATCH = 100;

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
  const cases = fc.tuple(bugScenario, fc.constantFrom('bfs' as const, 'dfs' as const));
  const counts = { rounds: 0, ended: 0, withViolations: 0, failed: 0 };
  const strategies = new Set<string>();
  const t0 = performance.now();
  // fast-check draws the first cases of a run small (its bias grows with the run), so a round is
  // one case of a batch of BATCH from one seed, not the first case of a seed of its own.
  let batch: [{ text: string }, 'bfs' | 'dfs'][] = [];
  for (let round = 0; performance.now() - t0 < o.seconds * 1000; round++) {
    const seed = o.baseSeed + Math.floor(round / BATCH);
    if (round % BATCH === 0) batch = fc.sample(cases, { seed, numRuns: BATCH });
    const [{ text }, order] = batch[round % BATCH];
    let failures: string[];
    try {
      const c = await checkReductions(text, order, reductions, o.maxStates);
      failures = c.failures;
      if (c.ended) counts.ended++;
      if (c.ended && c.kinds.length) counts.withViolations++;
      for (const s of c.strategies) strategies.add(s);
    } catch (e) {
      failures = [`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`];
    }
    counts.rounds++;
    if (failures.length) {
      counts.failed++;
      mkdirSync(o.outDir, { recursive: true });
      const stem = join(o.outDir, `reduction-${round}`);
      writeFileSync(`${stem}.yaml`, text);
      const command = `mirrorlab check ${stem}.yaml --allow-driver ${CORPUS} --strategy ${order} --max-states ${o.maxStates}`;
      writeFileSync(
        `${stem}.txt`,
        `why: the reduced search disagrees with the full one (seed ${seed}, case ${round % BATCH} of ${BATCH}, order ${order})\ncommand: ${command} [--por]\n\n${failures.join('\n')}\n`,
      );
      process.stderr.write(`fuzz: reduction round ${round} failed (${failures[0]}): saved ${stem}.yaml\n`);
    }
  }
  const elapsed = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `fuzz --reduction ${o.names}: ${counts.rounds} rounds in ${elapsed} s from seed ${o.baseSeed} (${BATCH} cases a seed): ${counts.ended} ended within ${o.maxStates} states, ${counts.withViolations} of them with violations (reduced searches: ${[...strategies].sort().join(', ')}); ${counts.failed} failed${counts.failed ? ` (saved under ${o.outDir})` : ''}\n`,
  );
  return counts.failed ? 1 : 0;
}
