import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { main } from '../../src/cli/main.ts';
import { findCriticalReordering } from '../../src/explorer/counterexamples/critical-reordering.ts';
import { contextSwitches, minimizeTrace } from '../../src/explorer/counterexamples/minimize.ts';
import { replayTrace } from '../../src/explorer/counterexamples/replay.ts';
import type { FoundViolation } from '../../src/explorer/search-types.ts';
import { samplingSearch } from '../../src/explorer/strategies/sampling.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import { ControlledWorld, type SemanticStep } from '../../src/runtime/controlled-world.ts';
import { lostUpdateMonitor, toyWorld } from '../support/toy-lost-update.ts';

const toyMonitors = (): Monitor[] => [lostUpdateMonitor];
const SEEDS = 'scenarios/seeds';

function step(actor: string, type: string, from?: string): SemanticStep {
  return { kind: 'deliver', actor, from, event: { type } };
}

/** Replays `trace` and says whether it reaches `kind` without diverging. */
function reaches(world: ControlledWorld, trace: SemanticStep[], kind: string, monitors: () => Monitor[]): boolean {
  const r = replayTrace(world, trace, monitors());
  return r.divergence === null && r.violations.some((v) => v.kind === kind);
}

function randomViolations(world: ControlledWorld, monitors: () => Monitor[], seed: number): FoundViolation[] {
  return samplingSearch(world, 'random', { monitors: monitors(), schedules: 200, seed }).violations;
}

/** What every minimized counterexample must satisfy, whatever the world. */
function expectMinimized(world: ControlledWorld, v: FoundViolation, monitors: () => Monitor[]) {
  const m = minimizeTrace(world, v.trace, v.kind, { monitors });
  expect(m.reproduced).toBe(true);
  expect(m.steps).toBe(m.trace.length);
  expect(m.steps).toBeLessThanOrEqual(v.trace.length);
  expect(m.contextSwitches).toBe(contextSwitches(m.trace));
  expect(m.contextSwitches).toBeLessThanOrEqual(contextSwitches(v.trace));
  expect(m.original).toEqual({ steps: v.trace.length, contextSwitches: contextSwitches(v.trace) });
  expect(reaches(world, m.trace, v.kind, monitors)).toBe(true);
  return m;
}

describe('contextSwitches', () => {
  it('should count the places where the acting actor changes, whoever sent', () => {
    expect(contextSwitches([])).toBe(0);
    expect(contextSwitches([step('a', 'x', 'b'), step('a', 'y', 'c')])).toBe(0);
    expect(contextSwitches([step('a', 'x'), step('b', 'x'), step('b', 'y'), step('a', 'x')])).toBe(2);
  });
});

