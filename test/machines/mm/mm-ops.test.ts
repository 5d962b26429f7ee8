import { describe, expect, it } from 'vitest';
import { EFAULT, EINVAL, ENOMEM } from '../../../machines/errno.ts';
import { MMAP_BASE } from '../../../machines/mm/types.ts';
import { MmKit, PAGE } from './mm-test-kit.ts';

const A = 0x200000;
const vpn = (addr: number) => addr / PAGE;

function kitWith(pages: number, extra: Record<string, unknown> = {}): MmKit {
  const k = new MmKit();
  k.mmapAnon(A, pages, extra);
  return k;
}

describe('mm mmap / munmap', () => {
  it('should map without any invalidation and return the address', () => {
    const k = new MmKit();
    k.mmapAnon(A, 4);
    expect(k.invalidations).toEqual([]);
    expect(k.ctx.vmas).toEqual([
      expect.objectContaining({ start: A, end: A + 4 * PAGE, write: true, backing: 'anon' }),
    ]);
  });

  it('should pick the lowest free gap from MMAP_BASE when no address is given', () => {
    const k = new MmKit();
    const r1 = k.request({ type: 'mm.mmap', length: PAGE, read: true, write: true, shared: false, backing: 'anon' });
    const r2 = k.request({ type: 'mm.mmap', length: PAGE, read: true, write: false, shared: false, backing: 'anon' });
    expect([r1.result, r2.result]).toEqual([MMAP_BASE, MMAP_BASE + PAGE]);
  });

  it('should unmap an existing mapping with UNMAP over the overlap before a MAP_FIXED mapping', () => {
    const k = kitWith(2);
    k.request({ type: 'mm.write', addr: A + PAGE, value: 1 });
    k.mmapAnon(A + PAGE, 2, { write: false });
    expect(k.events()).toEqual([['UNMAP', A + PAGE, A + 2 * PAGE]]);
    expect(k.ctx.vmas.map((v) => [v.start, v.end, v.write])).toEqual([
      [A, A + PAGE, true],
      [A + PAGE, A + 3 * PAGE, false],
    ]);
    expect(k.observed('page.freed')).toHaveLength(1);
  });

  it('should send UNMAP over the mapped part of the range, clear PTEs, free pages and split the VMA', () => {
    const k = kitWith(4);
    k.request({ type: 'mm.writeRange', addr: A, count: 4, pattern: { kind: 'index' } });
    const version = k.ctx.versions[vpn(A + PAGE)];
    expect(k.request({ type: 'mm.munmap', addr: A + PAGE, length: PAGE }).result).toBe(0);
    expect(k.events()).toEqual([['UNMAP', A + PAGE, A + 2 * PAGE]]);
    expect(k.invalidations[0]).toMatchObject({ blockable: true, owner: null, tid: 't1', ended: true });
    expect(k.ctx.ptes[vpn(A + PAGE)]).toBeUndefined();
    expect(k.ctx.versions[vpn(A + PAGE)]).toBe(version + 1);
    expect(k.ctx.vmas.map((v) => [v.start, v.end])).toEqual([
      [A, A + PAGE],
      [A + 2 * PAGE, A + 4 * PAGE],
    ]);
    expect(k.observed('page.freed').map((o) => o.pfn)).toEqual([2]);
  });

  it('should clip the UNMAP range to the VMAs it covers', () => {
    const k = kitWith(2);
    k.request({ type: 'mm.munmap', addr: A - 4 * PAGE, length: 8 * PAGE });
    expect(k.events()).toEqual([['UNMAP', A, A + 2 * PAGE]]);
    expect(k.ctx.vmas).toEqual([]);
  });

  it('should send nothing for a munmap of an unmapped range, and -EINVAL for an unaligned one', () => {
    const k = kitWith(1);
    expect(k.request({ type: 'mm.munmap', addr: A + 8 * PAGE, length: PAGE }).result).toBe(0);
    expect(k.request({ type: 'mm.munmap', addr: A + 1, length: PAGE }).result).toBe(EINVAL);
    expect(k.request({ type: 'mm.munmap', addr: A, length: 0 }).result).toBe(EINVAL);
    expect(k.invalidations).toEqual([]);
  });
});

