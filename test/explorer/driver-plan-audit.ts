/**
 * The checking mode of the monitor plan (issue 13 item 8) over a driver module: its searches on
 * the seeds its bugs are about, every monitor at every step, and what a faithful plan leaves in
 * them. Shared by monitor-audit-drivers.test.ts (the bundled examples and fixtures) and
 * test/corpus/driver-corpus.test.ts (the driver corpus, whose modules that file loads anyway:
 * a module's probe and import happen once per process).
 */
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

type Check = Awaited<ReturnType<typeof checkScenario>>;

export const DRIVER_SEEDS = [
  'fault-vs-unmap',
  'fence-wait-under-lock',
  'missing-set-seq',
  'remove-during-invalidate',
].map((s) => `scenarios/seeds/${s}.yaml`);

/**
 * The checks of one driver machine on the driver seeds. A module that re-exports another
 * (corpus/correct/minimal-driver.ts is examples/drivers/minimal-driver.ts, unchanged) loads as
 * the very same machine, whose searches would be the same: they run once, and each module's
 * test makes its assertions on them.
 */
const byMachine = new Map<unknown, Promise<Check[]>>();
export async function driverPlanChecks(module: string): Promise<Check[]> {
  const machine = await loadDriverModule(resolve(module));
  let runs = byMachine.get(machine);
  if (!runs) {
    runs = (async () => {
      const driver = { machine, name: module };
      const out: Check[] = [];
      for (const file of DRIVER_SEEDS)
        out.push(await checkScenario(file, { driver, strategy: 'bfs', maxStates: 5_000, checkMonitors: true }));
      return out;
    })();
    byMachine.set(machine, runs);
  }
  return runs;
}

/** Every seed checked, no step where a monitor said other than the gated plan assumes. */
export async function expectPlanFaithful(module: string): Promise<void> {
  const checks = await driverPlanChecks(module);
  expect(checks).toHaveLength(DRIVER_SEEDS.length);
  for (const c of checks) {
    expect(c.stats.monitorChecks?.discrepancies ?? []).toEqual([]);
    expect(c.violations.map((v) => v.kind)).not.toContain('monitor-plan');
  }
}
