// Issue 10: an action a driver enqueues at run time (enqueueActions) that is neither a kernel
// action nor a pure XState one is refused by the live actors, before it runs, with the model
// error the controlled runtime gives.
import { describe, expect, it } from 'vitest';
import { assign, enqueueActions, setup } from 'xstate';
import { createLiveWorld } from '../../actors/live-world.ts';
import { createWorld } from '../../actors/world.ts';
import { ModelError, PureMachine } from '../../src/runtime/pure-step.ts';

/** A driver that, on `go`, enqueues a function that counts its runs, then an assign. */
function impureDriver(runs: { n: number }) {
  return setup({}).createMachine({
    id: 'impure',
    context: { went: false },
    initial: 'idle',
    states: {
      idle: {
        on: {
          go: {
            target: 'gone',
            actions: [enqueueActions(({ enqueue }) => enqueue(() => runs.n++)), assign({ went: true })],
          },
        },
      },
      gone: {},
    },
  });
}

describe('the live world and an action the model cannot follow', () => {
  it('should refuse it before it runs, with the words the controlled runtime uses', () => {
    const runs = { n: 0 };
    const machine = impureDriver(runs);
    const world = createLiveWorld([{ id: 'drv:gpu0', machine, input: {} }]);
    const ref = world.root.system.get('drv:gpu0');
    ref.send({ type: 'go' });
    const live = ref.getSnapshot();
    world.stop();
    expect(runs.n).toBe(0);
    expect(live.status).toBe('error');
    expect(live.error).toBeInstanceOf(ModelError);
    const pure = new PureMachine(machine, 'drv:gpu0');
    expect(() => pure.step(pure.initial({}).snapshot, { type: 'go' })).toThrow(live.error.message);
    expect(runs.n).toBe(0);
  });

  it('should report a scenario whose driver enqueues a custom function as a ModelError at its step', async () => {
    const world = await createWorld('test/fixtures/broken/drivers/enqueue-custom.yaml');
    let error: unknown;
    try {
      world.run();
    } catch (e) {
      error = e;
    }
    world.stop();
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(
      /^actor 'drv:gpu0' ran the action '\(anonymous\)', which is not a kernel action \(kSend, kChoose, kObserve\) or a pure XState one: enqueue only those \(docs\/driver-protocol\.md, "Actions"\), at step \d+: drv:gpu0 got drv\.fault from dev:gpu0$/,
    );
  });
});
