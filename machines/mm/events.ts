/**
 * The messages `mm:<proc>` accepts and sends (docs/protocol.md "mm"). Requests carry
 * `replyTo` and `tid`; the tid also names the thread in whose context the mm's notifier
 * invalidations run (it is passed on in `core.invalidateStart`).
 */
import type { DevicePage } from './device-access.ts';
import type { HmmPfn } from './hmm-walk.ts';
import type { CacheSyncEvent } from './page-cache-sync.ts';
import type { DeviceMemoryKind, Vma } from './types.ts';

/**
 * The fields every mm request carries: who to answer, and the thread it runs for.
 *
 * @example
 * ```ts
 * import type { Req } from 'mirrorlab';
 *
 * const from: Req = { replyTo: 'thread:t1', tid: 'thread:t1' };
 * ```
 */
export interface Req {
  replyTo: string;
  tid: string;
}

/**
 * The words an `mm.write` stores: `index` writes each word's index (times `scale`, plus `add`),
 * `const` one value everywhere.
 *
 * @example
 * ```ts
 * import type { WritePattern } from 'mirrorlab';
 *
 * const pattern: WritePattern = { kind: 'const', value: 0xdead };
 * ```
 */
export type WritePattern = { kind: 'index'; scale?: 1 | -1; add?: number } | { kind: 'const'; value?: number };

/**
 * Requests that need the mmap lock: deferred while another operation runs.
 *
 * @example
 * ```ts
 * import type { MmRequest } from 'mirrorlab';
 *
 * const unmap: MmRequest = { type: 'mm.munmap', replyTo: 'thread:cpu', tid: 'cpu', addr: 0x10000, length: 0x2000 };
 * ```
 */
export type MmRequest =
  /** mmap (MAP_FIXED when `addr` is given; otherwise the lowest free gap). Result: the address. */
  | (Req & {
      type: 'mm.mmap';
      addr?: number | null;
      length: number;
      read: boolean;
      write: boolean;
      shared: boolean;
      backing: 'anon' | 'file';
      file?: string | null;
      /** File byte offset (page aligned), default 0. */
      offset?: number;
      hugetlb?: boolean;
      /**
       * The file's mmap hook inserts a zeroed page at every address (`vm_insert_page`, as
       * dmirror's own device file does): present, read-only entries of file pages.
       */
      insertPages?: boolean;
    })
  | (Req & { type: 'mm.munmap'; addr: number; length: number })
  /** mremap(addr, oldLength, newLength, flags, newAddr) (ops-remap.ts). Result: the new address. */
  | (Req & {
      type: 'mm.mremap';
      addr: number;
      oldLength: number;
      newLength: number;
      mayMove: boolean;
      fixed: boolean;
      dontUnmap: boolean;
      newAddr?: number | null;
    })
  | (Req & { type: 'mm.mprotect'; addr: number; length: number; read: boolean; write: boolean })
  | (Req & {
      type: 'mm.madvise';
      addr: number;
      length: number;
      advice: 'DONTNEED' | 'FREE' | 'HUGEPAGE' | 'NOHUGEPAGE' | 'COLLAPSE';
    })
  | (Req & { type: 'mm.read'; addr: number })
  | (Req & { type: 'mm.write'; addr: number; value: number })
  | (Req & { type: 'mm.readRange'; addr: number; count: number })
  | (Req & { type: 'mm.writeRange'; addr: number; count: number; pattern: WritePattern })
  /** `longterm`: FOLL_LONGTERM (device-coherent pages move to system memory first); `release`:
   *  unpin at once (a gup_test benchmark pins and unpins in one call). */
  | (Req & { type: 'mm.pin'; addr: number; length: number; write: boolean; longterm?: boolean; release?: boolean })
  /** `ptr[i] += delta` per word (default 1); value: the words before the increment. */
  | (Req & { type: 'mm.incrementRange'; addr: number; count: number; delta?: number })
  /** pwrite / pread of `count` words of `file` from byte `offset` (the page cache, no mapping). */
  | (Req & { type: 'mm.pwrite'; file: string; offset: number; count: number; pattern: WritePattern })
  | (Req & { type: 'mm.pread'; file: string; offset: number; count: number })
  | (Req & { type: 'mm.fork'; child: string })
  /** The process ends: exit(`status`) (default 0), or killed by `signal` (e.g. 'SIGTERM'). */
  | (Req & { type: 'mm.exit'; status?: number; signal?: string })
  | (Req & { type: 'mm.oomReap' })
  | (Req & { type: 'mm.reclaim'; addr: number })
  /** dmirror MIGRATE_TO_DEV: anonymous system pages become device pages of `owner` (ops-migrate.ts). */
  | (Req & {
      type: 'mm.migrateToDevice';
      addr: number;
      length: number;
      owner: string;
      /** Default 'private'. */
      memory?: DeviceMemoryKind;
      /** Pages per migrate_vma_setup call, default 64. */
      chunkPages?: number;
      /** dmirror's FAIL_ALLOC: the first device allocation fails (ops-migrate.ts). */
      failAlloc?: boolean;
    })
  /** dmirror MIGRATE_TO_SYS: `owner`'s device pages (of `memory` kind, or any) come back. */
  | (Req & {
      type: 'mm.migrateToSystem';
      addr: number;
      length: number;
      owner: string;
      memory?: DeviceMemoryKind;
      chunkPages?: number;
      /** dmirror's FAIL_ALLOC: the first system allocation fails (ops-migrate.ts). */
      failAlloc?: boolean;
    })
  /** migrate_device_range over all of `owner`'s device pages in this mm (RELEASE, close). */
  | (Req & { type: 'mm.evictDevice'; owner: string })
  /** make_device_exclusive_range: fault pages in for write, then mark them device-exclusive. */
  | (Req & { type: 'mm.makeExclusive'; addr: number; length: number; owner: string | null })
  /** /proc/pid/clear_refs (soft-dirty): SOFT_DIRTY over the whole mm, write-protect PTEs. */
  | (Req & { type: 'mm.clearRefs' })
  | (Req & {
      type: 'hmm.rangeFault';
      start: number;
      end: number;
      fault: boolean;
      write: boolean;
      owner: string | null;
    });

