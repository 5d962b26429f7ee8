import { describe, expect, it } from 'vitest';
import { EBUSY, EFAULT } from '../../../machines/errno.ts';
import {
  busy,
  DEV,
  DRV,
  driver,
  fault,
  granted,
  invalidate,
  LOCK,
  observedKinds,
  PAGE,
  rangeResult,
  readBegin,
  retryResult,
  runs,
  SUB,
  sends,
  sentEvent,
  T1,
  T2,
  toLocked,
  zapped,
} from './driver-harness.ts';

describe('driver profile shadow-pte: fault path', () => {
  it('should run read_begin, hmm_range_fault, lock, read_retry, map, unlock, reply in that order', () => {
    const h = driver('shadow-pte');
    h.send(fault());
    expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
    expect(observedKinds(h)).toEqual([`sleep ${SUB}`]);
    h.send(readBegin(3));
    expect(sentEvent(h, 'hmm.rangeFault')).toMatchObject({
      tid: T1,
      start: PAGE,
      end: 3 * PAGE,
      fault: true,
      write: true,
      owner: DRV,
      seq: 3,
    });
    h.send(rangeResult());
    expect(sends(h)).toEqual([`${LOCK} lock.acquire`]);
    expect(sentEvent(h, 'lock.acquire')).toMatchObject({ tid: T1, mode: 'write', replyTo: DRV });
    expect(observedKinds(h)).toEqual([`sleep ${LOCK}`]);
    h.send(granted());
    expect(sentEvent(h, 'sub.readRetry')).toMatchObject({ tid: T1, seq: 3 });
    h.send(retryResult(false));
    expect(sends(h)).toEqual([`${DEV} dev.map`, `${LOCK} lock.release`, `${T1} drv.faultResult`]);
    expect(sentEvent(h, 'dev.map').entries).toEqual([
      { addr: PAGE, pfn: 10, gen: 1, version: 7, perm: 'write', pinned: false },
      { addr: 2 * PAGE, pfn: 11, gen: 1, version: 7, perm: 'read', pinned: false },
    ]);
    expect(sentEvent(h, 'drv.faultResult')).toEqual({ type: 'drv.faultResult', tid: T1, result: 0 });
    expect(h.matches({ fault: 'idle', callback: 'idle' } as never)).toBe(true);
    expect(h.context.request).toBeNull();
  });

  it('should restart from read_begin when the walk returns -EBUSY', () => {
    const h = driver('shadow-pte');
    h.send(fault());
    h.send(readBegin(3));
    h.send(rangeResult(EBUSY));
    expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
    expect((h.context.request as { retries: number }).retries).toBe(1);
  });

  it('should reply with the walk error and go idle on any other error', () => {
    const h = driver('shadow-pte');
    h.send(fault());
    h.send(readBegin(3));
    h.send(rangeResult(EFAULT));
    expect(sends(h)).toEqual([`${T1} drv.faultResult`]);
    expect(sentEvent(h, 'drv.faultResult').result).toBe(EFAULT);
    expect(h.matches('fault.idle')).toBe(true);
  });

  it('should unlock and restart when read_retry reports a collision under the lock', () => {
    const h = driver('shadow-pte');
    toLocked(h);
    h.send(retryResult(true));
    expect(sends(h)).toEqual([`${LOCK} lock.release`, `${SUB} sub.readBegin`]);
    expect(h.last.sends.some((s) => s.event.type === 'dev.map')).toBe(false);
  });

  it('should give up with -EBUSY after maxRetries restarts', () => {
    const h = driver('shadow-pte', { maxRetries: 2 });
    h.send(fault());
    for (let i = 0; i < 2; i++) {
      h.send(readBegin(3));
      h.send(rangeResult(EBUSY));
      expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
    }
    h.send(readBegin(3));
    h.send(rangeResult(EBUSY));
    expect(sends(h)).toEqual([`${T1} drv.faultResult`]);
    expect(sentEvent(h, 'drv.faultResult').result).toBe(EBUSY);
  });

  it("should restart as often as it collides, and keep no count, with maxRetries 'unbounded'", () => {
    const h = driver('shadow-pte', { maxRetries: 'unbounded' });
    h.send(fault());
    for (let i = 0; i < 20; i++) {
      h.send(readBegin(3));
      h.send(rangeResult(EBUSY));
      expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
      // No count: a restart leaves the request as the first attempt began it.
      expect(h.context.request).toMatchObject({ retries: 0, seq: null });
    }
    h.send(readBegin(3));
    h.send(rangeResult());
    h.send(granted());
    h.send(retryResult(false));
    expect(sentEvent(h, 'drv.faultResult').result).toBe(0);
  });

  it('should count read_retry collisions against the same bound', () => {
    const h = driver('shadow-pte', { maxRetries: 1 });
    toLocked(h);
    h.send(retryResult(true));
    h.send(readBegin(5));
    h.send(rangeResult());
    h.send(granted());
    h.send(retryResult(true));
    expect(sends(h)).toEqual([`${LOCK} lock.release`, `${T1} drv.faultResult`]);
    expect(sentEvent(h, 'drv.faultResult').result).toBe(EBUSY);
  });

  it('should defer new requests while a fault is being handled, and take them when idle', () => {
    const h = driver('shadow-pte');
    const deferred = () => Object.values(h.snapshot.getMeta()).flatMap((m) => (m as { defer?: string[] }).defer ?? []);
    expect(deferred()).toEqual([]);
    h.send(fault());
    expect(deferred()).toEqual(expect.arrayContaining(['drv.fault', 'drv.deviceFault', 'drv.submit']));
    h.send(readBegin(3));
    h.send(rangeResult());
    expect(deferred()).toContain('drv.fault');
    h.send(granted());
    h.send(retryResult(false));
    expect(deferred()).toEqual([]);
  });

  it('should take a device fault with the device as requester and one page around addr', () => {
    const h = driver('shadow-pte');
    h.send({ type: 'drv.deviceFault', addr: 2 * PAGE + 8, write: false } as never);
    expect(h.context.request).toMatchObject({ replyTo: DEV, tid: DEV, start: 2 * PAGE, end: 3 * PAGE, write: false });
    const big = driver('shadow-pte', { pageSize: 2 * PAGE });
    big.send({ type: 'drv.deviceFault', addr: 3 * PAGE, write: true } as never);
    expect(big.context.request).toMatchObject({ start: 2 * PAGE, end: 4 * PAGE, write: true });
  });
});