describe('mm mprotect / madvise', () => {
  it('should send PROTECTION_VMA over the range and write-protect present PTEs when write is removed', () => {
    const k = kitWith(3);
    k.request({ type: 'mm.writeRange', addr: A, count: 3, pattern: { kind: 'const', value: 5 } });
    const before = k.ctx.versions[vpn(A + PAGE)];
    expect(k.request({ type: 'mm.mprotect', addr: A + PAGE, length: PAGE, read: true, write: false }).result).toBe(0);
    expect(k.events()).toEqual([['PROTECTION_VMA', A + PAGE, A + 2 * PAGE]]);
    expect(k.ctx.ptes[vpn(A + PAGE)]).toMatchObject({ kind: 'present', write: false });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ write: true });
    expect(k.ctx.versions[vpn(A + PAGE)]).toBe(before + 1);
    expect(k.ctx.vmas.map((v) => v.write)).toEqual([true, false, true]);
    expect(k.request({ type: 'mm.write', addr: A + PAGE, value: 1 }).result).toBe(EFAULT);
  });

  it('should merge the VMA back when the protection is restored', () => {
    const k = kitWith(3);
    k.request({ type: 'mm.mprotect', addr: A + PAGE, length: PAGE, read: true, write: false });
    k.request({ type: 'mm.mprotect', addr: A + PAGE, length: PAGE, read: true, write: true });
    expect(k.ctx.vmas).toHaveLength(1);
  });

  it('should fail mprotect with -ENOMEM and no invalidation when part of the range is unmapped', () => {
    const k = kitWith(1);
    expect(k.request({ type: 'mm.mprotect', addr: A, length: 2 * PAGE, read: true, write: false }).result).toBe(ENOMEM);
    expect(k.invalidations).toEqual([]);
  });

  it('should zap with CLEAR per VMA piece for MADV_DONTNEED and read zeroes afterwards', () => {
    const k = kitWith(2);
    k.mmapAnon(A + 2 * PAGE, 2, { write: false });
    k.request({ type: 'mm.write', addr: A, value: 9 });
    expect(k.request({ type: 'mm.madvise', addr: A, length: 4 * PAGE, advice: 'DONTNEED' }).result).toBe(0);
    expect(k.events()).toEqual([
      ['CLEAR', A, A + 2 * PAGE],
      ['CLEAR', A + 2 * PAGE, A + 4 * PAGE],
    ]);
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(0);
  });

  it('should stop after the last piece when MADV_DONTNEED covers only the start of a VMA', () => {
    const k = kitWith(2);
    expect(k.request({ type: 'mm.madvise', addr: A, length: PAGE, advice: 'DONTNEED' }).result).toBe(0);
    expect(k.events()).toEqual([['CLEAR', A, A + PAGE]]);
  });

  it('should treat MADV_FREE as an immediate discard of private anonymous pages with CLEAR', () => {
    const k = kitWith(1);
    k.request({ type: 'mm.write', addr: A, value: 9 });
    expect(k.request({ type: 'mm.madvise', addr: A, length: PAGE, advice: 'FREE' }).result).toBe(0);
    expect(k.events()).toEqual([['CLEAR', A, A + PAGE]]);
    expect(k.observed('page.freed')).toHaveLength(1);
  });

  it('should refuse MADV_FREE on a file mapping with -EINVAL', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1, { backing: 'file', file: 'f', shared: true });
    expect(k.request({ type: 'mm.madvise', addr: A, length: PAGE, advice: 'FREE' }).result).toBe(EINVAL);
    expect(k.invalidations).toEqual([]);
  });

  it('should mark the VMA part THP for MADV_HUGEPAGE without any invalidation', () => {
    const k = kitWith(2);
    expect(k.request({ type: 'mm.madvise', addr: A, length: PAGE, advice: 'HUGEPAGE' }).result).toBe(0);
    expect(k.ctx.vmas.map((v) => v.thp)).toEqual([true, false]);
    expect(k.invalidations).toEqual([]);
  });
});

