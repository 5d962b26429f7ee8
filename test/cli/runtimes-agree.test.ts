// Issue 10: a driver that throws, loops or runs an action the model cannot follow gets the same
// model error under `check`, `run` and `run --live`: the same exit code, the same words, and the
// step it happened at. The step number may differ (each runtime's default schedule is its own).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.ts';

const DRIVERS = 'test/fixtures/broken/drivers';
/** What went wrong, then the step: `<why>, at step <n>: drv:gpu0 got drv.fault from <sender>`. */
const MODEL_ERROR = /model-error(?: after \d+ steps)?: ([\s\S]*?), at step \d+: drv:gpu0 got drv\.fault from \S+/;

async function why(...args: string[]): Promise<{ code: number; why: string }> {
  const { code, out } = await cli(...args);
  const m = MODEL_ERROR.exec(out);
  if (!m) throw new Error(`no located model-error in:\n${out}`);
  return { code, why: m[1] };
}

describe('the runtimes agree on a broken driver', () => {
  it.each([
    ['enqueue-custom', /^actor 'drv:gpu0' ran the action '\(anonymous\)', which is not a kernel action/],
    ['throws-in-assign', /^drv:gpu0 threw Error: the driver read a freed request$/],
    ['throws-in-guard', /^drv:gpu0 threw Error: Unable to evaluate guard in transition for event 'drv\.fault'/],
    ['always-loop', /^actor 'drv:gpu0' took more than 10000 microsteps on one event/],
  ])('should give %s the same model error under check, run and run --live', async (name, words) => {
    const file = join(DRIVERS, `${name}.yaml`);
    const check = await why('check', file, '--max-states', '2000');
    const run = await why('run', file);
    const live = await why('run', file, '--live');
    expect(check.why).toMatch(words);
    expect(run).toEqual(check);
    expect(live).toEqual(check);
    expect(check.code).toBe(1);
  });
});
