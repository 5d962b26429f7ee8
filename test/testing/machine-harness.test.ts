import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import { MachineHarness } from '../../src/testing/index.ts';

const pingPong = setup({
  types: { context: {} as { id: string; n: number }, input: {} as { id: string }, events: {} as { type: 'ping' } },
  actions: { ...kernelActions },
  delays: { LATER: 10 },
}).createMachine({
  id: 'pingPong',
  context: ({ input }) => ({ id: input.id, n: 0 }),
  initial: 'waiting',
  states: {
    waiting: {
      on: {
        ping: {
          target: 'armed',
          actions: [
            assign({ n: ({ context }) => context.n + 1 }),
            { type: 'kSend', params: ({ context }) => ({ to: 'peer', event: { type: 'pong', n: context.n } }) },
          ],
        },
      },
    },
    armed: { after: { LATER: 'waiting' } },
  },
});

describe('MachineHarness', () => {
  it('should collect kernel sends with params resolved after assign', () => {
    const h = new MachineHarness(pingPong, { id: 'x' });
    h.send({ type: 'ping' });
    expect(h.sentTo('peer')).toEqual([{ type: 'pong', n: 1 }]);
  });

  it('should turn after-delays into timers that fire on demand', () => {
    const h = new MachineHarness(pingPong, { id: 'x' });
    h.send({ type: 'ping' });
    expect(h.timers.size).toBe(1);
    h.fire();
    expect(h.matches('waiting')).toBe(true);
  });
});
