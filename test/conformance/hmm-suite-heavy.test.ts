/**
 * The two slowest conformance tests: migrate_multiple (ten rounds of 1024 device-private pages
 * faulted back by the CPU) and anon_teardown (a READ racing munmap, under the explorer's random
 * strategy for 20 seeds per variant: no crash, hang or read of freed memory).
 */
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/suite.ts';

describe('conformance suite (hmm-tests.c), long tests', () => {
  it('should pass migrate_multiple for both device kinds', async () => {
    const report = await runConformance('scenarios/conformance/hmm/migrate_multiple.yaml', { kernels: ['v6.12'] });
    for (const r of report.results) expect(r.firstMismatch, r.variant).toBeNull();
    expect(report.results).toHaveLength(2);
  });

  it('should survive every random schedule of anon_teardown in both variants', async () => {
    const report = await runConformance('scenarios/conformance/hmm/anon_teardown.yaml', { kernels: ['v6.12'] });
    expect(report.results).toHaveLength(2);
    for (const r of report.results) {
      expect(r.mode).toBe('random');
      expect(r.seeds).toHaveLength(20);
      expect(r.firstMismatch, r.variant).toBeNull();
    }
  });
});
