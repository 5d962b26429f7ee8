import { describe, expect, it } from 'vitest';
import { EFAULT } from '../../../machines/errno.ts';
import {
  DEV,
  driver,
  fault,
  granted,
  invalidate,
  LOCK,
  MM,
  mmResult,
  PAGE,
  readBegin,
  retryResult,
  SUB,
  sends,
  sentEvent,
  T1,
  T2,
  zapped,
} from './driver-harness.ts';

const pins = [
  { addr: PAGE, pfn: 10, gen: 1 },
  { addr: 2 * PAGE, pfn: 11, gen: 2 },
];

function register(h: ReturnType<typeof driver>) {
  h.send(fault());
  h.send(readBegin(3));
}

describe('driver profile registration-cache', () => {
  it('should pin between read_begin and the lock, then read_retry under the lock and map pinned entries', () => {
    const h = driver('registration-cache');
    register(h);
    expect(sends(h)).toEqual([`${MM} mm.pin`]);
    expect(sentEvent(h, 'mm.pin')).toMatchObject({ tid: T1, addr: PAGE, length: 2 * PAGE, write: true });
    h.send(mmResult('pin', 0, pins));
    expect(sends(h)).toEqual([`${LOCK} lock.acquire`]);
    h.send(granted());
    expect(sends(h)).toEqual([`${SUB} sub.readRetry`]);
    h.send(retryResult(false));
    expect(sends(h)).toEqual([`${DEV} dev.map`, `${LOCK} lock.release`, `${T1} drv.faultResult`]);
    expect(sentEvent(h, 'dev.map').entries).toEqual([
      { addr: PAGE, pfn: 10, gen: 1, version: null, perm: 'write', pinned: true },
      { addr: 2 * PAGE, pfn: 11, gen: 2, version: null, perm: 'write', pinned: true },
    ]);
    expect(h.context.pinned).toEqual(pins);
  });

  it('should unpin the pages of an attempt that collided before restarting', () => {
    const h = driver('registration-cache');
    register(h);
    h.send(mmResult('pin', 0, pins));
    h.send(granted());
    h.send(retryResult(true));
    expect(sends(h)).toEqual([`${LOCK} lock.release`, `${MM} mm.unpin`, `${SUB} sub.readBegin`]);
    expect(sentEvent(h, 'mm.unpin').pfns).toEqual(pins);
    expect(h.context.pinned).toEqual([]);
  });

  it('should reply with the pin error', () => {
    const h = driver('registration-cache');
    register(h);
    h.send(mmResult('pin', EFAULT));
    expect(sentEvent(h, 'drv.faultResult').result).toBe(EFAULT);
  });

  it('should react only to UNMAP: other events return true at once, without set_seq or lock', () => {
    for (const event of ['CLEAR', 'PROTECTION_VMA', 'RELEASE', 'MIGRATE']) {
      const h = driver('registration-cache');
      h.send(invalidate({ event }));
      expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
      expect(sentEvent(h, 'drv.invalidateReturned').ok).toBe(true);
    }
  });

  it('should, on UNMAP, lock, set_seq, zap, then unpin the zapped entries and unlock', () => {
    const h = driver('registration-cache');
    register(h);
    h.send(mmResult('pin', 0, pins));
    h.send(granted());
    h.send(retryResult(false));
    h.send(invalidate({ start: 2 * PAGE, end: 3 * PAGE }));
    expect(sends(h)).toEqual([`${LOCK} lock.acquire`]);
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${DEV} dev.zap`]);
    h.send(zapped(T2));
    expect(sends(h)).toEqual([`${MM} mm.unpin`, `${LOCK} lock.release`, `${SUB} drv.invalidateReturned`]);
    expect(sentEvent(h, 'mm.unpin').pfns).toEqual([pins[1]]);
    expect(h.context.pinned).toEqual([pins[0]]);
  });

  it('should only trylock on a non-blockable UNMAP; hfi1, which takes the mutex regardless, is the sleep-when-nonblockable knob', () => {
    const h = driver('registration-cache');
    h.send(invalidate({ blockable: false }));
    expect(sends(h)).toEqual([`${LOCK} lock.tryAcquire`]);
    const hfi1 = driver('registration-cache', { bugs: ['sleep-when-nonblockable'] });
    hfi1.send(invalidate({ blockable: false }));
    expect(sends(hfi1)).toEqual([`${LOCK} lock.acquire`]);
  });

  it('should release the old pin when a registration replaces a cached page', () => {
    const h = driver('registration-cache');
    register(h);
    h.send(mmResult('pin', 0, pins));
    h.send(granted());
    h.send(retryResult(false));
    register(h);
    const fresh = [{ addr: PAGE, pfn: 20, gen: 3 }];
    h.send(mmResult('pin', 0, fresh));
    h.send(granted());
    h.send(retryResult(false));
    expect(sends(h)).toEqual([`${DEV} dev.map`, `${MM} mm.unpin`, `${LOCK} lock.release`, `${T1} drv.faultResult`]);
    expect(sentEvent(h, 'mm.unpin').pfns).toEqual([pins[0]]);
    expect(h.context.pinned).toEqual([fresh[0], pins[1]]);
  });

  it('should map without pins through hmm_range_fault when pin is false (the unpinned scenario)', () => {
    for (const extra of [{ pin: false }, { bugs: ['no-pin'] }]) {
      const h = driver('registration-cache', extra);
      register(h);
      expect(sends(h)).toEqual([`${MM} hmm.rangeFault`]);
    }
  });
});
