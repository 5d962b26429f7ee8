/**
 * Address-space layout operations: mmap (`do_mmap`/`mmap_region`, MAP_FIXED over an existing
 * mapping unmaps it first), munmap (`do_vmi_munmap` → `unmap_region`), mprotect
 * (`mprotect_fixup` → `change_protection`) and madvise (DONTNEED, FREE, HUGEPAGE, NOHUGEPAGE,
 * COLLAPSE; the model's THP is the VMA's `thp` flag, so COLLAPSE sets it like HUGEPAGE).
 *
 * Invalidation ranges: munmap/MAP_FIXED send UNMAP over the part of the range covered by
 * VMAs (the VMAs are split at the range edges first, as in the kernel); mprotect sends one
 * PROTECTION_VMA over the whole range; DONTNEED/FREE send one CLEAR per VMA piece
 * (`zap_page_range_single` per VMA). MADV_FREE is modelled as an immediate discard of the
 * private anonymous pages (the kernel only marks them lazily freeable; the notifier event and
 * range are the same). A shared anonymous mapping is a shmem object: a file (`shmem:<mm>#<n>`)
 * with no other name, so the VMA is file-backed like the kernel's (not `vma_is_anonymous`).
 */
import { EINVAL, ENOMEM } from '../errno.ts';
import { type Attempt, blockable, invalidate, type OpHandler, pageRange, reply } from './attempt.ts';
import type { MmRequest } from './events.ts';
import { writePte } from './page-table.ts';
import { allocPage, getPage, shmemName, type Tx } from './pages.ts';
import { MMAP_BASE } from './types.ts';
import { findGap, insertVma, makeVma, rangeFullyMapped, updateRange, vmasIntersecting } from './vma.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;

/** UNMAP over the mapped part of `[start, end)`, or null when nothing is mapped there. */
export function unmapStep(tx: Tx, start: number, end: number): Attempt | null {
  const hit = vmasIntersecting(tx.m.vmas, start, end);
  if (hit.length === 0) return null;
  const s = Math.max(start, hit[0].start);
  const e = Math.min(end, hit[hit.length - 1].end);
  return invalidate(blockable(s, e, 'UNMAP'), { kind: 'unmap', start, end });
}

export const mmap: OpHandler<Req<'mm.mmap'>> = (tx, req) => {
  const { m } = tx;
  const hugetlb = req.hugetlb ?? false;
  const align = hugetlb ? m.hugePageSize : m.pageSize;
  if (!Number.isInteger(req.length) || req.length <= 0) return reply(EINVAL);
  if (req.backing === 'file' && !req.file) return reply(EINVAL);
  const offset = req.offset ?? 0;
  if (offset % m.pageSize !== 0) return reply(EINVAL);
  const length = Math.ceil(req.length / align) * align;
  let addr = req.addr ?? null;
  if (addr === null) {
    addr = findGap(m.vmas, length, align, MMAP_BASE);
    if (addr === null) return reply(ENOMEM);
  }
  const range = pageRange(m, addr, length);
  if (typeof range === 'number' || addr % align !== 0) return reply(EINVAL);
  const unmap = unmapStep(tx, range.start, range.end);
  if (unmap) return unmap;
  // MAP_SHARED|MAP_ANONYMOUS is shmem: a new unnamed object in the page cache, which fork
  // shares with the child (and which is freed with its last mapping).
  const shmem = req.shared && req.backing === 'anon';
  if (shmem) m.shmemObjects++;
  const file = shmem ? shmemName(tx.mmId, m.shmemObjects) : req.backing === 'file' ? (req.file ?? null) : null;
  const vma = makeVma({
    ...range,
    read: req.read,
    write: req.write,
    shared: req.shared,
    backing: shmem ? 'file' : req.backing,
    file,
    pgoff: file === null ? 0 : offset / m.pageSize,
    hugetlb,
  });
  m.vmas = insertVma(m.vmas, vma, m.pageSize);
  if (req.insertPages) insertZeroedPages(tx, range.start, range.end);
  return reply(addr);
};

/**
 * A driver's mmap hook that `vm_insert_page`s a zeroed kernel page at every address: present,
 * read-only file pages (a private mapping copies them on write), filling empty entries only.
 */
function insertZeroedPages(tx: Tx, start: number, end: number): void {
  for (let a = start; a < end; a += tx.m.pageSize) {
    const pfn = allocPage(tx, 'file');
    getPage(tx, pfn);
    writePte(tx, a / tx.m.pageSize, { kind: 'present', pfn, write: false, cow: false });
  }
}

export const munmap: OpHandler<Req<'mm.munmap'>> = (tx, req) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  return unmapStep(tx, range.start, range.end) ?? reply(0);
};

export const mprotect: OpHandler<Req<'mm.mprotect'>> = (tx, req, progress) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  if (progress !== null) return reply(0);
  if (!rangeFullyMapped(tx.m.vmas, range.start, range.end)) return reply(ENOMEM);
  return invalidate(
    blockable(range.start, range.end, 'PROTECTION_VMA'),
    { kind: 'protect', ...range, read: req.read, write: req.write },
    { done: true },
  );
};

export const madvise: OpHandler<Req<'mm.madvise'>> = (tx, req, progress) => {
  const { m } = tx;
  const range = pageRange(m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  const holes = rangeFullyMapped(m.vmas, range.start, range.end) ? 0 : ENOMEM;
  if (req.advice === 'HUGEPAGE' || req.advice === 'COLLAPSE' || req.advice === 'NOHUGEPAGE') {
    m.vmas = updateRange(m.vmas, range.start, range.end, m.pageSize, { thp: req.advice !== 'NOHUGEPAGE' });
    return reply(holes);
  }
  if (req.advice !== 'DONTNEED' && req.advice !== 'FREE') return reply(EINVAL);
  const cursor = (progress as { cursor: number } | null)?.cursor ?? range.start;
  // Every piece up to the end is done (an empty [cursor, end) would still "intersect" the VMA
  // that contains `end`, and zap nothing forever).
  if (cursor >= range.end) return reply(holes);
  const vma = vmasIntersecting(m.vmas, cursor, range.end)[0];
  if (!vma) return reply(holes);
  if (req.advice === 'FREE' && (vma.backing !== 'anon' || vma.shared)) return reply(EINVAL);
  const s = Math.max(cursor, vma.start);
  const e = Math.min(range.end, vma.end);
  return invalidate(blockable(s, e, 'CLEAR'), { kind: 'zap', start: s, end: e }, { cursor: e });
};
