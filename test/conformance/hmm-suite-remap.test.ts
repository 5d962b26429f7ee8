/**
 * migrate_remap_fault (upstream after v6.12): 24 rounds of a 2 MiB region moved by mremap
 * (MAYMOVE|FIXED, with and without DONTUNMAP) before or after migrating it to the device, then
 * faulted back by the CPU. In a file of its own: it is the longest sequential test.
 */
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/suite.ts';

describe('conformance suite (hmm-tests.c), mremap', () => {
  it('should pass migrate_remap_fault for both device kinds on the upstream kernel', async () => {
    const report = await runConformance('scenarios/conformance/hmm/migrate_remap_fault.yaml');
    expect(report.results.map((r) => `${r.variant} ${r.kernel}`)).toEqual(['private upstream', 'coherent upstream']);
    for (const r of report.results) expect(r.firstMismatch, r.variant).toBeNull();
  });
});
