import type { KernelVersion } from './kernel-version.ts';

/**
 * The data of one process address space (`struct mm_struct` and what hangs off it), as the
 * plain JSON the mm machine keeps in its context. Every record is keyed by an integer-like
 * string (vpn, pfn, slot), so JSON serialisation is canonical; records keyed by names
 * (`files`) are kept with sorted keys by the helpers that write them.
 *
 * Field ownership: every field below is written only by the mm actor, under its "mmap lock"
 * (the one-operation-at-a-time rule of the machine). `pages[pfn].pins` is also written by
 * `mm.unpin`, which in the kernel needs no mmap lock either.
 */

/**
 * A `vm_area_struct`: `[start, end)`, page aligned, sorted and non-overlapping in `vmas`.
 *
 * @example
 * ```ts
 * import type { Vma } from 'mirrorlab';
 *
 * // Is `addr` inside this mapping?
 * const covers = (vma: Vma, addr: number) => vma.start <= addr && addr < vma.end;
 * ```
 */
export interface Vma {
  start: number;
  end: number;
  read: boolean;
  write: boolean;
  shared: boolean;
  backing: 'anon' | 'file';
  /** Page-cache name for file mappings, null for anonymous memory. */
  file: string | null;
  /** File page index mapped at `start` (vm_pgoff); 0 for anonymous memory. */
  pgoff: number;
  hugetlb: boolean;
  /** MADV_HUGEPAGE was applied: the walk may report PMD-order mappings here. */
  thp: boolean;
  /** VM_IO / VM_PFNMAP: the walk reports ERROR for the whole VMA. */
  io: boolean;
}

/**
 * One CPU page-table entry (absent key = `pte_none`).
 *
 * @example
 * ```ts
 * import type { Pte } from 'mirrorlab';
 *
 * const pte: Pte = { kind: 'present', pfn: 7, write: true, cow: false };
 * ```
 */
export type Pte =
  | { kind: 'present'; pfn: number; write: boolean; cow: boolean }
  | { kind: 'zero' }
  | { kind: 'swap'; slot: number }
  /** `huge`: a page of a device-private THP (kernels after v6.12 migrate a THP whole). */
  | { kind: 'devicePrivate'; pfn: number; owner: string; write: boolean; huge?: true }
  /** Owner null: made exclusive by a caller that passed no owner (dmirror does). */
  | { kind: 'deviceExclusive'; pfn: number; owner: string | null; write: boolean }
  /**
   * A device-coherent page of `owner` (MEMORY_DEVICE_COHERENT): mapped by a present PTE, so the
   * CPU reads and writes it in place like any page; `cow` as for `present`.
   */
  | { kind: 'deviceCoherent'; pfn: number; owner: string; write: boolean; cow: boolean }
  | { kind: 'migration'; pfn: number; write: boolean }
  /** Present but PROT_NONE for NUMA hinting: no access until a hint fault restores it. */
  | { kind: 'protNone'; pfn: number; write: boolean }
  /** A present "special" PTE (no struct page behind it, e.g. a raw PFN insert). */
  | { kind: 'special'; pfn: number }
  /** A non-present entry the walk cannot fault (e.g. hwpoison). */
  | { kind: 'hwpoison' };

/**
 * What backs an allocated page: anonymous memory, the page cache, the shared zero page, or device
 * memory.
 *
 * @example
 * ```ts
 * import type { PageKind } from 'mirrorlab';
 *
 * const kind: PageKind = 'file';
 * ```
 */
export type PageKind = 'anon' | 'file' | 'zero' | 'device';

/**
 * An allocated physical page. `refcount` counts PTE mappings plus the page cache's reference. Exported as `MmPage` (the driver has its own `DriverPage`).
 *
 * @example
 * ```ts
 * import type { MmPage } from 'mirrorlab';
 *
 * const page: MmPage = { gen: 0, refcount: 1, pins: 0, kind: 'anon', data: [0, 0, 0, 0] };
 * ```
 */
export interface Page {
  gen: number;
  refcount: number;
  pins: number;
  kind: PageKind;
  data: number[];
}

/** The mm's memory: everything an operation reads or changes. */
export interface MmMemory {
  pageSize: number;
  wordsPerPage: number;
  pfnBase: number;
  hugePageSize: number;
  /** The shared zero page (allocated at start, never freed). */
  zeroPfn: number;
  mmUsers: number;
  mmCount: number;
  vmas: Vma[];
  ptes: Record<number, Pte>;
  /** Per-vpn CPU PTE version, bumped on every fill, clear, replace, write-protect and move. */
  versions: Record<number, number>;
  pages: Record<number, Page>;
  /** Generation of each pfn that is currently free (so a reused pfn gets gen + 1). */
  lastGen: Record<number, number>;
  /** Page cache: file name → page index → pfn. */
  files: Record<string, Record<number, number>>;
  /** Swap slots and the data saved in them. */
  swap: Record<number, number[]>;
  /** The kernel version whose behaviour this mm has where versions differ (kernel-version.ts). */
  kernel: KernelVersion;
  /** What waitpid(2) reports once the process is gone (null while it lives). */
  waitStatus: WaitStatus | null;
  /** Shared anonymous mappings made so far: names each one's shmem object (`shmem:<mm>#<n>`). */
  shmemObjects: number;
}

