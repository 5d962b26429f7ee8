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

const ALONE = { walksAlone: true, retriesUnderLock: false };
const UNDER_LOCK = { walksAlone: false, retriesUnderLock: true };

describe("a subscription's replies", () => {
  it("should take a callback's return in the thread of a callback it runs, naming that thread", () => {
    const running = subscription([{ tid: CPU, blockable: true }]);
    const ret = { type: 'drv.invalidateReturned', sub: 'sub:gpu0', ok: true };
    expect(subscriptionReplyCommutes(running, { ...ret, tid: CPU }, ALONE)).toBe(true);
    expect(subscriptionReplyCommutes(running, { ...ret, ok: false, tid: CPU } as never, ALONE)).toBe(true);
    // One that names no thread ends the oldest callback, whoever's it is.
    expect(subscriptionReplyCommutes(running, ret, ALONE)).toBe(false);
    expect(subscriptionReplyCommutes(running, { ...ret, tid: 'thread:other' }, ALONE)).toBe(false);
    expect(subscriptionReplyCommutes(subscription([]), { ...ret, tid: CPU }, ALONE)).toBe(false);
    expect(subscriptionReplyCommutes(running, { type: 'sub.readBegin', tid: CPU }, ALONE)).toBe(false);
    // Where two walks may overlap, two threads' returns leave their next calls in either order.
    expect(subscriptionReplyCommutes(running, { ...ret, tid: CPU }, UNDER_LOCK)).toBe(false);
  });

  it('should take a read_retry of a driver that retries under its lock, unless a set_seq could go first', () => {
    const retry = { type: 'sub.readRetry', replyTo: 'drv:gpu0', tid: 'gpu0/fault', seq: 3 };
    const idle = subscription([]);
    expect(subscriptionReplyCommutes(idle, retry, UNDER_LOCK)).toBe(true);
    // Other threads' read_begin, a callback's return, the epoch's end: none touches the seq.
    expect(
      subscriptionReplyCommutes(idle, retry, UNDER_LOCK, ['sub.readBegin', 'drv.invalidateReturned', 'sub.epochEnded']),
    ).toBe(true);
    expect(subscriptionReplyCommutes(idle, retry, UNDER_LOCK, ['sub.setSeq'])).toBe(false);
    // A driver that checks outside its lock (the planted retry-outside-lock), or a module's.
    expect(subscriptionReplyCommutes(idle, retry, ALONE)).toBe(false);
    // Not attached yet: the read_retry waits (deferred).
    expect(subscriptionReplyCommutes({ ...idle, seq: null }, retry, UNDER_LOCK)).toBe(false);
  });

  it("should take an invalidation's call where a read_begin answers alike before and after it", () => {
    const call = { type: 'sub.invalidate', tid: CPU, curSeq: 5, start: 0, end: 0x1000, blockable: true };
    // The epoch of seq 3 is over (its end still on its way): a read_begin now sleeps, after the
    // new epoch's call it would not (the subscription's seq is still 3): the order matters.
    expect(subscriptionReplyCommutes(subscription([]), call, ALONE)).toBe(false);
    // Told of no epoch: a read_begin answers at once either way.
    const quiet = { ...subscription([]), epochSeq: null };
    expect(subscriptionReplyCommutes(quiet, call, ALONE)).toBe(true);
    expect(subscriptionReplyCommutes(quiet, call, ALONE, ['sub.readBegin', 'sub.setSeq', 'sub.readRetry'])).toBe(true);
    // Another walk's call or the end of an epoch beside it: where walks overlap.
    expect(subscriptionReplyCommutes(quiet, call, ALONE, ['sub.invalidate'])).toBe(false);
    expect(subscriptionReplyCommutes(quiet, call, ALONE, ['sub.epochEnded'])).toBe(false);
    expect(subscriptionReplyCommutes(quiet, call, UNDER_LOCK)).toBe(false);
    // The thread already runs the callback: the call is dropped, nothing to take.
    expect(subscriptionReplyCommutes({ ...quiet, callbacks: [{ tid: CPU, blockable: true }] }, call, ALONE)).toBe(
      false,
    );
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
