/**
 * The mm's lifetime operations: fork (`dup_mmap` / `copy_page_range`), exit (`exit_mmap`,
 * docs/kernel-semantics.md §1.6) and the OOM reaper (`__oom_reap_task_mm`, §1.4), plus building the
 * child's address space from a fork image.
 *
 * Fork (`dup_mmap`): the child gets every VMA. Private mappings are copy-on-write: one
 * PROTECTION_PAGE invalidation per private writable VMA, after which the parent's present pages
 * are write-protected and marked copy-on-write (a device-exclusive entry is first restored to
 * the ordinary entry, as v6.12's `copy_nonpresent_pte` does), so the parent's next write to each
 * breaks COW with a CLEAR invalidation; the child's entries are marked the same way.
 * Shared mappings (shared files, and shmem for shared anonymous memory) are not copied at all
 * (`vma_needs_copy`: no anon_vma): no invalidation, and the child faults the same page-cache
 * pages in on first touch.
 *
 * Per-mm pages: the child holds its OWN copies (new pfns from its own `pfnBase`, same data). A
 * private page is copied where the kernel would share it until a COW break; a page-cache page is
 * one copy per mm kept equal by `mm.cacheSync` (page-cache-sync.ts). A device-private or
 * device-coherent page reaches the child as a system copy of its data.
 *
 * Exit order (§1.6): mmUsers := 0; RELEASE over [0, MM_TASK_SIZE), blockable, with no PTE
 * change; then, if any VMA exists, UNMAP over [0, MM_TASK_SIZE): every entry is cleared,
 * unpinned pages are freed, VMAs are removed. Pinned pages stay allocated until unpinned;
 * the page cache keeps its pages.
 */
import { EAGAIN, EINVAL } from '../errno.ts';
import { blockable, invalidate, type OpHandler, reply } from './attempt.ts';
import type { ForkEntry, ForkImage, MmRequest } from './events.ts';
import { writePte } from './page-table.ts';
import { allocPage, allocSwapSlot, getPage, sortedRecord, type Tx } from './pages.ts';
import { MM_TASK_SIZE } from './types.ts';
import { findVma, isCowMapping } from './vma.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;
type Ranges = { ranges: [number, number][]; skipped: boolean };

export const fork: OpHandler<Req<'mm.fork'>> = (tx, req, progress) => {
  if (typeof req.child !== 'string' || !req.child.startsWith('mm:')) return reply(EINVAL);
  const ranges =
    (progress as Ranges | null)?.ranges ??
    tx.m.vmas.filter(isCowMapping).map((v): [number, number] => [v.start, v.end]);
  if (ranges.length > 0) {
    const [[start, end], ...rest] = ranges;
    return invalidate(
      blockable(start, end, 'PROTECTION_PAGE'),
      { kind: 'wrprotect', start, end, cow: true },
      { ranges: rest, skipped: false },
    );
  }
  const image = forkImage(tx);
  return {
    kind: 'reply',
    result: 0,
    value: req.child,
    sends: [{ to: req.child, event: { type: 'mm.forked', parent: tx.mmId, image } }],
  };
};

/** The parent's address space as data: VMAs, page-cache contents and one entry per PTE. */
export function forkImage(tx: Tx): ForkImage {
  const { m } = tx;
  const files: ForkImage['files'] = {};
  const cacheOf: Record<number, { file: string; index: number }> = {};
  for (const [file, pages] of Object.entries(m.files)) {
    files[file] = {};
    for (const [index, pfn] of Object.entries(pages)) {
      files[file][Number(index)] = [...m.pages[pfn].data];
      cacheOf[pfn] = { file, index: Number(index) };
    }
  }
  const entries: ForkEntry[] = [];
  for (const [key, pte] of Object.entries(m.ptes)) {
    const vpn = Number(key);
    const vma = findVma(m.vmas, vpn * m.pageSize)!;
    // A shared mapping's entries are not copied: the child faults them from the page cache.
    if (vma.shared) continue;
    const cow = isCowMapping(vma);
    switch (pte.kind) {
      case 'zero':
        entries.push({ vpn, kind: 'zero' });
        break;
      case 'swap':
        entries.push({ vpn, kind: 'swap', data: [...m.swap[pte.slot]] });
        break;
      case 'present':
        if (cacheOf[pte.pfn]) entries.push({ vpn, kind: 'file', ...cacheOf[pte.pfn], write: pte.write });
        else entries.push({ vpn, kind: 'anon', data: [...m.pages[pte.pfn].data], write: pte.write, cow: pte.cow });
        break;
      case 'devicePrivate':
      case 'deviceCoherent':
      case 'deviceExclusive':
      case 'migration':
      case 'protNone':
        // The child gets a plain system copy of the data (no device memory is shared).
        entries.push({ vpn, kind: 'anon', data: [...m.pages[pte.pfn].data], write: !cow && pte.write, cow });
        break;
      case 'special':
      case 'hwpoison':
        break;
    }
  }
  return { vmas: m.vmas.map((v) => ({ ...v })), files: sortedRecord(files), entries };
}