export const MM_REQUEST_TYPES: MmRequest['type'][] = [
  'mm.mmap',
  'mm.munmap',
  'mm.mremap',
  'mm.mprotect',
  'mm.madvise',
  'mm.read',
  'mm.write',
  'mm.readRange',
  'mm.writeRange',
  'mm.pin',
  'mm.incrementRange',
  'mm.pwrite',
  'mm.pread',
  'mm.fork',
  'mm.exit',
  'mm.oomReap',
  'mm.reclaim',
  'mm.migrateToDevice',
  'mm.migrateToSystem',
  'mm.evictDevice',
  'mm.makeExclusive',
  'mm.clearRefs',
  'hmm.rangeFault',
];

/**
 * One entry of a fork image: what the child maps at `vpn` (its own copy of the data).
 *
 * @example
 * ```ts
 * import type { ForkEntry } from 'mirrorlab';
 *
 * const entry: ForkEntry = { vpn: 16, kind: 'zero' };
 * ```
 */
export type ForkEntry =
  | { vpn: number; kind: 'anon'; data: number[]; write: boolean; cow: boolean }
  | { vpn: number; kind: 'file'; file: string; index: number; write: boolean }
  | { vpn: number; kind: 'zero' }
  | { vpn: number; kind: 'swap'; data: number[] };

/**
 * Everything the child of `mm.fork` needs to build its own address space.
 *
 * @example
 * ```ts
 * import type { ForkImage } from 'mirrorlab';
 *
 * // A child with nothing mapped.
 * const image: ForkImage = { vmas: [], files: {}, entries: [] };
 * ```
 */
export interface ForkImage {
  vmas: Vma[];
  /** Page-cache contents: file → page index → data. */
  files: Record<string, Record<number, number[]>>;
  entries: ForkEntry[];
}

/** Messages handled in every state, without the mmap lock (atomics and put_page in the kernel). */
export type MmLocklessEvent =
  /** mmget_not_zero: result 0 and mmUsers++ while mmUsers > 0, else -EFAULT. */
  | { type: 'mm.get'; replyTo: string; tid: string }
  /** mmput: mmUsers-- (never below 0; the address space is torn down only by mm.exit). */
  | { type: 'mm.put'; replyTo?: string; tid?: string }
  /** mmgrab / mmdrop: mmCount++ / mmCount--. */
  | { type: 'mm.grab'; replyTo?: string; tid?: string }
  | { type: 'mm.drop'; replyTo?: string; tid?: string }
  /** unpin_user_pages: `pfns` as numbers or `{ pfn }` records (the value of mm.pin). */
  | { type: 'mm.unpin'; replyTo?: string; tid?: string; pfns: (number | { pfn: number })[] }
  /** A device reads / writes physical pages (device-access.ts); value of devRead: the words. */
  | { type: 'mm.devRead'; replyTo?: string; tid?: string; dev: string; pages: DevicePage[] }
  | { type: 'mm.devWrite'; replyTo?: string; tid?: string; dev: string; pages: DevicePage[]; data: number[] };

/**
 * waitpid(2) on this process: deferred until it has exited, then answered with the wait
 * status as value (`{ exited, status }` or `{ signaled, signal }`).
 *
 * @example
 * ```ts
 * import type { WaitpidRequest } from 'mirrorlab';
 *
 * const wait: WaitpidRequest = { type: 'mm.waitpid', replyTo: 'thread:parent', tid: 'thread:parent' };
 * ```
 */
export interface WaitpidRequest {
  type: 'mm.waitpid';
  replyTo: string;
  tid: string;
}

export type MmEvent =
  | MmRequest
  | MmLocklessEvent
  | WaitpidRequest
  | { type: 'mm.forked'; parent: string; image: ForkImage }
  | CacheSyncEvent
  | { type: 'core.startDone'; tid: string; result: number }
  | { type: 'core.endDone'; tid: string };

/** `mm.result` (to `replyTo` of every mm.* request) and `hmm.rangeResult` (of hmm.rangeFault). */
export type MmReply =
  | {
      type: 'mm.result';
      mm: string;
      tid: string;
      op: string;
      result: number;
      value?: unknown;
      /** A migration's FAIL_ALLOC was used up (an allocation was attempted and failed). */
      allocFailed?: true;
    }
  | { type: 'hmm.rangeResult'; mm: string; tid: string; result: number; pfns: HmmPfn[] };
