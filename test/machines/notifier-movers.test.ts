/**
 * Which replies to a subscription and to the notifier core the explorer may take in the step
 * that sends them (machines/notifier-movers.ts): each rule on the contexts it is about, and where
 * two walks may overlap. On whole state graphs: test/explorer/movers-audit.test.ts; the verdicts:
 * returns.test.ts and reduction-soundness.test.ts.
 */

import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import type { NotifierCoreContext, PendingStart } from '../../machines/notifier-core-types.ts';
import { coreReplyCommutes, subscriptionReplyCommutes, walksMayOverlap } from '../../machines/notifier-movers.ts';
import { type RangeNotifierContext, rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';

const CPU = 'thread:cpu';

function subscription(callbacks: RangeNotifierContext['callbacks']): RangeNotifierContext {
  const input = { id: 'sub:gpu0', core: 'core:p1', driver: 'drv:gpu0', start: 0x10000, length: 0x1000 };
  const initial = createActor(rangeNotifierMachine, { input }).getSnapshot().context;
  return { ...initial, seq: 3, epochSeq: 3, callbacks };
}

function core(starting: Partial<PendingStart>[]): NotifierCoreContext {
  const initial = createActor(notifierCoreMachine, { input: { id: 'core:p1', mm: 'mm:p1' } }).getSnapshot().context;
  const start = { replyTo: 'mm:p1', start: 0x10000, end: 0x11000, event: 'UNMAP', owner: null, curSeq: 3, targets: [] };
  return {
    ...initial,
    seq: 3,
    active: 1,
    starting: starting.map((s) => ({ ...start, tid: CPU, blockable: true, calling: null, ...s })),
  };
}

describe("a subscription's replies", () => {
  it("should take a callback's return in the thread of a callback it runs, naming that thread", () => {
    const running = subscription([{ tid: CPU, blockable: true }]);
    const ret = { type: 'drv.invalidateReturned', sub: 'sub:gpu0', ok: true };
    expect(subscriptionReplyCommutes(running, { ...ret, tid: CPU })).toBe(true);
    expect(subscriptionReplyCommutes(running, { ...ret, ok: false, tid: CPU } as never)).toBe(true);
    // One that names no thread ends the oldest callback, whoever's it is.
    expect(subscriptionReplyCommutes(running, ret)).toBe(false);
    expect(subscriptionReplyCommutes(running, { ...ret, tid: 'thread:other' })).toBe(false);
    expect(subscriptionReplyCommutes(subscription([]), { ...ret, tid: CPU })).toBe(false);
    expect(subscriptionReplyCommutes(running, { type: 'sub.readBegin', tid: CPU })).toBe(false);
  });
});

describe("the notifier core's replies", () => {
  const back = { type: 'sub.callbackReturned', sub: 'sub:gpu0', tid: CPU };

  it('should take a return of true from the subscription the thread is calling', () => {
    const calling = core([{ calling: 'sub:gpu0', targets: ['sub:gpu1'] }]);
    expect(coreReplyCommutes(calling, { ...back, ok: true })).toBe(true);
    expect(coreReplyCommutes(calling, { ...back, ok: true, sub: 'sub:gpu1' })).toBe(false);
    expect(coreReplyCommutes(calling, { ...back, ok: true, tid: 'thread:other' })).toBe(false);
    expect(coreReplyCommutes(calling, { type: 'sub.callbackReturned', sub: 'sub:gpu0', ok: true })).toBe(false);
  });

  it('should keep a refusal a step: it ends the range (non-blockable) or records a model error (blockable)', () => {
    for (const blockable of [false, true]) {
      const calling = core([{ calling: 'sub:gpu0', blockable }]);
      expect(coreReplyCommutes(calling, { ...back, ok: false })).toBe(false);
    }
  });
});

describe('walks that may overlap', () => {
  const thread = (type: string, to = 'mm:p1') => ({ id: 'thread:t', ops: [{ to, event: { type } }] });

  it('should see reclaim and the OOM reaper asked of that mm by a thread, or an allocation that may reclaim', () => {
    expect(walksMayOverlap([thread('mm.munmap'), thread('mm.mprotect')], 'mm:p1')).toBe(false);
    expect(walksMayOverlap([thread('mm.munmap'), thread('mm.reclaim')], 'mm:p1')).toBe(true);
    expect(walksMayOverlap([thread('mm.oomReap')], 'mm:p1')).toBe(true);
    expect(walksMayOverlap([thread('mm.oomReap', 'mm:p2')], 'mm:p1')).toBe(false);
    const device = (mm: string) => ({
      id: 'dev:gpu0',
      completion: { takesLock: null, allocates: { mm, addr: 0x10000 } },
    });
    expect(walksMayOverlap([device('mm:p1')], 'mm:p1')).toBe(true);
    expect(walksMayOverlap([device('mm:p2'), { id: 'dev:gpu1', completion: { allocates: null } }], 'mm:p1')).toBe(
      false,
    );
  });
});