describe('minimizeTrace', () => {
  it('should shrink random lost-update schedules on the toy world and keep them replayable', () => {
    for (const seed of [1, 2, 3]) {
      const world = new ControlledWorld(toyWorld(3));
      const [v] = randomViolations(world, toyMonitors, seed);
      expect(v.kind).toBe('lost-update');
      const m = expectMinimized(world, v, toyMonitors);
      expect(m.optimal).toBe(true);
    }
  });

  it('should reach the fewest switches for the two-worker lost update', () => {
    const world = new ControlledWorld(toyWorld(2));
    // A valid losing schedule that switches at every step.
    const trace = [
      step('counter', 'counter.read', 'w0'),
      step('w0', 'counter.value', 'counter'),
      step('counter', 'counter.read', 'w1'),
      step('w1', 'counter.value', 'counter'),
      step('counter', 'counter.write', 'w0'),
      step('counter', 'counter.write', 'w1'),
    ];
    expect(reaches(world, trace, 'lost-update', toyMonitors)).toBe(true);
    expect(contextSwitches(trace)).toBe(4);
    const m = minimizeTrace(world, trace, 'lost-update', { monitors: toyMonitors });
    // Both reads, then both replies, then both writes: counter, w0, w1, counter.
    expect(m.steps).toBe(6);
    expect(m.contextSwitches).toBe(3);
    expect(m.optimal).toBe(true);
    expect(m.trace.slice(0, 2).map((s) => s.event.type)).toEqual(['counter.read', 'counter.read']);
  });

  it('should be deterministic', () => {
    const world = new ControlledWorld(toyWorld(3));
    const [v] = randomViolations(world, toyMonitors, 5);
    const a = minimizeTrace(world, v.trace, v.kind, { monitors: toyMonitors });
    const b = minimizeTrace(new ControlledWorld(toyWorld(3)), v.trace, v.kind, { monitors: toyMonitors });
    expect(b.trace).toEqual(a.trace);
  });

  it('should fall back to local shrinking when the search budget is too small, still never growing', () => {
    const world = new ControlledWorld(toyWorld(3));
    const [v] = randomViolations(world, toyMonitors, 4);
    const m = minimizeTrace(world, v.trace, v.kind, { monitors: toyMonitors, maxStates: 1 });
    expect(m.optimal).toBe(false);
    expect(m.runs).toBeGreaterThan(1);
    expect(m.steps).toBeLessThanOrEqual(v.trace.length);
    expect(m.contextSwitches).toBeLessThanOrEqual(contextSwitches(v.trace));
    expect(reaches(world, m.trace, v.kind, toyMonitors)).toBe(true);
  });

  it('should leave a schedule alone when it does not reach the violation by itself', () => {
    const world = new ControlledWorld(toyWorld(2));
    const trace = [step('counter', 'counter.read', 'w0'), step('w0', 'counter.value', 'counter')];
    const m = minimizeTrace(world, trace, 'lost-update', { monitors: toyMonitors });
    expect(m.reproduced).toBe(false);
    expect(m.trace).toEqual(trace);
    expect(m.violation).toBeNull();
  });

  it('should drop the steps after the violation', async () => {
    const { world } = await worldFor(`${SEEDS}/missing-set-seq.yaml`);
    const v = randomViolations(world, defaultMonitors, 1).find((x) => x.kind === 'stale-spte')!;
    // Run on past the violation for a few more steps.
    const longer = [...v.trace];
    let state = replayTrace(world, v.trace, []).state;
    for (let i = 0; i < 4 && world.enabled(state).length; i++) {
      const { state: next, record } = world.apply(state, world.enabled(state)[0]);
      longer.push(world.semantic(record));
      state = next;
    }
    expect(longer.length).toBeGreaterThan(v.trace.length);
    const m = expectMinimized(world, { ...v, trace: longer, steps: longer.length }, defaultMonitors);
    expect(m.steps).toBeLessThanOrEqual(v.trace.length);
  });

  for (const scenario of ['missing-set-seq', 'registration-cache-unpinned', 'fence-wait-under-lock']) {
    it(`should minimize every random counterexample of ${scenario}`, async () => {
      const { world } = await worldFor(`${SEEDS}/${scenario}.yaml`);
      const found = randomViolations(world, defaultMonitors, 1).filter((v) => v.severity !== 'observation');
      expect(found.length).toBeGreaterThan(0);
      let shrunk = 0;
      for (const v of found) {
        const m = minimizeTrace(world, v.trace, v.kind, { monitors: defaultMonitors });
        // A cross-schedule inference (potential-deadlock) may not replay from one schedule alone.
        if (!m.reproduced) {
          expect(v.kind).toBe('potential-deadlock');
          continue;
        }
        expectMinimized(world, v, defaultMonitors);
        if (m.steps < v.trace.length || m.contextSwitches < contextSwitches(v.trace)) shrunk++;
      }
      expect(shrunk).toBeGreaterThan(0);
    });
  }
});

