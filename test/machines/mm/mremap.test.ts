/** mremap (issue 8 item 3): resize in place, move with MAYMOVE / FIXED / DONTUNMAP, notifier events. */
import { describe, expect, it } from 'vitest';
import { EFAULT, EINVAL, ENOMEM } from '../../../machines/errno.ts';
import { MmKit, PAGE } from './mm-test-kit.ts';

const A = 0x200000;
const B = 0x400000;
const vpn = (addr: number) => addr / PAGE;
const remap = (addr: number, oldLength: number, newLength: number, extra: Record<string, unknown> = {}) => ({
  type: 'mm.mremap',
  addr,
  oldLength,
  newLength,
  mayMove: false,
  fixed: false,
  dontUnmap: false,
  ...extra,
});

function filled(pages: number): MmKit {
  const k = new MmKit();
  k.mmapAnon(A, pages);
  k.request({ type: 'mm.writeRange', addr: A, count: pages, pattern: { kind: 'index', add: 10 } });
  return k;
}

describe('mremap', () => {
  it('should move with FIXED: UNMAP of the target, UNMAP of the old range, the same pages at the new place, the old VMA gone', () => {
    const k = filled(2);
    k.mmapAnon(B, 1);
    const pfns = [vpn(A), vpn(A) + 1].map((v) => (k.ctx.ptes[v] as { pfn: number }).pfn);
    const r = k.request(remap(A, 2 * PAGE, 2 * PAGE, { mayMove: true, fixed: true, newAddr: B }));
    expect(r.result).toBe(B);
    expect(k.events()).toEqual([
      ['UNMAP', B, B + PAGE],
      ['UNMAP', A, A + 2 * PAGE],
      ['UNMAP', A, A + 2 * PAGE],
    ]);
    expect([vpn(B), vpn(B) + 1].map((v) => (k.ctx.ptes[v] as { pfn: number }).pfn)).toEqual(pfns);
    expect(k.ctx.vmas.map((v) => [v.start, v.end])).toEqual([[B, B + 2 * PAGE]]);
    expect(k.request({ type: 'mm.readRange', addr: B, count: 2 }).value).toEqual([10, 11]);
    expect(k.request({ type: 'mm.read', addr: A }).result).toBe(EFAULT);
  });

  it('should keep the old VMA empty with DONTUNMAP, so it reads zeroes afterwards', () => {
    const k = filled(1);
    const r = k.request(remap(A, PAGE, PAGE, { mayMove: true, fixed: true, dontUnmap: true, newAddr: B }));
    expect(r.result).toBe(B);
    expect(k.events()).toEqual([['UNMAP', A, A + PAGE]]);
    expect(k.ctx.ptes[vpn(A)]).toBeUndefined();
    expect(k.request({ type: 'mm.read', addr: B }).value).toBe(10);
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(0);
  });

  it('should move device-private entries as they are, so a CPU read at the new address migrates them back', () => {
    const k = filled(2);
    k.request({ type: 'mm.migrateToDevice', addr: A, length: 2 * PAGE, owner: 'dmirror0' });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'devicePrivate' });
    k.request(remap(A, 2 * PAGE, 2 * PAGE, { mayMove: true, fixed: true, newAddr: B }));
    expect(k.ctx.ptes[vpn(B)]).toMatchObject({ kind: 'devicePrivate', owner: 'dmirror0' });
    const from = k.invalidations.length;
    expect(k.request({ type: 'mm.readRange', addr: B, count: 2 }).value).toEqual([10, 11]);
    expect(k.events(from).map((e) => e[0])).toEqual(['MIGRATE', 'MIGRATE']);
  });

  it('should shrink with UNMAP of the tail, grow in place into free space, and move only with MAYMOVE', () => {
    const k = filled(4);
    expect(k.request(remap(A, 4 * PAGE, 2 * PAGE)).result).toBe(A);
    expect(k.events()).toEqual([['UNMAP', A + 2 * PAGE, A + 4 * PAGE]]);
    expect(k.request(remap(A, 2 * PAGE, 3 * PAGE)).result).toBe(A);
    expect(k.events(1)).toEqual([]);
    expect(k.ctx.vmas.map((v) => [v.start, v.end])).toEqual([[A, A + 3 * PAGE]]);
    k.mmapAnon(A + 3 * PAGE, 1);
    expect(k.request(remap(A, 3 * PAGE, 4 * PAGE)).result).toBe(ENOMEM);
    const moved = k.request(remap(A, 3 * PAGE, 4 * PAGE, { mayMove: true })).result;
    expect(moved).not.toBe(A);
    expect(k.request({ type: 'mm.readRange', addr: moved, count: 4 }).value).toEqual([10, 11, 0, 0]);
  });

  it('should refuse bad flag combinations and ranges outside one VMA', () => {
    const k = filled(2);
    expect(k.request(remap(A, PAGE, PAGE, { fixed: true, newAddr: B })).result).toBe(EINVAL);
    expect(k.request(remap(A, PAGE, 2 * PAGE, { mayMove: true, dontUnmap: true })).result).toBe(EINVAL);
    expect(k.request(remap(A, 2 * PAGE, 2 * PAGE, { mayMove: true, fixed: true, newAddr: A + PAGE })).result).toBe(
      EINVAL,
    );
    expect(k.request(remap(A, 3 * PAGE, 3 * PAGE, { mayMove: true })).result).toBe(EFAULT);
    expect(k.events()).toEqual([]);
  });
});
