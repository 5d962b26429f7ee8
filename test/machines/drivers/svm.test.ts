import { describe, expect, it } from 'vitest';
import { EBUSY, EFAULT } from '../../../machines/errno.ts';
import {
  driver,
  fault,
  granted,
  invalidate,
  LOCK,
  MM,
  mmResult,
  rangeResult,
  readBegin,
  retryResult,
  SUB,
  sends,
  sentEvent,
  T1,
} from './driver-harness.ts';

describe('driver profile svm', () => {
  it('should mmget_not_zero before read_begin and mmput right after the walk', () => {
    const h = driver('svm');
    h.send(fault());
    expect(sends(h)).toEqual([`${MM} mm.get`]);
    expect(sentEvent(h, 'mm.get')).toMatchObject({ replyTo: 'drv:gpu0', tid: T1 });
    h.send(mmResult('get', 0));
    expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
    h.send(readBegin(3));
    h.send(rangeResult());
    expect(sends(h)).toEqual([`${MM} mm.put`, `${LOCK} lock.acquire`]);
    h.send(granted());
    h.send(retryResult(false));
    expect(sentEvent(h, 'drv.faultResult').result).toBe(0);
  });

  it('should fail with -EFAULT, without walking or mmput, once the process has exited', () => {
    const h = driver('svm');
    h.send(fault());
    h.send(mmResult('get', EFAULT));
    expect(sends(h)).toEqual([`${T1} drv.faultResult`]);
    expect(sentEvent(h, 'drv.faultResult').result).toBe(EFAULT);
    expect(h.sent.some((s) => s.event.type === 'mm.put' || s.event.type === 'sub.readBegin')).toBe(false);
    expect(h.matches('fault.idle')).toBe(true);
  });

  it('should take the mm again on every restart, and put it after a failed walk too', () => {
    const h = driver('svm');
    h.send(fault());
    h.send(mmResult('get', 0));
    h.send(readBegin(3));
    h.send(rangeResult(EBUSY));
    expect(sends(h)).toEqual([`${MM} mm.put`, `${MM} mm.get`]);
    h.send(mmResult('get', EFAULT));
    expect(sentEvent(h, 'drv.faultResult').result).toBe(EFAULT);
  });

  it('should not mistake the reply to someone else for its mm.get', () => {
    const h = driver('svm');
    h.send(fault());
    // Not its reply: the runtime reports it as unhandled rather than taking it for the mm.get.
    expect(() => h.send(mmResult('get', 0, undefined, 'thread:other'))).toThrow(/unhandled event/);
    expect(h.matches('fault.speculative.mmget')).toBe(true);
    expect(() => h.send(mmResult('unpin', 0))).toThrow(/unhandled event/);
    expect(h.matches('fault.speculative.mmget')).toBe(true);
  });

  it('should invalidate like shadow-pte (trylock when not blockable)', () => {
    const h = driver('svm');
    h.send(invalidate({ blockable: false }));
    expect(sends(h)).toEqual([`${LOCK} lock.tryAcquire`]);
  });
});
