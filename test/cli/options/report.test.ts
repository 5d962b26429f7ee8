// Issue 10 item 8: `report --force` replaces a page; without it an existing page is bad input.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliWithStderr } from '../run-cli.ts';

describe('report --force', () => {
  it('an existing page is kept (exit 2) unless --force is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-report-force-'));
    expect((await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--save-trace', `${dir}/`)).code).toBe(0);
    const trace = join(dir, 'missing-set-seq.stale-spte.json');
    const page = join(dir, 'page.html');
    writeFileSync(page, 'mine');
    const kept = await cliWithStderr('report', trace, '-o', page);
    expect(kept.code).toBe(2);
    expect(kept.err).toMatch(/--force/);
    expect(readFileSync(page, 'utf8')).toBe('mine');
    expect((await cli('report', trace, '-o', page, '--force')).code).toBe(0);
    expect(readFileSync(page, 'utf8')).toMatch(/^<!doctype html>/i);
  });
});
