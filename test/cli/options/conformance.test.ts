// Issue 10 items 3 and 8: each `conformance` option narrows or reshapes the run; --time bounds it.
import { describe, expect, it, vi } from 'vitest';
import { cli } from '../run-cli.ts';

const conformanceJson = async (...args: string[]) =>
  JSON.parse((await cli('conformance', ...args, '--json', '--quiet')).out);
const cells = (report: { results: { test: string; variant: string; kernel: string }[] }) =>
  report.results.map((r) => `${r.test} ${r.variant} ${r.kernel}`);

describe('conformance options', () => {
  it('--only and --kernel: only that test, on that kernel version, in --json', async () => {
    const r = await conformanceJson('--only', 'hmm.anon_read_prot', '--kernel', 'v6.12');
    expect(r.format).toBe('mirrorlab.conformance');
    expect(cells(r)).toEqual(['hmm.anon_read_prot private v6.12', 'hmm.anon_read_prot coherent v6.12']);
    expect([r.exitCode, r.totals]).toEqual([0, { tests: 2, passed: 2, failed: 0 }]);
  });

  it('--only is repeatable: the tests matching either name', async () => {
    const r = await conformanceJson('--only', 'hmm.anon_read_prot', '--only', 'hmm.open_close', '--kernel', 'v6.12');
    expect(new Set(r.results.map((x: { test: string }) => x.test))).toEqual(
      new Set(['hmm.anon_read_prot', 'hmm.open_close']),
    );
  });

  it('--seeds 1 and --variant: a random-mode test runs one schedule (its default is many), in one variant', async () => {
    const r = await conformanceJson(
      '--only',
      'anon_teardown',
      '--kernel',
      'v6.12',
      '--variant',
      'private',
      '--seeds',
      '1',
    );
    expect(r.results).toHaveLength(1);
    expect(r.results[0].mode).toBe('random');
    expect(r.results[0].seeds.map((s: { seed: number }) => s.seed)).toEqual([1]);
  });

  it('without --json: the table, not JSON', async () => {
    const { code, out } = await cli('conformance', '--only', 'hmm.anon_read_prot', '--kernel', 'v6.12', '--quiet');
    expect(out).toMatch(/^test\s+private v6\.12\s+coherent v6\.12/);
    expect(out).toMatch(/2\/2 passed/);
    expect(code).toBe(0);
  });

  it('--time: tests the budget leaves are listed as not run, exit 3', async () => {
    const { code, out } = await cli('conformance', '--only', 'hmm.anon_read', '--time', '0.001', '--quiet');
    expect(out).toMatch(
      /stopped at --time 0\.001: \d+ tests not run \(hmm\.anon_read \[private, v6\.12\], .*raise --time/,
    );
    expect(code).toBe(3);
    const r = await conformanceJson('--only', 'hmm.anon_read', '--time', '0.001');
    expect([r.exitCode, r.stoppedBy, r.results]).toEqual([3, 'time', []]);
    expect(r.notRun).toContain('hmm.anon_read [private, v6.12]');
  });

  it('--quiet: no progress line even on a terminal', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tty = process.stderr.isTTY;
    try {
      process.stderr.isTTY = true;
      expect((await cli('conformance', '--only', 'hmm.open_close', '--kernel', 'v6.12', '--quiet')).code).toBe(0);
      expect(err.mock.calls).toEqual([]);
    } finally {
      process.stderr.isTTY = tty;
      err.mockRestore();
    }
  });
});
