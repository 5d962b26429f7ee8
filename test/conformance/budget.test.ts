// Issue 10: `conformance --time` reaches inside one test: its loading, driver import and set-up
// answer to the suite's deadline, so a single test with a long set-up cannot overrun the budget.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/suite.ts';
import { Deadline } from '../../src/scenario/deadline.ts';

/** A test whose set-up (700 populated words) takes over 1024 steps (the deadline is asked every 1024), and whose run takes a few. */
function bigSetUp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-conformance-budget-'));
  const words = Array.from({ length: 700 }, (_, i) => `      - { addr: ${0x100000 + 8 * i}, value: ${i} }`);
  const text = [
    'name: big-setup',
    'pageSize: 4096',
    'wordsPerPage: 512',
    'processes:',
    '  p:',
    '    vmas: [{ addr: 0x100000, length: 0x10000, prot: rw, type: private-anon }]',
    '    populate:',
    ...words,
    'threads:',
    '  main:',
    '    process: p',
    '    ops:',
    '      - read: { addr: 0x100008, expect: { result: 0, value: 1 } }',
  ].join('\n');
  writeFileSync(join(dir, 'big-setup.yaml'), text);
  return dir;
}

/** A deadline that has not passed when first asked and has passed ever after: bounded by calls, not by a clock. */
function passesAfterFirstLook(): Deadline {
  const d = Object.create(Deadline.prototype) as Deadline;
  let looks = 0;
  Object.assign(d, { at: performance.now() + 3_600_000, seconds: 1, passed: () => ++looks > 1 });
  return d;
}

describe('conformance under a deadline', () => {
  it('should cut a test inside its set-up and list it as not run', async () => {
    const dir = bigSetUp();
    const report = await runConformance(dir, { kernels: ['v6.12'], deadline: passesAfterFirstLook() });
    expect(report.results).toEqual([]);
    expect(report.stoppedBy).toBe('time');
    expect(report.notRun).toEqual(['big-setup [default, v6.12]']);
  });

  it('should run the same test to a pass when the deadline never passes', async () => {
    const report = await runConformance(bigSetUp(), { kernels: ['v6.12'], deadline: Deadline.after(600) });
    expect(report.results.map((r) => r.pass)).toEqual([true]);
  });
});
