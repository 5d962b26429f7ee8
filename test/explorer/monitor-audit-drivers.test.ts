/**
 * The checking mode of the monitor plan (issue 13 item 8) over driver modules: the part of
 * monitor-audit.test.ts that runs custom drivers, in a file of its own so that vitest can run
 * it beside the other part (it schedules by file).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

/**
 * Driver modules: the bundled examples, the remove-in-callback fixture, and the driver corpus
 * (examples/drivers/corpus/, written alongside issue 13) as soon as it lands; each on the seeds
 * its bugs are about, in the checking mode.
 */
const corpusDir = process.env.MIRRORLAB_CORPUS ?? 'examples/drivers/corpus';
const modules = [
  'examples/drivers/minimal-driver.ts',
  'examples/drivers/early-return-driver.ts',
  'test/monitors/fixtures/remove-in-callback-driver.ts',
  ...corpusModules(corpusDir),
];

/** The corpus's driver modules: every module under it but its shared `kit/`. */
function corpusModules(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.split(/[\\/]/).includes('kit'))
    .map((f) => join(dir, f))
    .sort();
}

const driverSeeds = ['fault-vs-unmap', 'fence-wait-under-lock', 'missing-set-seq', 'remove-during-invalidate'].map(
  (s) => `scenarios/seeds/${s}.yaml`,
);

/**
 * The checks of one driver machine on the driver seeds. A module that re-exports another
 * (corpus/correct/minimal-driver.ts is examples/drivers/minimal-driver.ts, unchanged) loads as
 * the very same machine, whose searches would be the same: they run once, and each module's
 * test makes its assertions on them.
 */
const byMachine = new Map<unknown, Promise<Awaited<ReturnType<typeof checkScenario>>[]>>();
async function driverChecks(module: string): Promise<Awaited<ReturnType<typeof checkScenario>>[]> {
  const machine = await loadDriverModule(resolve(module));
  let runs = byMachine.get(machine);
  if (!runs) {
    runs = (async () => {
      const driver = { machine, name: module };
      const out: Awaited<ReturnType<typeof checkScenario>>[] = [];
      for (const file of driverSeeds)
        out.push(await checkScenario(file, { driver, strategy: 'bfs', maxStates: 5_000, checkMonitors: true }));
      return out;
    })();
    byMachine.set(machine, runs);
  }
  return runs;
}

describe('the checking mode over driver modules and the driver corpus', () => {
  for (const module of modules) {
    it(`should find the monitor plan faithful with ${module}`, async () => {
      const checks = await driverChecks(module);
      expect(checks).toHaveLength(driverSeeds.length);
      for (const c of checks) {
        expect(c.stats.monitorChecks?.discrepancies ?? []).toEqual([]);
        expect(c.violations.map((v) => v.kind)).not.toContain('monitor-plan');
      }
    });
  }
});
