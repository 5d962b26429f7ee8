// Issue 10 item 9: the broken-input corpus. Each file breaks one rule and must get its message
// (test/fixtures/broken/manifest.yaml) and exit code, located, with no stack trace and no
// internal error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCaptured, STACK_LINE } from './capture.ts';

const ROOT = 'test/fixtures/broken';
const manifest = parse(readFileSync(join(ROOT, 'manifest.yaml'), 'utf8')) as {
  cases: { file: string; exit: number; message: string }[];
};

describe('the broken-input corpus', () => {
  it('has at least 40 broken scenarios and 10 broken driver modules', () => {
    expect(manifest.cases.filter((c) => c.file.startsWith('scenarios/')).length).toBeGreaterThanOrEqual(40);
    expect(manifest.cases.filter((c) => c.file.startsWith('drivers/')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(manifest.cases)('$file: exit $exit with its message', async ({ file, exit, message }) => {
    const { code, out, err } = await runCaptured('check', join(ROOT, file), '--time', '3');
    expect(out + err).toMatch(new RegExp(message));
    expect(code).toBe(exit);
    expect(out + err).not.toMatch(STACK_LINE);
    expect(err).not.toMatch(/internal error/);
  });
});
