import { describe, expect, it } from 'vitest';
import { EIO, ENOENT } from '../../../machines/errno.ts';
import type { MachineHarness } from '../../../src/testing/index.ts';
import {
  addCallbackResult,
  DEV,
  DRV,
  driver,
  fault,
  fenceCallback,
  granted,
  invalidate,
  LOCK,
  observedKinds,
  retryResult,
  runs,
  SUB,
  sends,
  sentEvent,
  submit,
  T1,
  T2,
  toLocked,
  waitResult,
  zapped,
} from './driver-harness.ts';

const FENCE = 'fence:f1';

/** A submission that passed read_retry: its fence is published and the job is running. */
function submitted(h: MachineHarness): void {
  toLocked(h, submit());
  h.send(retryResult(false));
  h.send(addCallbackResult(0));
}

/** Index in the whole send history of the first send of `type`. */
const at = (h: MachineHarness, type: string) => h.sent.findIndex((s) => s.event.type === type);

describe('driver userptr submission (both fence profiles)', () => {
  for (const profile of ['userptr-fence-under-lock', 'userptr-fence-after-unlock']) {
    it(`should publish the fence and submit the job under the lock, then unlock (${profile})`, () => {
      const h = driver(profile);
      toLocked(h, submit());
      h.send(retryResult(false));
      expect(sends(h)).toEqual([
        `${DEV} dev.map`,
        `${DEV} dev.submit`,
        `${LOCK} lock.release`,
        `${FENCE} fence.addCallback`,
      ]);
      expect(sentEvent(h, 'dev.submit')).toMatchObject({ replyTo: DRV, tid: T1, job: 'j1', fence: FENCE });
      expect(sentEvent(h, 'fence.addCallback')).toEqual({ type: 'fence.addCallback', replyTo: DRV, cbId: `${DRV}#j1` });
      expect(h.context.published).toEqual([FENCE]);
      expect(h.context.submitted).toEqual([
        { cbId: `${DRV}#j1`, tid: T1, replyTo: T1, job: 'j1', fence: FENCE, registered: false },
      ]);
      expect(h.matches('fault.idle')).toBe(true);
    });
  }

  it('should keep the submitter waiting until the fence callback, then unpublish and reply with the fence status', () => {
    const h = driver('userptr-fence-after-unlock');
    submitted(h);
    h.send({ type: 'dev.jobDone', tid: T1, job: 'j1', result: 0 } as never);
    expect(h.sent.some((s) => s.event.type === 'drv.submitResult')).toBe(false);
    h.send(fenceCallback(EIO));
    expect(sends(h)).toEqual([`${T1} drv.submitResult`]);
    expect(sentEvent(h, 'drv.submitResult')).toEqual({ type: 'drv.submitResult', tid: T1, result: EIO });
    expect(h.context.published).toEqual([]);
    expect(h.context.submitted).toEqual([]);
  });

  it("should serve a device fault while a submitter waits for its job's fence (requests are per thread)", () => {
    const h = driver('userptr-fence-after-unlock');
    submitted(h);
    h.send(fault({ replyTo: DEV, tid: `${DEV}/engine` }));
    expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
    expect(h.matches('fault.speculative.readBegin')).toBe(true);
    h.send(fenceCallback(0));
    expect(sentEvent(h, 'drv.submitResult')).toEqual({ type: 'drv.submitResult', tid: T1, result: 0 });
    expect(h.matches('fault.speculative.readBegin')).toBe(true);
  });

  it('should reply at once when the fence had already signalled (-ENOENT)', () => {
    const h = driver('userptr-fence-under-lock');
    toLocked(h, submit());
    h.send(retryResult(false));
    h.send(addCallbackResult(ENOENT));
    expect(sentEvent(h, 'drv.submitResult').result).toBe(0);
    expect(h.context.published).toEqual([]);
  });

  it('should not publish a fence when read_retry collides', () => {
    const h = driver('userptr-fence-under-lock');
    toLocked(h, submit());
    h.send(retryResult(true));
    expect(sends(h)).toEqual([`${LOCK} lock.release`, `${SUB} sub.readBegin`]);
    expect(h.context.published).toEqual([]);
  });

  it('should take the update lock in the configured mode on the submission path', () => {
    const h = driver('userptr-fence-after-unlock', { submitLockMode: 'read' });
    h.send(submit());
    h.send({ type: 'sub.readBeginResult', sub: SUB, tid: T1, seq: 3 } as never);
    h.send({ type: 'hmm.rangeResult', tid: T1, result: 0, pfns: [] } as never);
    expect(sentEvent(h, 'lock.acquire').mode).toBe('read');
  });
});

describe('driver profile userptr-fence-under-lock: callback', () => {
  it('should set_seq and wait for every published fence while holding the lock, then zap and unlock', () => {
    const h = driver('userptr-fence-under-lock');
    submitted(h);
    h.send(invalidate());
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${FENCE} fence.wait`]);
    expect(sentEvent(h, 'fence.wait')).toEqual({
      type: 'fence.wait',
      replyTo: DRV,
      tid: T2,
      intr: false,
      timeout: 'forever',
    });
    expect(observedKinds(h)).toEqual([`sleep ${FENCE}`]);
    h.send(waitResult(FENCE, T2));
    expect(sends(h)).toEqual([`${DEV} dev.zap`]);
    h.send(zapped(T2));
    expect(sends(h)).toEqual([`${LOCK} lock.release`, `${SUB} drv.invalidateReturned`]);
    const releases = h.sent.flatMap((s, i) => (s.event.type === 'lock.release' ? [i] : []));
    expect(releases.at(-1)).toBeGreaterThan(at(h, 'fence.wait'));
  });

  it('should return false at once for a non-blockable range', () => {
    const h = driver('userptr-fence-under-lock');
    h.send(invalidate({ blockable: false }));
    expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
    expect(sentEvent(h, 'drv.invalidateReturned').ok).toBe(false);
  });

  it('should zap at once when no fence is published', () => {
    const h = driver('userptr-fence-under-lock');
    h.send(invalidate());
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${DEV} dev.zap`]);
  });
});

describe('driver profile userptr-fence-after-unlock: callback', () => {
  it('should set_seq under the lock, unlock, and only then wait for the published fences', () => {
    const h = driver('userptr-fence-after-unlock');
    submitted(h);
    h.send(invalidate());
    h.send(granted(T2));
    expect(sends(h)).toEqual([`${SUB} sub.setSeq`, `${LOCK} lock.release`, `${FENCE} fence.wait`]);
    expect(sentEvent(h, 'lock.release').tid).toBe(T2);
    expect(runs(h).map((c) => [c.step, c.holdsLock])).toEqual([['fenceWait', false]]);
    h.send(waitResult(FENCE, T2));
    h.send(zapped(T2));
    expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
    expect(sentEvent(h, 'drv.invalidateReturned').ok).toBe(true);
  });

  it('should ignore a wait result for another tid', () => {
    const h = driver('userptr-fence-after-unlock');
    submitted(h);
    h.send(invalidate());
    h.send(granted(T2));
    // Not its reply: the runtime reports it as unhandled rather than letting the wait end.
    expect(() => h.send(waitResult(FENCE, 'thread:other'))).toThrow(/unhandled event/);
    expect(runs(h).map((c) => [c.step, c.holdsLock])).toEqual([['fenceWait', false]]);
  });

  it('should return false at once for a non-blockable range', () => {
    const h = driver('userptr-fence-after-unlock');
    h.send(invalidate({ blockable: false }));
    expect(sentEvent(h, 'drv.invalidateReturned').ok).toBe(false);
  });
});
