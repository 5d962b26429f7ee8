/**
 * mirrorlab/testing on small machines whose right answers are known: the runtime's delivery
 * rules in the harness, transition assertions that fail with the difference, the policy walk
 * finding a silently dropped event, and the battery finding a broken driver.
 */
import { describe, expect, it } from 'vitest';
import { assign, type EventObject, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import {
  checkDriver,
  expectTransition,
  MachineHarness,
  TransitionMismatch,
  UnhandledEventError,
  unhandledOnPaths,
  walkEventPolicy,
} from '../../src/testing/index.ts';

// A door: `open` is taken when closed, deferred while locked, ignored when open; `knock` only when closed.
const door = setup({
  types: { context: {} as { id: string; opened: number }, input: {} as { id: string } },
  actions: { ...kernelActions },
}).createMachine({
  id: 'door',
  context: ({ input }) => ({ id: input.id, opened: 0 }),
  initial: 'closed',
  states: {
    closed: {
      on: {
        open: {
          target: 'open',
          actions: [
            assign({ opened: ({ context }) => context.opened + 1 }),
            { type: 'kSend', params: { to: 'hall', event: { type: 'draught', strength: 2 } as EventObject } },
          ],
        },
        lock: 'locked',
        knock: 'closed',
      },
    },
    locked: { meta: { defer: ['open'] }, on: { unlock: 'closed' } },
    open: { meta: { ignore: { open: 'already open' } }, on: { close: 'closed' } },
  },
});

describe('MachineHarness under the runtime rules', () => {
  it('should hold a deferred event and deliver it once a state takes it', () => {
    const h = new MachineHarness(door, { id: 'door' });
    h.send({ type: 'lock' });
    h.send({ type: 'open' });
    expect([h.state, h.deferred.length]).toEqual(['locked', 1]);
    const r = h.send({ type: 'unlock' });
    expect([h.state, h.deferred.length, h.context.opened]).toEqual(['open', 0, 1]);
    expect(r.sends).toEqual([{ to: 'hall', event: { type: 'draught', strength: 2 } }]);
    expect(h.deliveries.map((d) => `${d.event.type}:${d.policy}`)).toEqual([
      'lock:handled',
      'open:deferred',
      'unlock:handled',
      'open:handled',
    ]);
  });

  it('should consume an ignored event and refuse an unhandled one, or record it on request', () => {
    const h = new MachineHarness(door, { id: 'door' });
    h.send({ type: 'open' });
    expect(h.send({ type: 'open' }).sends).toEqual([]);
    expect(() => h.send({ type: 'knock' })).toThrow(UnhandledEventError);
    const lenient = new MachineHarness(door, { id: 'door' }, { unhandled: 'record' });
    lenient.send({ type: 'open' });
    lenient.send({ type: 'knock' });
    expect(lenient.deliveries.at(-1)).toMatchObject({ policy: 'unhandled', state: 'open' });
  });
});

describe('expectTransition', () => {
  it('should pass a matching transition and name each difference of a wrong one', () => {
    const h = new MachineHarness(door, { id: 'door' });
    expectTransition(h, { type: 'open' }, { to: 'open', context: { opened: 1 }, sends: [{ to: 'hall', event: {} }] });
    const wrong = new MachineHarness(door, { id: 'door' });
    const attempt = () =>
      expectTransition(wrong, { type: 'open' }, { to: 'locked', context: { opened: 2 }, sends: [] });
    expect(attempt).toThrow(TransitionMismatch);
    expect(() =>
      expectTransition(new MachineHarness(door, { id: 'door' }), { type: 'open' }, { to: 'locked' }),
    ).toThrow(/door in closed on 'open':\n {2}went to open, expected locked/);
  });
});

describe('walkEventPolicy', () => {
  it('should find the state that drops an event silently, with the path to it', () => {
    const states = walkEventPolicy(door, {
      input: { id: 'door' },
      events: [{ type: 'open' }, { type: 'lock' }, { type: 'unlock' }, { type: 'close' }, { type: 'knock' }],
    });
    expect(states.map((s) => s.state).sort()).toEqual(['closed', 'locked', 'open']);
    const gaps = unhandledOnPaths(states, {
      closed: ['unlock', 'close'],
      locked: ['lock', 'close'],
      open: ['lock', 'unlock'],
    });
    expect(gaps.sort()).toEqual([
      'in locked (after lock): knock is unhandled',
      'in open (after open): knock is unhandled',
    ]);
  });
});

describe('checkDriver', () => {
  it('should find what a broken driver breaks, per property as check --driver says', async () => {
    const r = await checkDriver('examples/drivers/early-return-driver.ts', {
      scenarios: ['scenarios/seeds/fault-vs-unmap.yaml'],
    });
    expect(r.breaks).toEqual(['stale-spte', 'use-after-free']);
    const verdict = Object.fromEntries(r.properties.map((p) => [p.property, p.verdict]));
    expect(verdict.deadlock).toBe('keeps');
  });
});
