/**
 * Which replies to a built-in driver the explorer may take in the step that sends them
 * (machines/drivers/movers.ts): each rule on the driver contexts it is about. That the search
 * keeps its verdicts with them: test/explorer/returns.test.ts and reduction-soundness.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { initialDriverContext } from '../../../machines/drivers/driver-context.ts';
import type { CallbackRun, DriverContext, DriverRequest } from '../../../machines/drivers/driver-types.ts';
import { faultsFromOneThread, replyCommutes } from '../../../machines/drivers/movers.ts';

const input = { id: 'drv:gpu0', sub: 'sub:gpu0', lock: 'lock:gpu0', mm: 'mm:p1', dev: 'dev:gpu0' };

function request(tid: string, seq: number | null): DriverRequest {
  return {
    kind: 'fault',
    replyTo: tid,
    tid,
    start: 0x10000,
    end: 0x11000,
    write: false,
    job: null,
    fence: null,
    accesses: [],
    deps: [],
    seq,
    retries: 0,
    pages: [],
    pinned: false,
    result: 0,
  } as DriverRequest;
}

function callback(tid: string, step: CallbackRun['step']): CallbackRun {
  const run = { sub: 'sub:gpu0', tid, start: 0x10000, end: 0x11000, curSeq: 3, event: 'CLEAR', blockable: true };
  return { ...run, holdsLock: false, step, fences: [] };
}

const waiter = (region: 'request' | 'callback', tid: string) => ({ region, tid });

/** A shadow-pte driver context with `patch` over it. */
const driver = (patch: Partial<DriverContext>): DriverContext => ({
  ...initialDriverContext(input, 'shadow-pte'),
  ...patch,
});

describe("a built-in driver's replies that commute with everything else it could take", () => {
  it("should take read_begin's result for the request it serves, and nothing for another thread", () => {
    const waiting = driver({ request: request('thread:drv0', null) });
    expect(replyCommutes(waiting, { type: 'sub.readBeginResult', tid: 'thread:drv0' })).toBe(true);
    expect(replyCommutes(waiting, { type: 'sub.readBeginResult', tid: 'thread:cpu' })).toBe(false);
    expect(replyCommutes(driver({}), { type: 'sub.readBeginResult', tid: 'thread:drv0' })).toBe(false);
  });

  it('should take a lock grant routed to the request, but not with retry-outside-lock (it programs at once)', () => {
    const acquiring = { request: request('thread:drv0', 1), lockWaiters: [waiter('request', 'thread:drv0')] };
    expect(replyCommutes(driver(acquiring), { type: 'lock.granted', tid: 'thread:drv0' })).toBe(true);
    const bug = driver({ ...acquiring, bugs: ['retry-outside-lock'] });
    expect(replyCommutes(bug, { type: 'lock.granted', tid: 'thread:drv0' })).toBe(false);
    // Not waiting: a grant the machine would not route to the request.
    expect(
      replyCommutes(driver({ request: request('thread:drv0', 1) }), { type: 'lock.granted', tid: 'thread:drv0' }),
    ).toBe(false);
  });

  it("should take a callback's lock grant only while no fence is published (the jobs region may drop one first)", () => {
    const locking = {
      request: request('thread:drv0', 1),
      callbacks: [callback('thread:cpu', 'locking')],
      lockWaiters: [waiter('callback', 'thread:cpu'), waiter('request', 'thread:drv0')],
    };
    expect(replyCommutes(driver(locking), { type: 'lock.granted', tid: 'thread:cpu' })).toBe(true);
    const published = driver({ ...locking, published: ['fence:job0'] });
    expect(replyCommutes(published, { type: 'lock.granted', tid: 'thread:cpu' })).toBe(false);
    // A callback already past its lock request gets no grant routed to it.
    const zapping = driver({ ...locking, callbacks: [callback('thread:cpu', 'zapping')] });
    expect(replyCommutes(zapping, { type: 'lock.granted', tid: 'thread:cpu' })).toBe(false);
  });

  it("should take the walk's result for the request it serves", () => {
    const walking = driver({ request: request('thread:drv0', 1), callbacks: [callback('thread:cpu', 'locking')] });
    expect(replyCommutes(walking, { type: 'hmm.rangeResult', tid: 'thread:drv0' })).toBe(true);
    expect(replyCommutes(walking, { type: 'hmm.rangeResult', tid: 'thread:cpu' })).toBe(false);
  });

  it("should take read_retry's result for the request, and the zap's confirmation for a callback zapping", () => {
    const both = driver({
      request: request('thread:drv0', 1),
      callbacks: [callback('thread:cpu', 'zapping')],
      lockWaiters: [],
    });
    expect(replyCommutes(both, { type: 'sub.retryResult', tid: 'thread:drv0' })).toBe(true);
    expect(replyCommutes(both, { type: 'dev.zapped', tid: 'thread:cpu' })).toBe(true);
    // Crossed: no read_retry of the callback's thread, no zap of the request's.
    expect(replyCommutes(both, { type: 'sub.retryResult', tid: 'thread:cpu' })).toBe(false);
    expect(replyCommutes(both, { type: 'dev.zapped', tid: 'thread:drv0' })).toBe(false);
    // Still locking: no zap confirmation is due.
    const locking = driver({
      callbacks: [callback('thread:cpu', 'locking')],
      lockWaiters: [waiter('callback', 'thread:cpu')],
    });
    expect(replyCommutes(locking, { type: 'dev.zapped', tid: 'thread:cpu' })).toBe(false);
  });

  it('should keep every other reply a step: pins, fence waits, trylocks, a grant without a thread', () => {
    const busy = driver({
      request: request('thread:drv0', 1),
      callbacks: [callback('thread:cpu', 'fenceWait')],
      lockWaiters: [waiter('request', 'thread:drv0')],
    });
    for (const type of ['mm.result', 'fence.waitResult', 'lock.busy'])
      for (const tid of ['thread:drv0', 'thread:cpu'])
        expect(replyCommutes(busy, { type, tid }), `${type} ${tid}`).toBe(false);
    expect(replyCommutes(busy, { type: 'lock.granted' })).toBe(false);
  });
});

