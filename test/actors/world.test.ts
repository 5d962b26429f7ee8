import { describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { createWorld } from '../../actors/world.ts';
import { worldFor } from '../../src/check/world-for.ts';

const SCENARIO = 'scenarios/seeds/fault-vs-unmap.yaml';

describe('createWorld', () => {
  it('should run a bundled scenario as live actors to the end', async () => {
    const world = await createWorld(SCENARIO);
    const steps = world.run();
    expect(steps).toBeGreaterThan(10);
    expect(world.snapshot('thread:cpu').status).toBe('done');
    expect(world.snapshot('thread:gpu').status).toBe('done');
    expect(world.steps.every((s) => s.policy !== 'unhandled')).toBe(true);
  });

  it('should start kernel actors from the state set-up left them in', async () => {
    const world = await createWorld(SCENARIO);
    const mm = world.snapshot('mm:p1').context as { vmas: unknown[]; ptes: Record<string, unknown> };
    expect(mm.vmas).toHaveLength(1);
    expect(Object.keys(mm.ptes)).toEqual(['16']);
    expect(world.actor('sub:gpu0').getSnapshot().context.seq).toBe(1);
  });

  it('should send XState inspection events for every actor to the inspect option', async () => {
    const events: InspectionEvent[] = [];
    const world = await createWorld(SCENARIO, { inspect: (e) => events.push(e) });
    world.run();
    const actors = new Set(events.filter((e) => e.type === '@xstate.actor').map((e) => (e.actorRef as AnyActorRef).id));
    for (const id of ['mm:p1', 'core:p1', 'sub:gpu0', 'lock:gpu0', 'drv:gpu0', 'dev:gpu0', 'thread:cpu']) {
      expect(actors).toContain(id);
    }
    expect(events.some((e) => e.type === '@xstate.event' && e.event.type === 'core.invalidateStart')).toBe(true);
  });

  it('should end where the controlled runtime ends when it takes the same steps', async () => {
    const live = await createWorld(SCENARIO, { schedule: 'random', seed: 3 });
    live.run();
    const { world } = await worldFor(SCENARIO);
    let state = world.initial;
    for (const s of live.steps) {
      if (s.kind === 'timer') continue;
      const step = world.match(state, {
        kind: s.kind,
        actor: s.actor,
        from: s.from,
        ...(s.kind === 'deliver' ? { thread: s.thread } : {}),
        event: s.event,
      });
      expect(step, `step ${s.n}: ${s.actor} <- ${s.event.type}`).not.toBeNull();
      state = world.apply(state, step!).state;
    }
    for (const id of ['mm:p1', 'dev:gpu0', 'core:p1', 'sub:gpu0', 'drv:gpu0']) {
      expect(world.snapshot(state, id).context).toEqual(live.snapshot(id).context);
      expect(world.snapshot(state, id).value).toEqual(live.snapshot(id).value);
    }
  });

  it('should give different interleavings for different seeds and the same for the same seed', async () => {
    const order = async (seed: number) => {
      const w = await createWorld(SCENARIO, { schedule: 'random', seed });
      w.run();
      return w.steps.map((s) => `${s.actor}<-${s.event.type}`).join(' ');
    };
    expect(await order(1)).toBe(await order(1));
    const all = new Set(await Promise.all([1, 2, 3, 4, 5].map(order)));
    expect(all.size).toBeGreaterThan(1);
  });
});
