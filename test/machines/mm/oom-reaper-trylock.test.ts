/**
 * The OOM reaper takes the mmap lock with `mmap_read_trylock` (docs/kernel-semantics.md §1.4;
 * mm/oom_kill.c `oom_reap_task_mm`): it runs beside a reader (a fault, a walk), backs off at
 * once with -EAGAIN while a writer (munmap) holds the lock, and a writer that comes while it
 * reads sleeps until it is done.
 */
import { describe, expect, it } from 'vitest';
import { EAGAIN } from '../../../machines/errno.ts';
import { CORE, MmKit, PAGE } from './mm-test-kit.ts';

const A = 0x10000;
const REAPER = 'thread:oom_reaper';

const startsOf = (k: MmKit, tid: string) =>
  k.h.sent
    .filter((s) => s.to === CORE && s.event.type === 'core.invalidateStart')
    .filter((s) => (s.event as { tid?: string }).tid === tid)
    .map((s) => s.event as unknown as Record<string, unknown>);
const repliesTo = (k: MmKit, to: string) =>
  k.h.sent.filter((s) => s.to === to).map((s) => s.event as unknown as { op: string; result: number });
const reap = (k: MmKit) => k.h.send({ type: 'mm.oomReap', replyTo: REAPER, tid: REAPER });

/** A written private page at A. */
function populated(): MmKit {
  const k = new MmKit();
  k.mmapAnon(A, 1);
  k.request({ type: 'mm.write', addr: A, value: 7 });
  return k;
}

describe('mm OOM reaper: mmap_read_trylock', () => {
  it('should back off with -EAGAIN, sending nothing to the core, while munmap write-holds the lock', () => {
    const k = populated();
    k.post({ type: 'mm.munmap', addr: A, length: PAGE });
    expect(k.h.matches('alive.busy.starting')).toBe(true);
    reap(k);
    expect(repliesTo(k, REAPER)).toEqual([expect.objectContaining({ op: 'oomReap', result: EAGAIN })]);
    expect(startsOf(k, REAPER)).toEqual([]);
    k.settle();
    expect(k.h.matches('alive.idle')).toBe(true);
    expect(k.ctx.vmas).toEqual([]);
  });

  it('should reap beside a reader: a write fault in its COW-break invalidation', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.read', addr: A }); // the zero page, read-only
    k.post({ type: 'mm.write', addr: A, value: 5 }); // COW break: a CLEAR under the read lock
    expect(k.h.matches('alive.busy.starting')).toBe(true);
    reap(k);
    expect(startsOf(k, REAPER)).toEqual([
      expect.objectContaining({ type: 'core.invalidateStart', event: 'UNMAP', start: A, blockable: false }),
    ]);
    k.settle();
    expect(repliesTo(k, REAPER)).toEqual([expect.objectContaining({ op: 'oomReap', result: 0 })]);
    expect(k.h.matches('alive.idle')).toBe(true);
    expect(k.h.context.beside).toEqual({});
    expect(k.invalidations.every((r) => r.ended)).toBe(true);
  });

  it('should make a writer that arrives while the reaper reads wait until the reaper is done', () => {
    const k = populated();
    reap(k);
    const [reaperStart] = startsOf(k, REAPER);
    expect(reaperStart).toMatchObject({ event: 'UNMAP', blockable: false });
    k.post({ type: 'mm.munmap', addr: A, length: PAGE });
    expect(k.h.matches('alive.busy.waitingForReaders')).toBe(true);
    expect(startsOf(k, 't1')).toEqual([]);
    // Now a second reaper's trylock fails: a writer waits for the lock (RWSEM_FLAG_WAITERS).
    k.h.send({ type: 'mm.oomReap', replyTo: 'thread:r2', tid: 'thread:r2' });
    expect(repliesTo(k, 'thread:r2')).toEqual([expect.objectContaining({ result: EAGAIN })]);
    k.settle();
    expect(repliesTo(k, REAPER)).toEqual([expect.objectContaining({ op: 'oomReap', result: 0 })]);
    expect(startsOf(k, 't1')).toEqual([expect.objectContaining({ event: 'UNMAP', blockable: true })]);
    expect(k.h.matches('alive.idle')).toBe(true);
    expect(k.ctx.vmas).toEqual([]);
    expect(k.observed('page.freed')).toHaveLength(1);
  });
});
