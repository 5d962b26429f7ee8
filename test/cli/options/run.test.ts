// Issue 10 item 8: each `run` option changes what run prints (item 3: --time bounds it).
import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli.ts';

const SEQ_RETRY = 'scenarios/bench/seq-retry.yaml';
// Its remap thread loops forever: the default schedule would run to the 100,000-step cap.
const ENDLESS = 'scenarios/seeds/fault-vs-endless-remap.yaml';

const runJson = async (...args: string[]) => JSON.parse((await cli('run', ...args, '--json')).out);

describe('run options', () => {
  it('--param rounds=1 runs the scenario with one round, not the default three', async () => {
    const few = await runJson(SEQ_RETRY, '--param', 'rounds=1');
    const many = await runJson(SEQ_RETRY);
    expect(few.exitCode).toBe(0);
    expect(few.steps).toBeLessThan(many.steps);
  });

  it('--time: a schedule without end stops at the budget, says so, exit 3', async () => {
    const { code, out } = await cli('run', ENDLESS, '--time', '0.001');
    expect(out).toMatch(/no property broken in this run\nstopped at --time 0\.001 after \d+ steps; raise --time/);
    expect(code).toBe(3);
    const json = await runJson(ENDLESS, '--time', '0.001');
    expect([json.exitCode, json.stoppedBy]).toEqual([3, 'time']);
    expect(json.steps).toBeLessThan(100_000);
  });

  it('without --time a finite run is not cut: stoppedBy null, exit 0', async () => {
    const json = await runJson(SEQ_RETRY);
    expect([json.exitCode, json.stoppedBy]).toEqual([0, null]);
  });

  it('--seed: a seeded random schedule, not the default one', async () => {
    const order = (r: { timeline: { actor: string; event: { type: string } }[] }) =>
      r.timeline.map((e) => `${e.actor} ${e.event.type}`).join('\n');
    const byDefault = order(await runJson(SEQ_RETRY));
    const seeded = await Promise.all([1, 2, 3].map((seed) => runJson(SEQ_RETRY, '--seed', String(seed))));
    expect(seeded.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(seeded.some((r) => order(r) !== byDefault)).toBe(true);
  });

  it('--live --time: live actors stop at the budget too, exit 3', async () => {
    const { code, out } = await cli('run', ENDLESS, '--live', '--time', '0.001');
    expect(out).toMatch(/stopped at --time 0\.001 after \d+ steps; raise --time$/);
    expect(code).toBe(3);
  });
});
