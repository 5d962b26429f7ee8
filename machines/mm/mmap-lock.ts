/**
 * The mmap lock (`mm->mmap_lock`, an rw_semaphore) as far as the model needs it: which side
 * each operation takes, and the OOM reaper's `mmap_read_trylock` (docs/kernel-semantics.md §1.4).
 *
 * The mm machine runs one lock-holding operation at a time (`op`): readers are not run beside
 * one another. What is exact is the reaper's side of it: its trylock succeeds while nobody or
 * a reader holds the lock, fails while a writer holds it or waits for it, and a writer that
 * arrives while the reaper reads sleeps until the reaper is done (`busy.waitingForReaders`).
 *
 * Sides, after the lock each kernel path takes (v6.12):
 * - write: mmap (`vm_mmap_pgoff`), munmap (`__vm_munmap`), mremap, mprotect, fork (`dup_mmap`
 *   write-locks the parent), madvise advice that changes VMA flags (`madvise_need_mmap_write`:
 *   HUGEPAGE, NOHUGEPAGE), clear_refs (`clear_refs_write` write-locks for soft-dirty), and
 *   exit (`exit_mmap` ends under the write lock; see the approximation below).
 * - read: CPU faults and accesses (`lock_mm_and_find_vma`), GUP / pin_user_pages,
 *   `hmm_range_fault` (its caller holds the read lock), madvise DONTNEED / FREE / COLLAPSE,
 *   migrate_vma (dmirror takes the read lock), make_device_exclusive, pread / pwrite.
 * - none: reclaim (mm/reclaim-slot.ts).
 *
 * Approximation: `exit_mmap` unmaps under the READ lock and write-locks only to free the page
 * tables and VMAs, so the kernel's reaper may overlap its unmap; here exit is one write-side
 * operation, and a reaper that arrives during it backs off (then sees MMF_OOM_SKIP).
 */
import type { MmRequest } from './events.ts';

export type MmapLockSide = 'read' | 'write';

const WRITERS: ReadonlySet<MmRequest['type']> = new Set([
  'mm.mmap',
  'mm.munmap',
  'mm.mremap',
  'mm.mprotect',
  'mm.fork',
  'mm.exit',
  'mm.clearRefs',
]);

/** The side of the mmap lock `req` takes (mm.reclaim and mm.oomReap are handled apart). */
export function mmapLockSide(req: MmRequest): MmapLockSide {
  if (req.type === 'mm.madvise') return req.advice === 'HUGEPAGE' || req.advice === 'NOHUGEPAGE' ? 'write' : 'read';
  return WRITERS.has(req.type) ? 'write' : 'read';
}