describe('driver profile shadow-pte: invalidate callback', () => {
  it('should lock, set_seq, zap, unlock and return true for a blockable range, in the invalidating tid', () => {
    const h = driver('shadow-pte');
    h.send(invalidate());
    expect(sentEvent(h, 'lock.acquire')).toMatchObject({ tid: T2, mode: 'write' });
    expect(observedKinds(h)).toEqual([`sleep ${LOCK}`]);
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${DEV} dev.zap`]);
    expect(sentEvent(h, 'sub.setSeq').curSeq).toBe(5);
    expect(sentEvent(h, 'dev.zap')).toMatchObject({ replyTo: DRV, tid: T2, start: PAGE, end: 2 * PAGE });
    h.send(zapped(T2));
    expect(sends(h)).toEqual([`${LOCK} lock.release`, `${SUB} drv.invalidateReturned`]);
    expect(sentEvent(h, 'lock.release').tid).toBe(T2);
    expect(sentEvent(h, 'drv.invalidateReturned')).toEqual({
      type: 'drv.invalidateReturned',
      sub: SUB,
      ok: true,
      tid: T2,
    });
    expect(h.matches('callback.idle')).toBe(true);
  });

  it('should trylock a non-blockable range and return false without set_seq when the lock is busy', () => {
    const h = driver('shadow-pte');
    h.send(invalidate({ blockable: false }));
    expect(sends(h)).toEqual([`${LOCK} lock.tryAcquire`]);
    expect(h.last.observations).toEqual([]);
    h.send(busy(T2));
    expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
    expect(sentEvent(h, 'drv.invalidateReturned').ok).toBe(false);
    expect(h.sent.some((s) => s.event.type === 'sub.setSeq')).toBe(false);
    expect(h.context.lockWaiters).toEqual([]);
  });

  it('should go on like a blockable callback when the trylock succeeds', () => {
    const h = driver('shadow-pte');
    h.send(invalidate({ blockable: false }));
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${DEV} dev.zap`]);
  });

  it('should ignore its own MIGRATE and EXCLUSIVE events: return true, no lock, no set_seq', () => {
    for (const event of ['MIGRATE', 'EXCLUSIVE']) {
      const h = driver('shadow-pte');
      h.send(invalidate({ event, owner: DRV }));
      expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
      expect(sentEvent(h, 'drv.invalidateReturned').ok).toBe(true);
      expect(h.matches('callback.idle')).toBe(true);
    }
  });

  it('should not filter MIGRATE of another owner, nor UNMAP carrying its own owner', () => {
    for (const over of [
      { event: 'MIGRATE', owner: 'drv:other' },
      { event: 'UNMAP', owner: DRV },
    ]) {
      const h = driver('shadow-pte');
      h.send(invalidate(over));
      expect(sends(h)).toEqual([`${LOCK} lock.acquire`]);
    }
  });

  it('should filter by the configured pgmap owner', () => {
    const h = driver('shadow-pte', { pgmapOwner: 'owner:gpu' });
    h.send(invalidate({ event: 'MIGRATE', owner: 'owner:gpu' }));
    expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
  });

  it('should let an invalidation wait for the lock held by a fault, then zap what the fault mapped', () => {
    const h = driver('shadow-pte');
    toLocked(h);
    h.send(invalidate());
    expect(sends(h)).toEqual([`${LOCK} lock.acquire`]);
    h.send(retryResult(false));
    expect(sends(h)).toEqual([`${DEV} dev.map`, `${LOCK} lock.release`, `${T1} drv.faultResult`]);
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${DEV} dev.zap`]);
  });

  it('should route a lock grant to the region that asked first when both use the same tid', () => {
    const h = driver('shadow-pte');
    h.send(fault());
    h.send(readBegin(3));
    h.send(rangeResult());
    h.send(invalidate({ tid: T1 }));
    expect(h.context.lockWaiters).toEqual([
      { region: 'request', tid: T1 },
      { region: 'callback', tid: T1 },
    ]);
    h.send(granted(T1));
    expect(sends(h)).toEqual([`${SUB} sub.readRetry`]);
    expect(h.matches('callback.running')).toBe(true);
    expect(runs(h).map((c) => c.step)).toEqual(['locking']);
    expect(h.context.lockWaiters).toEqual([{ region: 'callback', tid: T1 }]);
  });

  it("should run a second thread's invalidation beside the first, each in its own thread (per-thread callbacks)", () => {
    const h = driver('shadow-pte');
    h.send(invalidate());
    h.send(granted(T2)); // T2 holds the lock, its zap outstanding
    h.send(invalidate({ tid: 'thread:t3', blockable: false }));
    expect(sentEvent(h, 'lock.tryAcquire')).toMatchObject({ tid: 'thread:t3' });
    h.send(busy('thread:t3'));
    expect(sentEvent(h, 'drv.invalidateReturned')).toEqual({
      type: 'drv.invalidateReturned',
      sub: SUB,
      ok: false,
      tid: 'thread:t3',
    });
    expect(runs(h).map((c) => [c.tid, c.step])).toEqual([[T2, 'zapping']]);
    h.send(invalidate({ tid: 'thread:t4' }));
    expect(sentEvent(h, 'lock.acquire')).toMatchObject({ tid: 'thread:t4' });
    h.send(zapped(T2));
    expect(sentEvent(h, 'drv.invalidateReturned')).toMatchObject({ ok: true, tid: T2 });
    h.send(granted('thread:t4'));
    expect(sentEvent(h, 'sub.setSeq')).toMatchObject({ tid: 'thread:t4' });
    h.send(zapped('thread:t4'));
    expect(sentEvent(h, 'drv.invalidateReturned')).toMatchObject({ ok: true, tid: 'thread:t4' });
    expect(h.matches('callback.idle')).toBe(true);
  });

  it("should not take a device flush that arrives before the callback's lock for its zap", () => {
    const h = driver('shadow-pte');
    h.send(invalidate());
    expect(h.snapshot.can(zapped(T2))).toBe(false);
  });
});
