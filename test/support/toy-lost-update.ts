/**
 * A toy world for testing the runtime and the explorer without the kernel model: two workers
 * each read a shared counter and write back value+1 (a classic lost update), and a monitor
 * that flags a final counter value below 2.
 */
import { assign, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import type { ActorSpec } from '../../src/runtime/controlled-world.ts';

type CounterEvent = { type: 'counter.read'; replyTo: string } | { type: 'counter.write'; value: number };

export const counterMachine = setup({
  types: { context: {} as { value: number }, events: {} as CounterEvent },
  actions: { ...kernelActions },
}).createMachine({
  id: 'counter',
  context: { value: 0 },
  on: {
    'counter.read': {
      actions: {
        type: 'kSend',
        params: ({ context, event }) => ({
          to: (event as { replyTo: string }).replyTo,
          event: { type: 'counter.value', value: context.value },
        }),
      },
    },
    'counter.write': { actions: assign({ value: ({ event }) => (event as { value: number }).value }) },
  },
});

export const workerMachine = setup({
  types: {
    context: {} as { id: string },
    input: {} as { id: string },
    events: {} as { type: 'counter.value'; value: number },
  },
  actions: { ...kernelActions },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({ id: input.id }),
  initial: 'reading',
  entry: {
    type: 'kSend',
    params: ({ context }) => ({ to: 'counter', event: { type: 'counter.read', replyTo: context.id } }),
  },
  states: {
    reading: {
      on: {
        'counter.value': {
          target: 'done',
          actions: {
            type: 'kSend',
            params: ({ event }) => ({ to: 'counter', event: { type: 'counter.write', value: event.value + 1 } }),
          },
        },
      },
    },
    done: { type: 'final' },
  },
});

export function toyWorld(workers = 2): ActorSpec[] {
  const specs: ActorSpec[] = [{ id: 'counter', machine: counterMachine, input: {} }];
  for (let i = 0; i < workers; i++) specs.push({ id: `w${i}`, machine: workerMachine, input: {} });
  return specs;
}

export const lostUpdateMonitor: Monitor = {
  name: 'lost-update',
  onTerminal(ctx, state) {
    const value = (ctx.world.snapshot(state, 'counter').context as { value: number }).value;
    const workers = ctx.world.actors.length - 1;
    return value < workers ? { kind: 'lost-update', message: `counter is ${value} after ${workers} increments` } : null;
  },
};
