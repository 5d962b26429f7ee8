// Issue 10 item 8: `merge --force` replaces traces saved before (without it a taken name gets -2);
// `merge --allow-driver` lets the merged scenario import a driver outside its folder tree.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliWithStderr } from '../run-cli.ts';

describe('merge --force', () => {
  it('replaces the traces of an earlier merge instead of saving beside them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-merge-force-'));
    const parts = [1, 2].map((i) => join(dir, `part-${i}.json`));
    for (const [k, part] of parts.entries())
      expect(
        (await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--shard', `${k + 1}/2`, '--shard-out', part)).code,
      ).toBe(0);
    const traces = join(dir, 'traces/');
    const merge = (...extra: string[]) => cliWithStderr('merge', ...parts, '--save-trace', traces, ...extra);
    expect((await merge()).code).toBe(0);
    const again = await merge();
    expect(again.err).toMatch(
      /missing-set-seq\.stale-spte\.json exists; saved as .*stale-spte-2\.json \(--force overwrites\)/,
    );
    const forced = await merge('--force');
    expect(forced.code).toBe(0);
    expect(forced.err).not.toMatch(/exists/);
    expect(existsSync(join(traces, 'missing-set-seq.stale-spte-3.json'))).toBe(false);
  });
});

describe('merge --allow-driver', () => {
  it('a driver outside the scenario folder is refused (exit 2) unless allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-merge-allow-'));
    const drivers = resolve('examples/drivers');
    const file = join(dir, 'early-return.yaml');
    const text = readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8');
    writeFileSync(file, text.replace('driver: shadow-pte', `driver: ${drivers}/early-return-driver.ts`));
    const parts = [1, 2].map((i) => join(dir, `part-${i}.json`));
    for (const [k, part] of parts.entries()) {
      const shard = await cli('check', file, '--allow-driver', drivers, '--shard', `${k + 1}/2`, '--shard-out', part);
      expect(shard.code).toBe(0);
    }
    const refused = await cliWithStderr('merge', ...parts);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/early-return-driver\.ts lies outside the scenario's folder .*add --allow-driver/);
    const allowed = await cli('merge', ...parts, '--allow-driver', drivers);
    // The early-return driver breaks fault-vs-unmap's expect: (a verdict, not bad input).
    expect(allowed.code).toBe(1);
    expect(allowed.out).toMatch(/0 of 1 scenarios match their expect:/);
  });
});
