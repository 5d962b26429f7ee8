// Issue 10 item 8: check options that no other test depended on, each shown to change the result.
import { describe, expect, it } from 'vitest';
import { cli, cliWithStderr } from '../run-cli.ts';

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

  it('--por: the same verdict over fewer transitions', async () => {
    const full = await checkJson(`${SEEDS}/fault-vs-unmap.yaml`);
    const reduced = await checkJson(`${SEEDS}/fault-vs-unmap.yaml`, '--por');
    expect([reduced.exitCode, reduced.scenarios[0].verdict]).toEqual([full.exitCode, full.scenarios[0].verdict]);
    expect(reduced.scenarios[0].stats.transitions).toBeLessThan(full.scenarios[0].stats.transitions);
    expect(reduced.scenarios[0].stats.reduction).toBe('sleep');
  });

  it('--no-reduction, --reduction: canonical states by default, exact ones without, sleep sets on request', async () => {
    const file = `${SEEDS}/fault-vs-unmap.yaml`;
    const [byDefault, none, exact, canonical, sleep] = [
      await checkJson(file),
      await checkJson(file, '--no-reduction'),
      await checkJson(file, '--reduction', 'none'),
      await checkJson(file, '--reduction', 'canonical'),
      await checkJson(file, '--reduction', 'sleep'),
    ];
    const stats = (r: { scenarios: { stats: { reduction: string; states: number } }[] }) => r.scenarios[0].stats;
    expect([byDefault, none, exact, canonical, sleep].map((r) => stats(r).reduction)).toEqual([
      'canonical',
      'none',
      'none',
      'canonical',
      'sleep',
    ]);
    expect(stats(none).states).toBe(stats(exact).states);
    expect(stats(byDefault).states).toBe(stats(canonical).states);
    expect(stats(canonical).states).toBeLessThan(stats(none).states);
    expect(stats(sleep).states).toBe(stats(canonical).states);
    for (const r of [none, canonical, sleep])
      expect([r.exitCode, r.scenarios[0].verdict]).toEqual([byDefault.exitCode, byDefault.scenarios[0].verdict]);
  });

  it('--reduction: a kind it does not know, or one --por contradicts, is refused with the choices', async () => {
    const bad = await cliWithStderr('check', `${SEEDS}/fault-vs-unmap.yaml`, '--reduction', 'partial');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Allowed choices are none, canonical, sleep');
    const both = await cliWithStderr('check', `${SEEDS}/fault-vs-unmap.yaml`, '--por', '--no-reduction');
    expect(both.code).toBe(2);
    expect(both.err).toContain('--por is --reduction sleep');
  });

  it('--symmetry: one state per orbit of interchangeable replicas, or refused with the reason', async () => {
    const file = 'test/explorer/fixtures/symmetry/cpu-replicas.yaml';
    const full = await checkJson(file, '--no-liveness');
    const reduced = await checkJson(file, '--symmetry', '--no-liveness');
    expect([reduced.exitCode, reduced.scenarios[0].verdict]).toEqual([full.exitCode, full.scenarios[0].verdict]);
    expect(reduced.scenarios[0].stats.symmetry).toEqual({ group: 2, actors: ['thread:cpu0', 'thread:cpu1'] });
    expect(reduced.scenarios[0].stats.states).toBeLessThan(full.scenarios[0].stats.states);
    const refused = await checkJson(`${SEEDS}/fault-vs-unmap.yaml`, '--symmetry');
    expect(refused.scenarios[0].stats.symmetry.refused).toMatch(/^no replicas/);
    const text = await cli('check', file, '--symmetry', '--no-liveness', '--quiet');
    expect(text.out).toContain('symmetry: a group of 2 permutations over thread:cpu0, thread:cpu1');
  });

  it('--pct-depth 2: each PCT schedule runs at that depth', async () => {
    const args = [`${SEEDS}/missing-set-seq.yaml`, '--strategy', 'pct', '--schedules', '300', '--seed', '5'];
    const configs = async (...extra: string[]) =>
      (await checkJson(...args, ...extra, '--no-minimize')).scenarios[0].violations.map(
        (v: { schedule: { config: string } }) => v.schedule.config,
      );
    const deep = await configs('--pct-depth', '2');
    expect(deep.length).toBeGreaterThan(0);
    expect(deep.every((c: string) => c.startsWith('pct depth 2,'))).toBe(true);
    expect((await configs()).every((c: string) => !c.startsWith('pct depth 2,'))).toBe(true);
  });

  it('--workers 2: the schedules run on two worker threads, with the one-thread result', async () => {
    const args = [
      `${SEEDS}/missing-set-seq.yaml`,
      '--strategy',
      'pct',
      '--schedules',
      '20',
      '--seed',
      '5',
      '--no-minimize',
    ];
    const one = (await checkJson(...args)).scenarios[0];
    const two = (await checkJson(...args, '--workers', '2')).scenarios[0];
    expect([one.stats.workers, two.stats.workers]).toEqual([undefined, 2]);
    expect(two.stats.schedules).toBe(20);
    expect(two.violations.map((v: { kind: string }) => v.kind)).toEqual(
      one.violations.map((v: { kind: string }) => v.kind),
    );
  });
});
