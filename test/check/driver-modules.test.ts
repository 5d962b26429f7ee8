/**
 * A custom driver module without traps (issue 13 item 7): a re-exported built-in runs in any
 * slot as written (profile 'custom', no planted bugs), the input names every actor a driver
 * may address, and a module that throws gets a located error or a model-error with the step.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';
import { ScenarioError } from '../../src/scenario/load.ts';
import { driverAt } from '../support/driver-at.ts';

const SEEDS = 'scenarios/seeds';
const FIXTURES = 'test/fixtures/drivers';
const driver = driverAt;

describe('custom driver modules', () => {
  it("should start a re-exported built-in as 'custom' in another profile's slot, without the slot's planted bugs", async () => {
    // The slot is shadow-pte with the missing-set-seq bug; the module is svm, written correctly.
    const { world } = await worldFor(`${SEEDS}/missing-set-seq.yaml`, await driver(`${FIXTURES}/builtin-svm.ts`));
    const input = world.actors.find((a) => a.id === 'drv:gpu0')!.input as Record<string, unknown>;
    expect(input).toMatchObject({ profile: 'custom', core: 'core:p1', sub: 'sub:gpu0', lock: 'lock:gpu0' });
    expect(input).not.toHaveProperty('bugs');
    const context = world.snapshot(world.initial, 'drv:gpu0').context as { profile: string; bugs: string[] };
    expect(context).toMatchObject({ profile: 'svm', bugs: [] });
    const outcome = await checkScenario(`${SEEDS}/missing-set-seq.yaml`, {
      driver: await driver(`${FIXTURES}/builtin-svm.ts`),
    });
    expect(outcome.violations.map((v) => v.kind)).toEqual([]);
  });

  it('should keep giving a built-in named by a scenario its planted bugs', async () => {
    const { world } = await worldFor(`${SEEDS}/missing-set-seq.yaml`);
    const input = world.actors.find((a) => a.id === 'drv:gpu0')!.input as Record<string, unknown>;
    expect(input).toMatchObject({ profile: 'shadow-pte', bugs: ['missing-set-seq'], core: 'core:p1' });
  });

  it('should name the module and its error when it throws while imported', async () => {
    await expect(loadDriverModule(`${FIXTURES}/throws-at-load.ts`, '--driver x')).rejects.toThrow(
      /^--driver x: cannot load driver module .*throws-at-load\.ts: this driver module fails while it is imported$/,
    );
  });

  it('should locate a driver that throws while starting at the device that runs it', async () => {
    const run = worldFor(`${SEEDS}/fault-vs-unmap.yaml`, await driver(`${FIXTURES}/throws-at-start.ts`));
    await expect(run).rejects.toThrow(ScenarioError);
    await expect(run).rejects.toThrow(
      /^scenarios\/seeds\/fault-vs-unmap\.yaml:\d+:\d+: driver .*throws-at-start\.ts of device 'gpu0' threw while starting or during set-up: no context for you/,
    );
  });

  it('should report a driver that throws in an action as a model-error with the step, and a replayable prefix', async () => {
    const outcome = await checkScenario(`${SEEDS}/fault-vs-unmap.yaml`, {
      driver: await driver(`${FIXTURES}/throws-in-action.ts`),
    });
    expect(outcome.violations).toHaveLength(1);
    const [v] = outcome.violations;
    expect(v.kind).toBe('model-error');
    expect(v.message).toMatch(
      /^drv:gpu0 threw Error: the fault handler dereferenced a null request, at step (\d+): drv:gpu0 got drv\.fault from \S+ \(the trace is the \d+ steps before it\)$/,
    );
    expect(Number(/at step (\d+)/.exec(v.message)![1])).toBe(v.trace.length + 1);
    expect(outcome.stats.complete).toBe(false);
  });
});
