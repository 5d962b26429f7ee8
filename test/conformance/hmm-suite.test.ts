/**
 * The HMM selftest conformance suite (scenarios/conformance): every test × variant must pass.
 * The slowest tests (migrate_multiple, anon_teardown; migrate_remap_fault) run in
 * hmm-suite-heavy.test.ts and hmm-suite-remap.test.ts, so vitest can run the files at once.
 * Here each test runs on the first kernel version its `kernel:` admits (the model behaves the
 * same on later ones except where a test says so; `mirrorlab conformance` runs them all), and
 * the version-specific behaviour has its own tests below.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelVersionsOf } from '../../machines/mm/kernel-version.ts';
import { main } from '../../src/cli/main.ts';
import { conformanceTable } from '../../src/conformance/report.ts';
import { conformanceFiles, runConformance } from '../../src/conformance/suite.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const HEAVY = ['migrate_multiple', 'anon_teardown', 'migrate_remap_fault'];
/** Run on every kernel version they admit by the version-specific tests below, not again in the loop. */
const ON_EVERY_KERNEL = ['migrate_shared', 'migrate_anon_huge_fault'];
const files = conformanceFiles('scenarios/conformance').filter(
  (f) => ![...HEAVY, ...ON_EVERY_KERNEL].some((h) => f.includes(h)),
);

describe('conformance suite (hmm-tests.c)', () => {
  it('should cover the v6.12 selftests of docs/kernel-semantics.md §6.2–6.3 and §6.4 with scenarios', () => {
    const all = conformanceFiles('scenarios/conformance').map((f) => f.replace(/^.*\//, '').replace('.yaml', ''));
    expect(all).toHaveLength(35);
    expect(all).toEqual(
      expect.arrayContaining(['open_close', 'exclusive', 'hmm_gup_test', 'migrate_mixed', 'anon_read_prot']),
    );
    expect(all).toEqual(
      expect.arrayContaining(['migrate_anon_huge_fault', 'migrate_remap_fault', 'anon_write_child_upstream']),
    );
  });

  for (const file of files) {
    it(`should pass ${file.replace(/^.*\//, '')} for both device kinds`, async () => {
      const kernel = kernelVersionsOf(loadScenario(file).scenario.kernel)[0];
      const report = await runConformance(file, { kernels: [kernel] });
      expect(report.results.map((r) => r.variant).sort()).toEqual(['coherent', 'private']);
      for (const r of report.results) expect(r.firstMismatch, `${r.test} [${r.variant}]`).toBeNull();
      expect(report.pass).toBe(true);
    });
  }

  it('should run a test on every kernel version it admits, one column each', async () => {
    const report = await runConformance('scenarios/conformance/hmm/migrate_shared.yaml');
    expect(report.results.map((r) => `${r.variant} ${r.kernel}`)).toEqual([
      'private v6.12',
      'coherent v6.12',
      'private upstream',
      'coherent upstream',
    ]);
    expect(conformanceTable(report)[0]).toMatch(/private v6\.12\s+coherent v6\.12\s+private upstream/);
    for (const r of report.results) expect(r.firstMismatch, `${r.variant} ${r.kernel}`).toBeNull();
  });

  it('should report a device-private THP as PMD after v6.12 only (migrate_anon_huge_fault on v6.12 fails)', async () => {
    const text = readFileSync('scenarios/conformance/hmm/migrate_anon_huge_fault.yaml', 'utf8');
    const file = join(mkdtempSync(join(tmpdir(), 'conformance-')), 'huge-fault.yaml');
    writeFileSync(file, text.replace("kernel: '>=upstream'", "kernel: '>=v6.12'"));
    const report = await runConformance(file, { only: ['huge'] });
    const byRun = Object.fromEntries(report.results.map((r) => [`${r.variant} ${r.kernel}`, r.firstMismatch]));
    // Upstream, the file's own kernel: both device kinds pass (the loop above leaves it to this test).
    expect(byRun['private upstream']).toBeNull();
    expect(byRun['coherent upstream']).toBeNull();
    expect(byRun['coherent v6.12']).toBeNull();
    // v6.12 splits the THP when migrating it: DEV_PRIVATE_LOCAL | WRITE, no PMD bit.
    expect(byRun['private v6.12']).toEqual({
      where: 'thread:main op 6 (ioctl)',
      expected: { buffer: { name: 'mirror', at: 0, value: 0x26 } },
      got: { buffer: { name: 'mirror', at: 0, value: 0x22 } },
    });
  });

  it('should fail a test whose expectation is wrong, naming the first mismatch, and exit 1', async () => {
    const text = readFileSync('scenarios/conformance/hmm/anon_write.yaml', 'utf8').replace(
      'readWords: { addr: 0x100000, count: 4096, expect: { result: 0, data: {} } }',
      'readWords: { addr: 0x100000, count: 4096, expect: { result: 0, data: { add: 1 } } }',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'conformance-')), 'wrong.yaml');
    writeFileSync(file, text);
    const report = await runConformance(file);
    expect(report.pass).toBe(false);
    expect(report.results[0].firstMismatch).toEqual({
      where: 'thread:main op 3 (readWords)',
      expected: { data: { at: 0, value: 1 } },
      got: { data: { at: 0, value: 0 } },
    });
    const table = conformanceTable(report).join('\n');
    expect(table).toMatch(/hmm\.anon_write\s+FAIL\s+FAIL/);
    expect(table).toContain('expected: {"data":{"at":0,"value":1}}');
    const lines: string[] = [];
    expect(await main(['node', 'mirrorlab', 'conformance', file], (s) => lines.push(s))).toBe(1);
    expect(
      await main(['node', 'mirrorlab', 'conformance', 'scenarios/conformance/hmm/open_close.yaml'], () => {}),
    ).toBe(0);
  });
});
