import { describe, expect, it } from 'vitest';
import {
  DEV,
  driver,
  fault,
  granted,
  invalidate,
  LOCK,
  MM,
  observedKinds,
  rangeResult,
  readBegin,
  retryResult,
  SUB,
  sends,
  T2,
  zapped,
} from './driver-harness.ts';

describe('driver planted-bug knobs', () => {
  it('retry-outside-lock should check read_retry before the lock and map straight after the grant', () => {
    const ok = driver('shadow-pte');
    const bug = driver('shadow-pte', { bugs: ['retry-outside-lock'] });
    for (const h of [ok, bug]) {
      h.send(fault());
      h.send(readBegin(3));
      h.send(rangeResult());
    }
    expect(sends(ok)).toEqual([`${LOCK} lock.acquire`]);
    expect(sends(bug)).toEqual([`${SUB} sub.readRetry`]);
    bug.send(retryResult(false));
    expect(sends(bug)).toEqual([`${LOCK} lock.acquire`]);
    bug.send(granted());
    expect(sends(bug)).toEqual([`${DEV} dev.map`, `${LOCK} lock.release`, 'thread:t1 drv.faultResult']);
  });

  it('retry-outside-lock should still restart on a collision it does see', () => {
    const h = driver('shadow-pte', { bugs: ['retry-outside-lock'] });
    h.send(fault());
    h.send(readBegin(3));
    h.send(rangeResult());
    h.send(retryResult(true));
    expect(sends(h)).toEqual([`${SUB} sub.readBegin`]);
  });

  it('missing-set-seq should zap without calling set_seq, and change nothing else', () => {
    const ok = driver('shadow-pte');
    const bug = driver('shadow-pte', { bugs: ['missing-set-seq'] });
    for (const h of [ok, bug]) {
      h.send(invalidate());
      h.send(granted(T2));
    }
    expect(sends(ok)).toEqual([`${SUB} sub.setSeq`, `${DEV} dev.zap`]);
    expect(sends(bug)).toEqual([`${DEV} dev.zap`]);
    bug.send(zapped(T2));
    expect(sends(bug)).toEqual([`${LOCK} lock.release`, `${SUB} drv.invalidateReturned`]);
  });

  it('sleep-when-nonblockable should take a blocking lock (and observe a sleep) on a non-blockable range', () => {
    for (const profile of [
      'shadow-pte',
      'svm',
      'registration-cache',
      'userptr-fence-under-lock',
      'userptr-fence-after-unlock',
    ]) {
      const ok = driver(profile);
      const bug = driver(profile, { bugs: ['sleep-when-nonblockable'] });
      ok.send(invalidate({ blockable: false }));
      bug.send(invalidate({ blockable: false }));
      expect(sends(ok)).not.toContain(`${LOCK} lock.acquire`);
      expect(sends(bug)).toEqual([`${LOCK} lock.acquire`]);
      expect(observedKinds(bug)).toEqual([`sleep ${LOCK}`]);
    }
  });

  it('sleep-when-nonblockable should not change blockable callbacks', () => {
    const h = driver('shadow-pte', { bugs: ['sleep-when-nonblockable'] });
    h.send(invalidate());
    expect(sends(h)).toEqual([`${LOCK} lock.acquire`]);
  });

  it('no-pin should walk with hmm_range_fault and map unpinned entries that survive CLEAR', () => {
    const h = driver('registration-cache', { bugs: ['no-pin'] });
    h.send(fault());
    h.send(readBegin(3));
    expect(sends(h)).toEqual([`${MM} hmm.rangeFault`]);
    h.send(rangeResult());
    h.send(granted());
    h.send(retryResult(false));
    const map = h.last.sends.find((s) => s.event.type === 'dev.map')!.event as unknown as {
      entries: { pinned: boolean }[];
    };
    expect(map.entries.every((e) => e.pinned === false)).toBe(true);
    expect(h.context.pinned).toEqual([]);
    h.send(invalidate({ event: 'CLEAR' }));
    expect(sends(h)).toEqual([`${SUB} drv.invalidateReturned`]);
  });

  it('should reject an unknown bug name with the list of known ones', () => {
    expect(() => driver('shadow-pte', { bugs: ['typo'] })).toThrow(/unknown driver bug 'typo'.*retry-outside-lock/);
  });
});
