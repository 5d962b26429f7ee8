/** The `submitLockIntr` option of the userptr profiles: the submission's lock wait may be ended by a signal. */
import { describe, expect, it } from 'vitest';
import { EINTR } from '../../../machines/errno.ts';
import { driver, LOCK, SUB, sends, sentEvent, submit, T1 } from './driver-harness.ts';

function waitingForLock(extra: Record<string, unknown>) {
  const h = driver('userptr-fence-under-lock', extra);
  h.send(submit());
  h.send({ type: 'sub.readBeginResult', sub: SUB, tid: T1, seq: 3 } as never);
  h.send({ type: 'hmm.rangeResult', tid: T1, result: 0, pfns: [] } as never);
  return h;
}

describe('driver submission lock: submitLockIntr', () => {
  it('should take the lock with down_read_interruptible when asked, and plainly by default', () => {
    expect(
      sentEvent(waitingForLock({ submitLockMode: 'read', submitLockIntr: 'interruptible' }), 'lock.acquire'),
    ).toEqual({ type: 'lock.acquire', replyTo: 'drv:gpu0', tid: T1, mode: 'read', intr: 'interruptible' });
    expect(sentEvent(waitingForLock({}), 'lock.acquire')).not.toHaveProperty('intr');
  });

  it('should fail the submission with -EINTR when a signal ends the lock wait: nothing bound, nothing published', () => {
    const h = waitingForLock({ submitLockIntr: 'killable' });
    h.send({ type: 'lock.interrupted', lock: LOCK, tid: T1, result: EINTR } as never);
    expect(sends(h)).toEqual([`${T1} drv.submitResult`]);
    expect(sentEvent(h, 'drv.submitResult')).toEqual({ type: 'drv.submitResult', tid: T1, result: EINTR });
    expect(h.context.published).toEqual([]);
    expect(h.context.lockWaiters).toEqual([]);
    expect(h.matches({ fault: 'idle' } as never)).toBe(true);
  });

  it('should refuse an unknown submitLockIntr with the value and the choices', () => {
    expect(() => driver('userptr-fence-under-lock', { submitLockIntr: 'yes' })).toThrow(
      /submitLockIntr' must be 'interruptible' or 'killable', got "yes"/,
    );
  });
});
