/**
 * Reclaim takes no mmap lock (docs/kernel-semantics.md §1.5 CLEAR; mm/vmscan.c shrink_folio_list
 * works from the page): a reclaimer's invalidation runs beside the operation holding the lock,
 * and its PTE change re-checks the entry, whichever of the two invalidations ends first.
 */
import { describe, expect, it } from 'vitest';
import { CORE, MmKit, PAGE, THREAD } from './mm-test-kit.ts';

const A = 0x10000;
const RECLAIMER = 'thread:kswapd';

/** A written page at A, then munmap of it posted (the mmap lock held, its UNMAP started). */
function racing(): MmKit {
  const k = new MmKit();
  k.mmapAnon(A, 1);
  k.request({ type: 'mm.write', addr: A, value: 7 });
  k.post({ type: 'mm.munmap', addr: A, length: PAGE });
  k.h.send({ type: 'mm.reclaim', replyTo: RECLAIMER, tid: RECLAIMER, addr: A });
  return k;
}

const startOf = (k: MmKit, tid: string) =>
  k.h.sent.filter((s) => s.to === CORE && (s.event as { type: string; tid: string }).tid === tid).map((s) => s.event);

describe('reclaim beside the mmap lock holder', () => {
  it('should start its CLEAR while munmap holds the lock, instead of waiting behind it', () => {
    const k = racing();
    expect(k.h.matches('alive.busy.starting')).toBe(true);
    expect(startOf(k, 't1')).toMatchObject([{ type: 'core.invalidateStart', event: 'UNMAP' }]);
    expect(startOf(k, RECLAIMER)).toMatchObject([{ type: 'core.invalidateStart', event: 'CLEAR', start: A }]);
  });

  for (const first of ['reclaim', 'munmap'] as const) {
    it(`should free the page exactly once when ${first} changes the PTE first`, () => {
      const k = racing();
      const order = first === 'reclaim' ? [RECLAIMER, 't1'] : ['t1', RECLAIMER];
      for (const tid of order) k.answerCore(startOf(k, tid)[0] as Record<string, unknown>);
      k.settle();
      const replies = k.h.sent
        .filter((s) => s.to === THREAD || s.to === RECLAIMER)
        .map((s) => s.event as unknown as { op: string; result: number })
        .filter((e) => e.op === 'munmap' || e.op === 'reclaim');
      expect(replies.map((e) => [e.op, e.result]).sort()).toEqual([
        ['munmap', 0],
        ['reclaim', 0],
      ]);
      expect(k.observed('page.freed')).toHaveLength(1);
      expect(k.ctx.ptes).toEqual({});
      expect(k.ctx.vmas).toEqual([]);
      // Reclaim first: the page went to swap, and munmap freed the slot with the entry.
      expect(Object.keys(k.ctx.swap)).toEqual([]);
      expect(k.h.context.beside).toEqual({});
      expect(k.invalidations.every((r) => r.ended)).toBe(true);
    });
  }
});
