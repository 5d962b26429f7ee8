/**
 * The scheduling-point rules of src/runtime/delivery.ts, on toy machines: a transition's sends
 * reach their inboxes one call at a time, a device takes posted commands, and a concurrent
 * sender's channels are per thread.
 */

import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import { type ActorSpec, ControlledWorld, type WorldState } from '../../src/runtime/controlled-world.ts';

/** Takes every event and logs its type. */
const recorder = setup({
  types: { context: {} as { log: string[] } },
  actions: { ...kernelActions },
}).createMachine({
  id: 'recorder',
  context: { log: [] },
  on: { '*': { actions: assign({ log: ({ context, event }) => [...context.log, event.type] }) } },
});

/** On `go`, makes three calls in one action: `a` to r1, `b` to r2, `c` to r1. */
const caller = setup({ actions: { ...kernelActions } }).createMachine({
  id: 'caller',
  on: {
    go: {
      actions: [
        { type: 'kSend', params: { to: 'r1', event: { type: 'a' } } },
        { type: 'kSend', params: { to: 'r2', event: { type: 'b' } } },
        { type: 'kSend', params: { to: 'r1', event: { type: 'c' } } },
      ],
    },
    // A call of the thread named by `tid`, with no tid of its own: it runs in that thread.
    poke: { actions: { type: 'kSend', params: ({ event }) => ({ to: 'r1', event: { type: `from-${event.tid}` } }) } },
  },
});

/** Sends `go` to the caller at start, and the two pokes in two threads. */
const starter = (events: { type: string; tid?: string }[]) =>
  setup({ actions: { ...kernelActions } }).createMachine({
    id: 'starter',
    entry: events.map((event) => ({ type: 'kSend' as const, params: { to: 'caller', event } })),
  });

function world(opts: { events: { type: string; tid?: string }[]; concurrent?: boolean; r2Device?: boolean }) {
  const specs: ActorSpec[] = [
    { id: 'starter', machine: starter(opts.events), input: {} },
    { id: 'caller', machine: caller, input: {}, concurrent: opts.concurrent },
    { id: 'r1', machine: recorder, input: {} },
    { id: 'r2', machine: recorder, input: {}, asynchronous: opts.r2Device },
  ];
  return new ControlledWorld(specs);
}

const inboxTypes = (w: ControlledWorld, s: WorldState, actor: string) =>
  w.inbox(s, w.indexOf(actor)).map((m) => w.message(m).event.type);

/** Take the first enabled step of `actor`. */
function take(w: ControlledWorld, s: WorldState, actor: string): WorldState {
  const step = w.enabled(s).find((x) => x.actor === w.indexOf(actor));
  if (!step) throw new Error(`${actor} has no step`);
  return w.apply(s, step).state;
}

describe('scheduling points (delivery.ts)', () => {
  it('should put each call of a transition in its inbox only after the call before it was taken', () => {
    const w = world({ events: [{ type: 'go' }] });
    let s = take(w, w.initial, 'caller');
    expect([inboxTypes(w, s, 'r1'), inboxTypes(w, s, 'r2')]).toEqual([['a'], []]);
    s = take(w, s, 'r1');
    expect([inboxTypes(w, s, 'r1'), inboxTypes(w, s, 'r2')]).toEqual([[], ['b']]);
    s = take(w, s, 'r2');
    expect([inboxTypes(w, s, 'r1'), inboxTypes(w, s, 'r2')]).toEqual([['c'], []]);
  });

  it('should not hold up the caller for a command posted to a device', () => {
    const w = world({ events: [{ type: 'go' }], r2Device: true });
    let s = take(w, w.initial, 'caller');
    s = take(w, s, 'r1');
    // b is posted to the device and c goes out with it: r1 may take c before the device runs b.
    expect([inboxTypes(w, s, 'r1'), inboxTypes(w, s, 'r2')]).toEqual([['c'], ['b']]);
  });

  it("should let one thread's call overtake another's from a concurrent sender, and not from a serial one", () => {
    const events = [
      { type: 'poke', tid: 't1' },
      { type: 'poke', tid: 't2' },
    ];
    for (const concurrent of [true, false]) {
      const w = world({ events, concurrent });
      let s = take(w, w.initial, 'caller');
      s = take(w, s, 'caller');
      expect(inboxTypes(w, s, 'r1')).toEqual(['from-t1', 'from-t2']);
      const r1Steps = w.enabled(s).filter((x) => x.actor === w.indexOf('r1'));
      expect(r1Steps.length, `concurrent: ${concurrent}`).toBe(concurrent ? 2 : 1);
    }
  });

  it('should name each message after its thread: the tid it carries, else the thread it was sent in', () => {
    const w = world({ events: [{ type: 'poke', tid: 't1' }] });
    const s = take(w, w.initial, 'caller');
    const [m] = w.inbox(s, w.indexOf('r1'));
    expect(w.message(m).thread).toBe('t1');
    const [go] = w.inbox(w.initial, w.indexOf('caller'));
    expect(w.message(go).thread).toBe('t1');
  });
});
