/**
 * The two slowest conformance tests: migrate_multiple (ten rounds of 1024 device-private pages
 * faulted back by the CPU) and anon_teardown (a READ racing munmap, under the explorer's random
 * strategy: no crash, hang or read of freed memory).
 * `mirrorlab conformance` runs anon_teardown on the 20 seeds its `check.schedules` asks for; the
 * suite runs 8 per variant, half uniform random and half PCT, which still see the READ both lose
 * the race (EFAULT) and win it (its copy checked). Fresh schedules beyond them:
 * `npm run fuzz -- --conformance --time S` (test/fuzz/conformance-campaign.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/suite.ts';

const TEARDOWN = 'scenarios/conformance/hmm/anon_teardown.yaml';
/** Seeds 1..n: the first half uniform random, the rest PCT (src/conformance/suite.ts). */
const SEEDS_1_TO_8 = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => `${k} ${k <= 4 ? 'random' : 'pct'}`);

describe('conformance suite (hmm-tests.c), long tests', () => {
  it('should pass migrate_multiple for both device kinds', async () => {
    const report = await runConformance('scenarios/conformance/hmm/migrate_multiple.yaml', { kernels: ['v6.12'] });
    for (const r of report.results) expect(r.firstMismatch, r.variant).toBeNull();
    expect(report.results).toHaveLength(2);
  });

  it('should survive random and PCT schedules of anon_teardown in both variants, the READ losing and winning the race', async () => {
    const report = await runConformance(TEARDOWN, { kernels: ['v6.12'], seeds: 8 });
    expect(report.results).toHaveLength(2);
    for (const r of report.results) {
      expect(r.mode).toBe('random');
      expect(r.seeds!.map((s) => `${s.seed} ${s.strategy}`)).toEqual(SEEDS_1_TO_8);
      // READ results over the seeds: EFAULT where the unmap lands inside it, 0 where it wins.
      const reads = new Set(r.seeds!.flatMap((s) => Object.keys(s.results.ioctl ?? {})));
      expect([...reads].sort()).toEqual(['-14', '0']);
      expect(r.firstMismatch, r.variant).toBeNull();
    }
  });

  it('should run a random-mode test on as many seeds as its check.schedules asks, without --seeds', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'conformance-')), 'anon_teardown.yaml');
    writeFileSync(file, readFileSync(TEARDOWN, 'utf8').replace('schedules: 20', 'schedules: 2'));
    const report = await runConformance(file, { kernels: ['v6.12'], variant: 'private' });
    expect(report.results.map((r) => r.seeds!.map((s) => `${s.seed} ${s.strategy}`))).toEqual([['1 random', '2 pct']]);
    expect(report.pass).toBe(true);
  });
});
