import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createLiveWorld } from '../../actors/live-world.ts';
import { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { toyWorld } from '../support/toy-lost-update.ts';

describe('LiveWorld', () => {
  it('should run the machines as live actors, one delivery per step', () => {
    const world = createLiveWorld(toyWorld(2));
    expect(world.step()).toBe(true);
    expect(world.steps).toHaveLength(1);
    expect(world.steps[0]).toMatchObject({ actor: 'counter', from: 'w0', event: { type: 'counter.read' } });
    world.run();
    expect(world.snapshot('w0').status).toBe('done');
    expect(world.snapshot('w1').status).toBe('done');
  });

  it('should expose every actor by its systemId', () => {
    const world = createLiveWorld(toyWorld(2));
    expect(world.actor('counter').id).toBe('counter');
    expect(world.actor('w1').id).toBe('w1');
    expect(() => world.actor('nope')).toThrow(/no actor 'nope'/);
  });

  it('should feed XState inspection events to the inspect option', () => {
    const events: InspectionEvent[] = [];
    const world = createLiveWorld(toyWorld(2), { inspect: (e) => events.push(e) });
    world.run();
    expect(events.filter((e) => e.type === '@xstate.actor').length).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.type === '@xstate.event' && e.event.type === 'counter.write')).toBe(true);
  });

  it('should end in the same states as the controlled runtime taking the same steps', () => {
    const live = createLiveWorld(toyWorld(2), { schedule: 'random', seed: 11 });
    live.run();
    const world = new ControlledWorld(toyWorld(2));
    let state = world.initial;
    for (const s of live.steps) {
      const step = world.match(state, { kind: s.kind, actor: s.actor, from: s.from, event: s.event });
      expect(step).not.toBeNull();
      state = world.apply(state, step!).state;
    }
    expect(world.snapshot(state, 'counter').context).toEqual(live.snapshot('counter').context);
    expect(world.enabled(state)).toHaveLength(0);
  });

  it('should give the same run for the same seed', () => {
    const a = createLiveWorld(toyWorld(3), { schedule: 'random', seed: 5 });
    const b = createLiveWorld(toyWorld(3), { schedule: 'random', seed: 5 });
    a.run();
    b.run();
    expect(a.steps.map((s) => `${s.actor}<-${s.from}:${s.event.type}`)).toEqual(
      b.steps.map((s) => `${s.actor}<-${s.from}:${s.event.type}`),
    );
  });
});