/**
 * A dead process as waitpid(2) sees it: WIFEXITED + WEXITSTATUS, or WIFSIGNALED + WTERMSIG.
 *
 * @example
 * ```ts
 * import type { WaitStatus } from 'mirrorlab';
 *
 * const status: WaitStatus = { signaled: true, signal: 'SIGKILL' };
 * ```
 */
export type WaitStatus = { exited: true; status: number } | { signaled: true; signal: string };

/**
 * The notifier events of docs/kernel-semantics.md §1.5.
 *
 * @example
 * ```ts
 * import type { NotifierEvent } from 'mirrorlab';
 *
 * const event: NotifierEvent = 'MIGRATE';
 * ```
 */
export type NotifierEvent =
  | 'UNMAP'
  | 'CLEAR'
  | 'PROTECTION_VMA'
  | 'PROTECTION_PAGE'
  | 'SOFT_DIRTY'
  | 'RELEASE'
  | 'MIGRATE'
  | 'EXCLUSIVE';

/**
 * One `mmu_notifier_range`: what the mm sends to its core in `core.invalidateStart`.
 *
 * @example
 * ```ts
 * import type { Invalidation } from 'mirrorlab';
 *
 * const range: Invalidation = { start: 0x10000, end: 0x20000, event: 'UNMAP', owner: null, blockable: true };
 * ```
 */
export interface Invalidation {
  start: number;
  end: number;
  event: NotifierEvent;
  owner: string | null;
  blockable: boolean;
}

/**
 * The PTE change an operation makes between `startDone` and `invalidateEnd`, as data.
 *
 * @example
 * ```ts
 * import type { Mutation } from 'mirrorlab';
 *
 * const zap: Mutation = { kind: 'unmap', start: 0x10000, end: 0x20000 };
 * ```
 */
export type Mutation =
  | { kind: 'none' }
  /** munmap / exit: zap the PTEs and remove the VMAs of `[start, end)`. */
  | { kind: 'unmap'; start: number; end: number }
  /** MADV_DONTNEED / MADV_FREE / OOM reap: zap the PTEs, keep the VMAs. */
  | { kind: 'zap'; start: number; end: number }
  /** mprotect: new VMA protection; write-protect PTEs that lost write. */
  | { kind: 'protect'; start: number; end: number; read: boolean; write: boolean }
  /** fork (cow: true) or soft-dirty clearing (cow: false): write-protect present PTEs. */
  | { kind: 'wrprotect'; start: number; end: number; cow: boolean }
  /** Replace a read-only page (zero page, COW-shared, private file page) by a private copy. */
  | { kind: 'cowBreak'; vpn: number }
  | { kind: 'swapOut'; vpn: number }
  | { kind: 'restoreExclusive'; vpn: number }
  | { kind: 'migrateToRam'; vpn: number }
  /**
   * `owner`'s device pages (private and coherent) in `[start, end)` come back to system memory;
   * `until`: the allocations stopped there (dmirror FAIL_ALLOC on a base page), later pages stay.
   */
  | { kind: 'migrateBack'; start: number; end: number; owner: string; until?: number }
  /**
   * `skip`: a page whose device allocation failed stays in system memory; `split`: huge-page
   * blocks whose compound allocation failed, migrated as base pages (never a device THP).
   */
  | {
      kind: 'migrateToDevice';
      start: number;
      end: number;
      owner: string;
      memory: DeviceMemoryKind;
      skip?: number;
      split?: number[];
    }
  | { kind: 'makeExclusive'; start: number; end: number; owner: string | null }
  /** mremap's move: the VMAs and entries of `[from, from + length)` go to `to` (ops-remap.ts). */
  | { kind: 'move'; from: number; to: number; length: number; grow: number };

/**
 * The two kinds of device memory a `dev_pagemap` can hold (MEMORY_DEVICE_PRIVATE / _COHERENT).
 *
 * @example
 * ```ts
 * import type { DeviceMemoryKind } from 'mirrorlab';
 *
 * const memory: DeviceMemoryKind = 'coherent';
 * ```
 */
export type DeviceMemoryKind = 'private' | 'coherent';

/** Pages per `migrate_vma_setup` call of a device migration (dmirror's 64-entry pfn arrays). */
export const MIGRATE_CHUNK_PAGES = 64;

/** The top of the user address space (the model's ULONG_MAX for whole-mm ranges). */
export const MM_TASK_SIZE = 2 ** 47;
/** Where `mm.mmap` without an address starts looking for a free gap. */
export const MMAP_BASE = 0x100000;
