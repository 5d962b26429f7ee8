// Issue 10 item 8: `merge --force` replaces traces saved before; without it a taken name gets -2.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliWithStderr } from '../run-cli.ts';

describe('merge --force', () => {
  it('replaces the traces of an earlier merge instead of saving beside them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-merge-force-'));
    const parts = [1, 2].map((i) => join(dir, `part-${i}.json`));
    for (const [k, part] of parts.entries())
      expect((await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--shard', `${k + 1}/2`, '--shard-out', part)).code).toBe(0);
    const traces = join(dir, 'traces/');
    const merge = (...extra: string[]) => cliWithStderr('merge', ...parts, '--save-trace', traces, ...extra);
    expect((await merge()).code).toBe(0);
    const again = await merge();
    expect(again.err).toMatch(/missing-set-seq\.stale-spte\.json exists; saved as .*stale-spte-2\.json \(--force overwrites\)/);
    const forced = await merge('--force');
    expect(forced.code).toBe(0);
    expect(forced.err).not.toMatch(/exists/);
    expect(existsSync(join(traces, 'missing-set-seq.stale-spte-3.json'))).toBe(false);
  });
});
