/**
 * The HMM selftest conformance suite (scenarios/conformance): every test × variant must pass.
 * The two slowest tests (migrate_multiple, anon_teardown) run in hmm-suite-heavy.test.ts, so
 * vitest can run both files at once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { conformanceTable } from '../../src/conformance/report.ts';
import { conformanceFiles, runConformance } from '../../src/conformance/suite.ts';

const HEAVY = ['migrate_multiple', 'anon_teardown'];
const files = conformanceFiles('scenarios/conformance').filter((f) => !HEAVY.some((h) => f.includes(h)));

describe('conformance suite (hmm-tests.c)', () => {
  it('should cover every v6.12 selftest of docs/kernel-semantics.md §6.2–6.3 with a scenario', () => {
    const all = conformanceFiles('scenarios/conformance').map((f) => f.replace(/^.*\//, '').replace('.yaml', ''));
    expect(all).toHaveLength(22);
    expect(all).toEqual(expect.arrayContaining(['open_close', 'exclusive', 'hmm_gup_test', 'migrate_mixed']));
  });

  for (const file of files) {
    it(`should pass ${file.replace(/^.*\//, '')} for both device kinds`, async () => {
      const report = await runConformance(file);
      expect(report.results.map((r) => r.variant).sort()).toEqual(['coherent', 'private']);
      for (const r of report.results) expect(r.firstMismatch, `${r.test} [${r.variant}]`).toBeNull();
      expect(report.pass).toBe(true);
    });
  }

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
