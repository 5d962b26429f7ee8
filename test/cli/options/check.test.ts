// Issue 10 item 8: check options that no other test depended on, each shown to change the result.
import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli.ts';

const SEEDS = 'scenarios/seeds';
const checkJson = async (...args: string[]) => JSON.parse((await cli('check', ...args, '--json', '--quiet')).out);
const statsOf = async (...args: string[]) => (await checkJson(...args)).scenarios[0].stats;

describe('check options', () => {
  it('--max-depth 3: the search stops at depth 3, inconclusive', async () => {
    const full = await statsOf(`${SEEDS}/fault-vs-unmap.yaml`);
    const cut = await checkJson(`${SEEDS}/fault-vs-unmap.yaml`, '--max-depth', '3');
    const stats = cut.scenarios[0].stats;
    expect([cut.exitCode, stats.stoppedBy, stats.maxDepthReached]).toEqual([3, 'max-depth', 3]);
    expect(full.maxDepthReached).toBeGreaterThan(3);
    expect(stats.states).toBeLessThan(full.states);
  });

  it('--ladder: a counterexample that matches its expect: is drawn too', async () => {
    const plain = await cli('check', `${SEEDS}/missing-set-seq.yaml`, '--quiet');
    const drawn = await cli('check', `${SEEDS}/missing-set-seq.yaml`, '--quiet', '--ladder');
    expect([plain.code, drawn.code]).toEqual([0, 0]);
    expect(plain.out).not.toContain('●');
    expect(drawn.out).toMatch(/mm\.munmap|core\.invalidateStart/);
    expect(drawn.out).toContain('●');
  });

  it('--check-monitors: the stats say what the checking mode compared', async () => {
    expect((await statsOf(`${SEEDS}/fault-vs-unmap.yaml`)).monitorChecks).toBeUndefined();
    const checked = await statsOf(`${SEEDS}/fault-vs-unmap.yaml`, '--check-monitors');
    expect(checked.monitorChecks.calls).toBeGreaterThan(0);
    expect(checked.monitorChecks.discrepancies).toEqual([]);
  });
});