/** Build a child's address space from its parent's fork image (every page a new copy). */
export function adoptForkImage(tx: Tx, image: ForkImage): void {
  const { m } = tx;
  m.vmas = image.vmas.map((v) => ({ ...v }));
  for (const file of Object.keys(image.files).sort()) {
    const indexes = Object.keys(image.files[file]).map(Number);
    for (const index of indexes) {
      const pfn = allocPage(tx, 'file', image.files[file][index]);
      getPage(tx, pfn);
      m.files = sortedRecord({ ...m.files, [file]: { ...m.files[file], [index]: pfn } });
    }
  }
  for (const e of [...image.entries].sort((a, b) => a.vpn - b.vpn)) {
    if (e.kind === 'zero') writePte(tx, e.vpn, { kind: 'zero' });
    else if (e.kind === 'swap') writePte(tx, e.vpn, { kind: 'swap', slot: allocSwapSlot(tx, e.data) });
    else if (e.kind === 'file') {
      const pfn = m.files[e.file][e.index];
      getPage(tx, pfn);
      writePte(tx, e.vpn, { kind: 'present', pfn, write: e.write, cow: false });
    } else {
      const pfn = allocPage(tx, 'anon', e.data);
      getPage(tx, pfn);
      writePte(tx, e.vpn, { kind: 'present', pfn, write: e.write, cow: e.cow });
    }
  }
  m.mmUsers = 1;
}

export const exit: OpHandler<Req<'mm.exit'>> = (tx, req, progress) => {
  const stage = (progress as { stage: 'unmap' | 'done' } | null)?.stage;
  if (stage === undefined) {
    tx.m.mmUsers = 0;
    tx.m.waitStatus = req.signal ? { signaled: true, signal: req.signal } : { exited: true, status: req.status ?? 0 };
    return invalidate(blockable(0, MM_TASK_SIZE, 'RELEASE'), { kind: 'none' }, { stage: 'unmap' });
  }
  if (stage === 'unmap' && tx.m.vmas.length > 0)
    return invalidate(
      blockable(0, MM_TASK_SIZE, 'UNMAP'),
      { kind: 'unmap', start: 0, end: MM_TASK_SIZE },
      { stage: 'done' },
    );
  tx.obs.push({ kind: 'mm.exited', mm: tx.mmId });
  return { kind: 'reply', result: 0, exit: true };
};

/**
 * OOM reaper: for every anonymous or private VMA (hugetlb and VM_IO skipped), a NON-blockable
 * UNMAP over the whole VMA; refused (-EAGAIN) → that VMA is skipped (no PTE change, no end);
 * else its entries are zapped (the VMA stays). Result 0 when every VMA was reaped, else -EAGAIN.
 */
export const oomReap: OpHandler<Req<'mm.oomReap'>> = (tx, _req, progress) => {
  const p = (progress as Ranges | null) ?? {
    ranges: tx.m.vmas
      .filter((v) => (v.backing === 'anon' || !v.shared) && !v.hugetlb && !v.io)
      .map((v): [number, number] => [v.start, v.end]),
    skipped: false,
  };
  if (p.ranges.length === 0) return reply(p.skipped ? EAGAIN : 0);
  const [[start, end], ...rest] = p.ranges;
  return {
    kind: 'invalidate',
    inv: { start, end, event: 'UNMAP', owner: null, blockable: false },
    mutation: { kind: 'zap', start, end },
    progress: { ranges: rest, skipped: p.skipped },
    progressIfRefused: { ranges: rest, skipped: true },
  };
};