describe('mm CPU access', () => {
  it('should fill an empty PTE with the zero page on a read, bumping the version but sending no invalidation', () => {
    const k = kitWith(1);
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(0);
    expect(k.ctx.ptes[vpn(A)]).toEqual({ kind: 'zero' });
    expect(k.ctx.versions[vpn(A)]).toBe(1);
    expect(k.invalidations).toEqual([]);
    expect(k.observed('pte.changed')).toEqual([{ kind: 'pte.changed', mm: 'mm:p1', addr: A, version: 1, pfn: 0 }]);
  });

  it('should fill an empty PTE with a new zeroed page on a write, without invalidation', () => {
    const k = kitWith(1);
    expect(k.request({ type: 'mm.write', addr: A, value: 42 }).result).toBe(0);
    expect(k.invalidations).toEqual([]);
    expect(k.ctx.ptes[vpn(A)]).toEqual({ kind: 'present', pfn: 1, write: true, cow: false });
    expect(k.observed('page.allocated')).toEqual([{ kind: 'page.allocated', mm: 'mm:p1', pfn: 1, gen: 1 }]);
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(42);
  });

  it('should replace the zero page on a write with a CLEAR invalidation of that page', () => {
    const k = kitWith(2);
    k.request({ type: 'mm.read', addr: A + PAGE });
    k.request({ type: 'mm.write', addr: A + PAGE, value: 3 });
    expect(k.events()).toEqual([['CLEAR', A + PAGE, A + 2 * PAGE]]);
    expect(k.ctx.versions[vpn(A + PAGE)]).toBe(2);
  });

  it('should fault with -EFAULT (SIGSEGV) outside any VMA and on a write to a read-only VMA', () => {
    const k = kitWith(1, { write: false });
    expect(k.request({ type: 'mm.read', addr: A + PAGE }).result).toBe(EFAULT);
    expect(k.request({ type: 'mm.write', addr: A, value: 1 }).result).toBe(EFAULT);
    expect(k.request({ type: 'mm.read', addr: A }).result).toBe(0);
  });

  it('should write and read the selftests value patterns word by word', () => {
    const k = kitWith(2, {});
    const k4 = new MmKit({ wordsPerPage: 4 });
    k4.mmapAnon(A, 2);
    k4.request({ type: 'mm.writeRange', addr: A, count: 8, pattern: { kind: 'index', scale: -1, add: 10 } });
    expect(k4.request({ type: 'mm.readRange', addr: A, count: 8 }).value).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
    expect(Object.keys(k4.ctx.pages)).toHaveLength(3); // the zero page and two data pages
    k.request({ type: 'mm.writeRange', addr: A, count: 2, pattern: { kind: 'index' } });
    expect(k.request({ type: 'mm.readRange', addr: A, count: 2 }).value).toEqual([0, 1]);
  });

  it('should share page-cache pages between shared mappings and COW-copy a private file mapping on write', () => {
    const k = new MmKit();
    const file = { backing: 'file', file: 'data.bin' };
    k.mmapAnon(A, 1, { ...file, shared: true });
    k.mmapAnon(A + 4 * PAGE, 1, { ...file, shared: false });
    k.request({ type: 'mm.write', addr: A, value: 7 });
    expect(k.request({ type: 'mm.read', addr: A + 4 * PAGE }).value).toBe(7);
    expect(k.ctx.ptes[vpn(A + 4 * PAGE)]).toMatchObject({ pfn: k.ctx.files['data.bin'][0], write: false });
    k.request({ type: 'mm.write', addr: A + 4 * PAGE, value: 8 });
    expect(k.events()).toEqual([['CLEAR', A + 4 * PAGE, A + 5 * PAGE]]);
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(7);
    expect(k.request({ type: 'mm.read', addr: A + 4 * PAGE }).value).toBe(8);
  });
});

describe('mm reclaim and swap', () => {
  it('should reclaim an anonymous page with CLEAR into a swap entry, and swap it in without invalidation', () => {
    const k = kitWith(1);
    k.request({ type: 'mm.write', addr: A, value: 77 });
    expect(k.request({ type: 'mm.reclaim', addr: A }).result).toBe(0);
    expect(k.events()).toEqual([['CLEAR', A, A + PAGE]]);
    expect(k.ctx.ptes[vpn(A)]).toEqual({ kind: 'swap', slot: 0 });
    expect(k.observed('page.freed')).toHaveLength(1);
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(77);
    expect(k.invalidations).toHaveLength(1);
    expect(k.ctx.versions[vpn(A)]).toBe(3); // fill, swap-out, swap-in
  });

  it('should refuse to reclaim a pinned page with -EBUSY and no invalidation', () => {
    const k = kitWith(1);
    k.request({ type: 'mm.pin', addr: A, length: PAGE, write: true });
    expect(k.request({ type: 'mm.reclaim', addr: A }).result).toBe(-16);
    expect(k.invalidations).toEqual([]);
  });
});

describe('mm device-private and device-exclusive entries', () => {
  it('should migrate to device with MIGRATE(owner) and back on a CPU read with MIGRATE(entry owner)', () => {
    const k = kitWith(1);
    k.request({ type: 'mm.write', addr: A, value: 5 });
    k.request({ type: 'mm.migrateToDevice', addr: A, length: PAGE, owner: 'dev:gpu0' });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'devicePrivate', owner: 'dev:gpu0', write: true });
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(5);
    expect(k.invalidations.map((r) => [r.event, r.owner])).toEqual([
      ['MIGRATE', 'dev:gpu0'],
      ['MIGRATE', 'dev:gpu0'],
    ]);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present', write: true });
    expect(Object.values(k.ctx.pages).filter((p) => p.kind === 'device')).toEqual([]);
  });

  it('should make entries exclusive with EXCLUSIVE(owner) and restore them on CPU access with EXCLUSIVE(null)', () => {
    const k = kitWith(1);
    k.request({ type: 'mm.makeExclusive', addr: A, length: PAGE, owner: 'dev:gpu0' });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'deviceExclusive', owner: 'dev:gpu0' });
    k.request({ type: 'mm.read', addr: A });
    expect(k.invalidations.map((r) => [r.event, r.owner, r.start])).toEqual([
      ['EXCLUSIVE', 'dev:gpu0', A],
      ['EXCLUSIVE', null, A],
    ]);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present' });
  });

  it('should send SOFT_DIRTY over the whole mm and write-protect PTEs for clear_refs', () => {
    const k = kitWith(1);
    k.request({ type: 'mm.write', addr: A, value: 1 });
    k.request({ type: 'mm.clearRefs' });
    expect(k.invalidations.map((r) => r.event)).toEqual(['SOFT_DIRTY']);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ write: false });
    k.request({ type: 'mm.write', addr: A, value: 2 }); // an exclusive page: upgraded in place
    expect(k.invalidations).toHaveLength(1);
  });
});
