/**
 * The loop of the round-by-round fuzz campaigns (reduction-campaign.ts, monitor-campaign.ts):
 * draw cases for a number of seconds, check each, and keep every failing one (its scenario, the
 * command that shows it, what went wrong) under the campaign's folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const BATCH = 100;

export interface Rounds<C> {
  seconds: number;
  baseSeed: number;
  outDir: string;
  /** The file names' prefix of a failing case (`reduction`: `reduction-12.yaml`). */
  name: string;
  cases: fc.Arbitrary<C>;
  /** The scenario text of a case. */
  text(c: C): string;
  /** What went wrong with a case, one line each (empty: nothing). */
  check(c: C): Promise<string[]>;
  /** Why a failing case is kept, and the command that shows it (given its saved path without `.yaml`). */
  why(c: C, where: string): string;
  command(c: C, stem: string): string;
}

/** Runs rounds for `o.seconds`; returns how many ran and how many failed, and the summary's tail. */
export async function runRounds<C>(o: Rounds<C>): Promise<{ rounds: number; failed: number; tail: string }> {
  const counts = { rounds: 0, failed: 0 };
  const t0 = performance.now();
  // fast-check draws the first cases of a run small (its bias grows with the run), so a round is
  // one case of a batch of BATCH from one seed, not the first case of a seed of its own.
  let batch: C[] = [];
  for (let round = 0; performance.now() - t0 < o.seconds * 1000; round++) {
    const seed = o.baseSeed + Math.floor(round / BATCH);
    if (round % BATCH === 0) batch = fc.sample(o.cases, { seed, numRuns: BATCH });
    const c = batch[round % BATCH];
    let failures: string[];
    try {
      failures = await o.check(c);
    } catch (e) {
      failures = [`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`];
    }
    counts.rounds++;
    if (failures.length === 0) continue;
    counts.failed++;
    mkdirSync(o.outDir, { recursive: true });
    const stem = join(o.outDir, `${o.name}-${round}`);
    writeFileSync(`${stem}.yaml`, o.text(c));
    const why = o.why(c, `seed ${seed}, case ${round % BATCH} of ${BATCH}`);
    writeFileSync(`${stem}.txt`, `why: ${why}\ncommand: ${o.command(c, stem)}\n\n${failures.join('\n')}\n`);
    process.stderr.write(`fuzz: ${o.name} round ${round} failed (${failures[0]}): saved ${stem}.yaml\n`);
  }
  const elapsed = ((performance.now() - t0) / 1000).toFixed(1);
  const tail = `${counts.rounds} rounds in ${elapsed} s from seed ${o.baseSeed} (${BATCH} cases a seed)`;
  return { ...counts, tail };
}
