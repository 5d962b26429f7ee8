// Issue 10 item 9: fast-check properties with fixed seeds, capped to stay light in `npm test`
// (longer campaigns: `npm run fuzz -- --time S`, test/fuzz/campaign.ts; figures in
// docs/reliability.md).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { correctScenario, mutatedScenario, validScenario } from '../fuzz/arbitraries.ts';
import { runCaptured, STACK_LINE } from './capture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-properties-'));
let n = 0;
const write = (text: string): string => {
  const file = join(tmp, `case-${n++}.yaml`);
  writeFileSync(file, text);
  return file;
};

describe('fuzz properties (fixed seeds)', () => {
  it('random valid scenarios never give bad input or an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(validScenario, async ({ text }) => {
        const r = await runCaptured('check', write(text), '--max-states', '2000');
        expect([0, 1, 3], `${text}\n${r.out}\n${r.err}`).toContain(r.code);
        expect(r.out + r.err).not.toMatch(STACK_LINE);
      }),
      { seed: 1001, numRuns: 10 },
    );
  }, 120_000);

  it('mutated scenarios are a verdict or located bad input, never an internal error or a stack', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedScenario, async (text) => {
        const r = await runCaptured('check', write(text), '--max-states', '2000');
        expect([0, 1, 2, 3], `${text}\n${r.out}\n${r.err}`).toContain(r.code);
        expect(r.out + r.err).not.toMatch(STACK_LINE);
        if (r.code === 2) expect(r.out).toMatch(/case-\d+\.yaml(:\d+:\d+)?: /);
      }),
      { seed: 1002, numRuns: 30 },
    );
  }, 120_000);

  it('random schedules of the built-in drivers as designed never report a violation', async () => {
    await fc.assert(
      fc.asyncProperty(correctScenario, fc.nat(1_000_000), async ({ text }, seed) => {
        const o = await checkScenario(write(text), { strategy: 'random', seed, schedules: 200 });
        expect(
          o.violations.map((v) => v.kind),
          text,
        ).toEqual([]);
      }),
      { seed: 1003, numRuns: 10 },
    );
  }, 120_000);

  const PLANTED = ['missing-set-seq', 'retry-outside-lock', 'registration-cache-unpinned', 'oom-reaper-sleeps'];
  it('planted bugs are always found by pct within its default 10,000 schedules, whatever the seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PLANTED), fc.nat(2 ** 31 - 1), async (seedFile, seed) => {
        const o = await checkScenario(`scenarios/seeds/${seedFile}.yaml`, { strategy: 'pct', seed, minimize: false });
        expect(o.violations.map((v) => v.kind).sort(), `${seedFile} --seed ${seed}`).toEqual([...o.expected].sort());
      }),
      { seed: 1004, numRuns: 8 },
    );
  }, 180_000);
});
