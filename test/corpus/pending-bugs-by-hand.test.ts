/**
 * The corpus drivers whose bug the battery cannot show yet (`pendingOn` in corpus.yaml) do
 * have it: driven by hand, each takes the buggy step, so their pending verdicts wait on the
 * tool and not on the driver.
 */
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import givesUp from '../../examples/drivers/corpus/buggy/gives-up-on-erestartsys.ts';
import invertedRetry from '../../examples/drivers/corpus/buggy/inverted-read-retry.ts';
import setSeqAfterUnlock from '../../examples/drivers/corpus/buggy/set-seq-after-unlock.ts';
import unboundedRetry from '../../examples/drivers/corpus/buggy/unbounded-retry.ts';
import { EBUSY, ERESTARTSYS } from '../../machines/errno.ts';
import { MachineHarness } from '../../src/testing/index.ts';

const input = { id: 'drv:gpu0', sub: 'sub:gpu0', lock: 'lock:gpu0', mm: 'mm:p1', dev: 'dev:gpu0', maxRetries: 2 };
const GPU = 'dev:gpu0/engine';
const CPU = 'thread:cpu';
const PAGE = [{ addr: 4096, pfn: 9, gen: 1, version: 2, valid: true, write: true }];
const sends = (h: MachineHarness) => h.last.sends.map((s) => `${s.to} ${s.event.type}`);
const start = (machine: AnyStateMachine, extra: Record<string, unknown> = {}) =>
  new MachineHarness(machine, { ...input, ...extra });

/** A request (fault or submission) of `tid` through read_begin, the walk and the lock, up to read_retry. */
function requestUpToReadRetry(h: MachineHarness, request: Record<string, unknown>, tid = GPU): void {
  h.send({ type: 'drv.fault', replyTo: tid, tid, start: 4096, end: 8192, write: true, ...request });
  h.send({ type: 'sub.readBeginResult', sub: 'sub:gpu0', tid, seq: 3 });
  h.send({ type: 'hmm.rangeResult', tid, result: 0, pfns: PAGE });
  h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid, mode: 'write' });
}

/** A blockable munmap invalidation in the CPU thread, up to the callback getting the lock. */
function invalidateUpToLock(h: MachineHarness): void {
  const range = { sub: 'sub:gpu0', start: 4096, end: 8192, curSeq: 5, event: 'UNMAP', owner: null };
  h.send({ type: 'drv.invalidate', ...range, blockable: true, tid: CPU });
  h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid: CPU, mode: 'write' });
}

describe('corpus drivers with a pending verdict, driven by hand', () => {
  it('set-seq-after-unlock: unlocks before set_seq, the window item 1 must expose', () => {
    const h = start(setSeqAfterUnlock);
    invalidateUpToLock(h);
    expect(sends(h)).toEqual(['dev:gpu0 dev.zap']);
    h.send({ type: 'dev.zapped', tid: CPU });
    expect(sends(h)).toEqual(['lock:gpu0 lock.release', 'sub:gpu0 sub.setSeq', 'sub:gpu0 drv.invalidateReturned']);
  });

  it('gives-up-on-erestartsys: an interrupted fence wait returns true without the zap', () => {
    // Found by the battery since signals (item 2) and the charging rule (item 3); kept as the step itself.
    const h = start(givesUp, { profile: 'custom' });
    const submit = { type: 'drv.submit', job: 'job', fence: 'fence:job0', accesses: [{ addr: 4096, write: true }] };
    requestUpToReadRetry(h, submit, 'thread:gpu');
    h.send({ type: 'sub.retryResult', sub: 'sub:gpu0', tid: 'thread:gpu', retry: false });
    expect(h.context.published).toEqual(['fence:job0']);
    invalidateUpToLock(h);
    expect(sends(h)).toEqual(['sub:gpu0 sub.setSeq', 'lock:gpu0 lock.release', 'fence:job0 fence.wait']);
    expect(h.last.sends[2].event).toMatchObject({ intr: true, timeout: 'forever' });
    h.send({ type: 'fence.waitResult', fence: 'fence:job0', tid: CPU, result: ERESTARTSYS });
    expect(h.last.sends.map((s) => s.event)).toEqual([
      { type: 'drv.invalidateReturned', sub: 'sub:gpu0', ok: true, tid: CPU },
    ]);
  });

  it('unbounded-retry: restarts after any number of collisions, past the bound it was given', () => {
    const h = start(unboundedRetry);
    h.send({ type: 'drv.fault', replyTo: GPU, tid: GPU, start: 4096, end: 8192, write: true });
    for (let i = 0; i < 20; i++) {
      h.send({ type: 'sub.readBeginResult', sub: 'sub:gpu0', tid: GPU, seq: 3 + 2 * i });
      h.send({ type: 'hmm.rangeResult', tid: GPU, result: EBUSY, pfns: [] });
      expect(sends(h)).toEqual(['sub:gpu0 sub.readBegin']);
    }
  });

  it('inverted-read-retry: a clean read_retry restarts, a collision maps', () => {
    const clean = start(invertedRetry);
    requestUpToReadRetry(clean, {});
    clean.send({ type: 'sub.retryResult', sub: 'sub:gpu0', tid: GPU, retry: false });
    expect(sends(clean)).toEqual(['lock:gpu0 lock.release', 'sub:gpu0 sub.readBegin']);
    const collided = start(invertedRetry);
    requestUpToReadRetry(collided, {});
    collided.send({ type: 'sub.retryResult', sub: 'sub:gpu0', tid: GPU, retry: true });
    expect(sends(collided)).toEqual(['dev:gpu0 dev.map', 'lock:gpu0 lock.release', `${GPU} drv.faultResult`]);
  });
});
