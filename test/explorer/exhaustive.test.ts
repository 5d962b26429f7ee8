import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/explorer/counterexamples/replay.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { samplingSearch } from '../../src/explorer/strategies/sampling.ts';
import { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { lostUpdateMonitor, toyWorld } from '../support/toy-lost-update.ts';

describe('exhaustiveSearch', () => {
  it('should find the lost update with a shortest trace under bfs', () => {
    const world = new ControlledWorld(toyWorld(2));
    const r = exhaustiveSearch(world, 'bfs', { monitors: [lostUpdateMonitor] });
    expect(r.violations.map((v) => v.kind)).toEqual(['lost-update']);
    // read, read, value, value, write, write: both reads must happen before either write.
    expect(r.violations[0].steps).toBe(6);
    expect(r.stats.complete).toBe(true);
  });

  it('should explore the same state count with dfs and bfs', () => {
    const bfs = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'bfs', { monitors: [] });
    const dfs = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'dfs', { monitors: [] });
    expect(dfs.stats.states).toBe(bfs.stats.states);
    expect(bfs.stats.states).toBeGreaterThan(20);
  });

  it('should stop at maxStates and say the search is incomplete', () => {
    const r = exhaustiveSearch(new ControlledWorld(toyWorld(3)), 'bfs', { monitors: [], maxStates: 10 });
    expect(r.stats.complete).toBe(false);
    expect(r.stats.states).toBeLessThanOrEqual(11);
  });

  it('should run XState only once per distinct local step', () => {
    const world = new ControlledWorld(toyWorld(3));
    const r = exhaustiveSearch(world, 'bfs', { monitors: [] });
    expect(r.stats.xstateSteps).toBeLessThan(r.stats.transitions);
  });
});

describe('replayTrace', () => {
  it('should replay a found counterexample to the same violation', () => {
    const r = exhaustiveSearch(new ControlledWorld(toyWorld(2)), 'bfs', { monitors: [lostUpdateMonitor] });
    const replay = replayTrace(new ControlledWorld(toyWorld(2)), r.violations[0].trace, [lostUpdateMonitor]);
    expect(replay.divergence).toBeNull();
    expect(replay.violations.map((v) => v.kind)).toEqual(['lost-update']);
  });

  it('should report a divergence when a step no longer matches', () => {
    const r = exhaustiveSearch(new ControlledWorld(toyWorld(2)), 'bfs', { monitors: [lostUpdateMonitor] });
    const trace = r.violations[0].trace.map((s, i) => (i === 2 ? { ...s, actor: 'nobody' } : s));
    const replay = replayTrace(new ControlledWorld(toyWorld(2)), trace, [lostUpdateMonitor]);
    expect(replay.divergence?.at).toBe(2);
  });
});

describe('samplingSearch', () => {
  it('should find the lost update with random schedules, reproducibly per seed', () => {
    const a = samplingSearch(new ControlledWorld(toyWorld(2)), 'random', {
      monitors: [lostUpdateMonitor],
      schedules: 50,
      seed: 7,
    });
    const b = samplingSearch(new ControlledWorld(toyWorld(2)), 'random', {
      monitors: [lostUpdateMonitor],
      schedules: 50,
      seed: 7,
    });
    expect(a.violations.map((v) => v.kind)).toEqual(['lost-update']);
    expect(a.violations[0].trace).toEqual(b.violations[0].trace);
  });

  it('should find the lost update with pct', () => {
    const r = samplingSearch(new ControlledWorld(toyWorld(2)), 'pct', {
      monitors: [lostUpdateMonitor],
      schedules: 100,
      seed: 3,
      pctDepth: 2,
    });
    expect(r.violations.map((v) => v.kind)).toEqual(['lost-update']);
    expect(r.stats.schedules).toBeGreaterThan(0);
  });
});
