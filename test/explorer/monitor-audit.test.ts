/**
 * The checking mode of the monitor plan (issue 13 item 8): every monitor at every step,
 * compared with what the gated plan assumes. It must catch a monitor that declares too little,
 * and find nothing to report over every bundled scenario and the driver corpus.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import type { SearchResult } from '../../src/explorer/search-types.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import { staleSptsMonitor } from '../../src/monitors/memory-safety.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import { topology } from '../../src/monitors/topology.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

const yamls = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));

async function audit(file: string, monitors: Monitor[], maxStates = 50_000): Promise<SearchResult> {
  const { world } = await worldFor(file);
  return exhaustiveSearch(world, 'bfs', { monitors, maxStates, checkMonitors: true });
}

const planFindings = (r: SearchResult) => r.violations.filter((v) => v.kind === 'monitor-plan');

describe('the checking mode catches a monitor that declares too little', () => {
  it('should report a monitor that reads an actor it does not declare', async () => {
    // stale-spte judged at mm steps from the device table, declaring the mm only.
    const blind: Monitor = { ...staleSptsMonitor, reads: (world) => topology(world).mms };
    const r = await audit('scenarios/seeds/missing-set-seq.yaml', [blind]);
    const found = planFindings(r);
    expect(found.length).toBe(1);
    expect(found[0].message).toMatch(/^stale-spte declares it reads mm:p1 at .*, but says/);
    expect(r.stats.monitorChecks!.discrepancies.length).toBeGreaterThan(0);
  });

  it('should report a verdict that only steps the monitor skips give', async () => {
    // stale-spte declaring it needs no step at all: ungated, it reports the stale entry of
    // retry-outside-lock; gated, nothing ever would.
    const idle: Monitor = { ...staleSptsMonitor, interest: () => 'skip' };
    const r = await audit('scenarios/seeds/retry-outside-lock.yaml', [idle]);
    const found = planFindings(r);
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(/^stale-spte declares it skips the step at dev:gpu0 ← .*which the gated plan never said$/),
    ]);
    // The report carries the schedule that showed it, ending at that step.
    expect(found[0].trace.at(-1)).toMatchObject({ actor: 'dev:gpu0' });
  });

  it('should let a skipped step repeat what a gated step said (a stale entry persists)', async () => {
    // The real stale-spte skips steps that keep an entry stale, having said so where it arose.
    const r = await audit('scenarios/seeds/retry-outside-lock.yaml', [staleSptsMonitor]);
    expect(planFindings(r)).toEqual([]);
    expect(r.violations.map((v) => v.kind)).toEqual(['stale-spte']);
  });

  it('should run every monitor at every step, and only in the checking mode', async () => {
    const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
    const checked = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), checkMonitors: true });
    const plain = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
    expect(plain.stats.monitorChecks).toBeUndefined();
    expect(checked.stats.monitorChecks!.steps).toBe(checked.stats.transitions);
    const stepping = defaultMonitors().filter((m) => m.onStep).length;
    expect(checked.stats.monitorChecks!.calls).toBe(checked.stats.transitions * stepping);
    expect(checked.violations).toEqual(plain.violations);
  });
});

/** Every bundled scenario, at a size that keeps the suite quick (bounded by states, not time). */
const bundled: { file: string; maxStates: number; params?: Record<string, number> }[] = [
  ...yamls('scenarios/seeds').map((file) => ({ file, maxStates: 50_000 })),
  ...yamls('scenarios/profiles').map((file) => ({ file, maxStates: 3_000 })),
  ...yamls('scenarios/conformance/hmm').map((file) => ({ file, maxStates: 1_500 })),
  { file: 'scenarios/bench/seq-retry.yaml', maxStates: 20_000, params: { rounds: 1 } },
  { file: 'scenarios/bench/seq-retry-bug.yaml', maxStates: 20_000, params: { rounds: 1 } },
];

describe('the checking mode over every bundled scenario', () => {
  for (const { file, maxStates, params } of bundled) {
    it(`should find the monitor plan faithful on ${file}`, async () => {
      const c = await checkScenario(file, { strategy: 'bfs', maxStates, params, checkMonitors: true });
      expect(c.stats.monitorChecks!.discrepancies).toEqual([]);
      expect(c.violations.map((v) => v.kind)).not.toContain('monitor-plan');
      // Complete searches keep their verdicts in the checking mode.
      if (c.stats.complete) expect(c.mismatch).toBeNull();
    });
  }
});

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
