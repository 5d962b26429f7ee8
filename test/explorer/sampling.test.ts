/**
 * The samplers (src/explorer/strategies/sampling.ts, sampling/): every bundled planted bug is found at the
 * default budget, schedules are functions of their seeds (a found schedule runs again alone,
 * `--workers 2` gives what one thread gives), and a sampling run never proves a property kept.
 * Bounded by work (schedules), never by the clock.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { sampleInWorkers } from '../../src/check/sample-workers.ts';
import { judgeProperties } from '../../src/check/verdict.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { runCommand } from '../../src/cli/run-command.ts';
import { scenarioFiles } from '../../src/cli/scenario-files.ts';
import { DEFAULT_SCHEDULES, type SamplingStrategy, samplingSearch } from '../../src/explorer/strategies/sampling.ts';
import { scheduleSeed } from '../../src/explorer/strategies/sampling-seeds.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { driverAt } from '../support/driver-at.ts';

/** Every bundled scenario with a planted bug: an expected violation in its `expect:`. */
const PLANTED = scenarioFiles(['scenarios/seeds', 'scenarios/bench']).filter(
  (f) => loadScenario(f).scenario.expect.violations.length > 0,
);

const sample = async (file: string, strategy: SamplingStrategy, schedules: number, seed = 1) => {
  const { world } = await worldFor(file);
  return samplingSearch(world, strategy, { monitors: defaultMonitors(), schedules, seed });
};

/** Ten times fewer schedules than the default budget: the planted bugs are found well within it. */
const BUDGET = DEFAULT_SCHEDULES / 10;

describe('the default samplers', () => {
  for (const file of PLANTED) {
    it(`should find every expected violation of ${file.split('/').pop()} within ${BUDGET} schedules`, async () => {
      const { compiled } = await worldFor(file);
      for (const strategy of ['pct', 'swarm'] as const) {
        const r = await sample(file, strategy, BUDGET);
        expect(r.violations.map((v) => v.kind).sort(), `${strategy} on ${file}`).toEqual(
          [...compiled.scenario.expect.violations].sort(),
        );
      }
    });
  }

  it("should find the corpus's narrowest window (set-seq-after-unlock's use-after-free) within the default budget", async () => {
    const path = resolve('examples/drivers/corpus/buggy/set-seq-after-unlock.ts');
    const driver = await driverAt(path);
    const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml', driver);
    const r = samplingSearch(world, 'pct', { monitors: defaultMonitors(), seed: 1 });
    expect(r.stats.schedules).toBe(DEFAULT_SCHEDULES);
    expect(r.violations.map((v) => v.kind)).toContain('use-after-free');
  });
});

describe('sampled schedules', () => {
  it('should be functions of their own seed: the schedule that found a violation finds it again alone', async () => {
    const r = await sample('scenarios/seeds/missing-set-seq.yaml', 'swarm', 400, 5);
    const v = r.violations.find((x) => x.kind === 'stale-spte')!;
    expect(v.schedule!.seed).toBe(scheduleSeed(5, v.schedule!.index));
    const alone = await sample('scenarios/seeds/missing-set-seq.yaml', 'swarm', 1, v.schedule!.seed);
    const again = alone.violations.find((x) => x.kind === 'stale-spte')!;
    expect(again.trace).toEqual(v.trace);
    expect(again.schedule).toEqual({ ...v.schedule, index: 0 });
  });

  it('should give the same result for the same seed, on a fresh world or a used one', async () => {
    const { world } = await worldFor('scenarios/seeds/retry-outside-lock.yaml');
    const run = () => samplingSearch(world, 'pct', { monitors: defaultMonitors(), schedules: 200, seed: 9 });
    const a = run();
    const b = run();
    const c = await sample('scenarios/seeds/retry-outside-lock.yaml', 'pct', 200, 9);
    for (const x of [b, c]) {
      expect(x.violations.map((v) => [v.kind, v.schedule, v.trace])).toEqual(
        a.violations.map((v) => [v.kind, v.schedule, v.trace]),
      );
      expect(x.stats.transitions).toBe(a.stats.transitions);
    }
  });

  it('should give the same result on two worker threads as on one thread', async () => {
    const file = 'scenarios/seeds/fence-wait-under-lock.yaml';
    const one = await sample(file, 'swarm', 300, 3);
    const two = await sampleInWorkers({ file }, 'swarm', { schedules: 300, seed: 3 }, 2);
    const key = (r: typeof one) => r.violations.map((v) => [v.kind, v.schedule ?? null, v.schedule ? v.trace : null]);
    expect(key(two)).toEqual(key(one));
    expect(two.stats).toMatchObject({
      schedules: 300,
      transitions: one.stats.transitions,
      complete: false,
      stoppedBy: 'schedules',
      workers: 2,
    });
  });
});

describe('a sampling verdict', () => {
  it('should leave a clean scenario inconclusive and never call a property kept', async () => {
    for (const strategy of ['random', 'pct', 'swarm'] as const) {
      const c = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { strategy, schedules: 50 });
      expect(c.verdict).toBe('inconclusive');
      expect(c.stats).toMatchObject({ complete: false, stoppedBy: 'schedules', schedules: 50 });
      const judged = judgeProperties(['stale-spte'], [{ ...c, scenario: c.scenario }]);
      expect(judged[0].verdict).toBe('inconclusive');
    }
  });
});

describe('a uniform random schedule', () => {
  it('should be the one `mirrorlab run --seed` takes with the same seed', async () => {
    const file = 'scenarios/seeds/missing-set-seq.yaml';
    const r = await sample(file, 'random', 1000, 2);
    const v = r.violations.find((x) => x.kind === 'stale-spte')!;
    const lines: string[] = [];
    await runCommand(file, { seed: v.schedule!.seed, json: true }, (s) => lines.push(s));
    const { timeline } = JSON.parse(lines.join('\n')) as { timeline: { actor: string; event: { type: string } }[] };
    expect(timeline.slice(0, v.trace.length).map((t) => [t.actor, t.event])).toEqual(
      v.trace.map((s) => [s.actor, s.event]),
    );
  });
});