describe("a thread's fault call to a driver only that thread calls", () => {
  const fault = { type: 'drv.fault', tid: 'thread:drv0', start: 0x10000, end: 0x11000 };

  it('should take it while the fault path is idle, where its requests can only be that thread’s faults', () => {
    expect(replyCommutes(driver({}), fault, true)).toBe(true);
    // Beside a callback of another thread: the regions touch different fields.
    expect(replyCommutes(driver({ callbacks: [callback('thread:cpu', 'locking')] }), fault, true)).toBe(true);
    // Another request could come first: which is served first would matter.
    expect(replyCommutes(driver({}), fault, false)).toBe(false);
    expect(replyCommutes(driver({ request: request('thread:drv0', null) }), fault, true)).toBe(false);
  });

  it('should say which drivers get faults of one thread only, by the ops of the world', () => {
    const faults = (to: string) => ({ ops: [{ to, event: { type: 'drv.fault' } }] });
    const job = { ops: [{ to: 'dev:gpu0', event: { type: 'dev.submit' } }] };
    const submit = { ops: [{ to: 'drv:gpu0', event: { type: 'drv.submit' } }] };
    expect(faultsFromOneThread([faults('drv:gpu0'), faults('drv:gpu1')], 'drv:gpu0', 'dev:gpu0')).toBe(true);
    expect(faultsFromOneThread([faults('drv:gpu0'), faults('drv:gpu0')], 'drv:gpu0', 'dev:gpu0')).toBe(false);
    expect(faultsFromOneThread([faults('drv:gpu0'), job], 'drv:gpu0', 'dev:gpu0')).toBe(false);
    expect(faultsFromOneThread([faults('drv:gpu0'), submit], 'drv:gpu0', 'dev:gpu0')).toBe(false);
    expect(faultsFromOneThread([faults('drv:gpu1')], 'drv:gpu0', 'dev:gpu0')).toBe(false);
  });
});
