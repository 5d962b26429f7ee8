/**
 * A schedule saved with nothing violated on it (kind `none`, as the studio saves one) replays
 * as reproduced while that stays true, and says what is now violated when it does not.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['node', 'mirrorlab', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

describe('mirrorlab replay of a schedule saved with nothing violated', () => {
  it('should reproduce a clean prefix and report the violation a full schedule now reaches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-clean-'));
    expect((await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--save-trace', join(dir, 'found'))).code).toBe(
      0,
    );
    const saved = JSON.parse(readFileSync(join(dir, 'found', 'missing-set-seq.stale-spte.json'), 'utf8'));
    expect(saved.violation.kind).toBe('stale-spte');
    const none = { kind: 'none', message: 'saved with nothing violated' };

    // The first two steps come before any violation: the clean schedule comes back.
    const prefix = join(dir, 'prefix.json');
    writeFileSync(prefix, JSON.stringify({ ...saved, violation: none, steps: saved.steps.slice(0, 2) }));
    const clean = await cli('replay', prefix);
    expect(clean.out).toMatch(/REPRODUCED: the schedule ran its 2 steps and nothing is violated on it/);
    expect(clean.code).toBe(0);

    // The whole schedule reaches stale-spte: saved as clean, it is not reproduced, and says why.
    const whole = join(dir, 'whole.json');
    writeFileSync(whole, JSON.stringify({ ...saved, violation: none }));
    const now = await cli('replay', whole, '--json');
    expect(now.code).toBe(1);
    const report = JSON.parse(now.out);
    expect(report.verdict).toBe('not reproduced');
    expect(report.violations.map((v: { kind: string }) => v.kind)).toContain('stale-spte');
    expect((await cli('replay', whole)).out).toMatch(
      /NOT REPRODUCED: the schedule was saved with nothing violated, but now stale-spte \(step \d+\)/,
    );
  });
});