describe('findCriticalReordering', () => {
  it('should name the lost update race on the toy world', () => {
    const world = new ControlledWorld(toyWorld(2));
    const [v] = randomViolations(world, toyMonitors, 7);
    const m = minimizeTrace(world, v.trace, v.kind, { monitors: toyMonitors });
    const race = findCriticalReordering(world, m.trace, v.kind, { monitors: toyMonitors });
    expect(race).not.toBeNull();
    // The second read reached the counter before the first write.
    expect(race!.first.step.event.type).toBe('counter.read');
    expect(race!.second.step.event.type).toBe('counter.write');
    expect(race!.first.step.from).not.toBe(race!.second.step.from);
    expect(race!.text).toMatch(
      /^the race: step \d+ \(counter ← counter\.read from w\d\) before step \d+ \(counter ← counter\.write from w\d\)$/,
    );
    expect(reaches(world, m.trace, v.kind, toyMonitors)).toBe(true);
    const passing = replayTrace(world, race!.passing, toyMonitors());
    expect(passing.divergence).toBeNull();
    expect(passing.violations).toEqual([]);
    expect(world.enabled(passing.state)).toEqual([]);
  });

  it('should report nothing for a bug that needs no race', async () => {
    const { world } = await worldFor(`${SEEDS}/oom-reaper-sleeps.yaml`);
    const [v] = randomViolations(world, defaultMonitors, 1);
    expect(v.kind).toBe('sleep-in-nonblock');
    const m = minimizeTrace(world, v.trace, v.kind, { monitors: defaultMonitors });
    expect(findCriticalReordering(world, m.trace, v.kind, { monitors: defaultMonitors })).toBeNull();
  });

  for (const scenario of ['missing-set-seq', 'registration-cache-unpinned', 'retry-outside-lock']) {
    it(`should fail as given and pass when swapped on ${scenario}`, async () => {
      const { world } = await worldFor(`${SEEDS}/${scenario}.yaml`);
      let reported = 0;
      for (const v of randomViolations(world, defaultMonitors, 1)) {
        if (v.severity === 'observation') continue;
        const m = minimizeTrace(world, v.trace, v.kind, { monitors: defaultMonitors });
        if (!m.reproduced) continue;
        const race = findCriticalReordering(world, m.trace, v.kind, { monitors: defaultMonitors });
        if (!race) continue;
        reported++;
        expect(race.first.index).toBeLessThan(race.second.index);
        expect(race.first.step).toEqual(m.trace[race.first.index]);
        expect(race.second.step).toEqual(m.trace[race.second.index]);
        expect(reaches(world, m.trace, v.kind, defaultMonitors)).toBe(true);
        const swapped = replayTrace(world, race.passing, defaultMonitors());
        expect(swapped.divergence).toBeNull();
        expect(swapped.violations.map((x) => x.kind)).not.toContain(v.kind);
      }
      expect(reported).toBeGreaterThan(0);
    });
  }
});

describe('check with minimization', () => {
  it('should minimize random counterexamples by default and report both lengths', async () => {
    const file = `${SEEDS}/missing-set-seq.yaml`;
    const on = await checkScenario(file, { strategy: 'random', seed: 1, schedules: 200 });
    const off = await checkScenario(file, { strategy: 'random', seed: 1, schedules: 200, minimize: false });
    expect(on.ok).toBe(true);
    for (const v of on.violations) {
      const before = off.violations.find((x) => x.kind === v.kind)!;
      expect(v.minimizedFrom).toBe(before.steps);
      expect(v.steps).toBeLessThanOrEqual(before.steps);
      expect(v.contextSwitches).toBeLessThanOrEqual(before.contextSwitches);
      expect(v.trace).toHaveLength(v.steps);
    }
    expect(off.violations.every((v) => v.minimizedFrom === undefined)).toBe(true);
  });

  it('should print minimizedFrom, contextSwitches and the critical reordering in --json, and honour --no-minimize', async () => {
    const run = async (...extra: string[]) => {
      const lines: string[] = [];
      const args = [
        'check',
        `${SEEDS}/missing-set-seq.yaml`,
        '--strategy',
        'random',
        '--seed',
        '1',
        '--schedules',
        '200',
        '--json',
      ];
      const code = await main(['node', 'mirrorlab', ...args, ...extra], (s) => lines.push(s));
      expect(code).toBe(0);
      return JSON.parse(lines.join('\n')).scenarios[0].violations as Record<string, unknown>[];
    };
    const minimized = await run();
    for (const v of minimized) {
      expect(v.minimizedFrom).toEqual(expect.any(Number));
      expect(v.contextSwitches).toEqual(expect.any(Number));
      expect((v.trace as unknown[]).length).toBe(v.steps);
    }
    const race = minimized.map((v) => v.criticalReordering).find(Boolean) as { text: string; first: { step: number } };
    expect(race.text).toMatch(/^the race: step \d+ \(/);
    expect(race.first.step).toBeGreaterThan(0);
    const raw = await run('--no-minimize');
    expect(raw.every((v) => v.minimizedFrom === null)).toBe(true);
  });
});
