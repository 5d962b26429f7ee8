/**
 * Types of the dmirror test device `drv:<name>` (lib/test_hmm.c, docs/kernel-semantics.md §5): its
 * input, its context, the device page table entries, and every message it takes. The messages
 * it sends are written inline in dmirror-setup.ts and listed in docs/protocol.md "dmirror".
 */

import type { DrvInvalidate } from '../drivers/driver-types.ts';
import type { ActorId } from '../kernel-actions.ts';
import type { HmmPfn } from '../mm/hmm-walk.ts';
import type { MigratedPage } from '../mm/ops-migrate.ts';
import type { DeviceMemoryKind } from '../mm/types.ts';
import type { BufferPattern } from './buffer-pattern.ts';

/** HMM_DMIRROR_FLAGS' only flag (after v6.12): the next device-memory allocation fails. */
export const DMIRROR_FLAG_FAIL_ALLOC = 1;

/** The ioctls of test_hmm_uapi.h (FLAGS: after v6.12), plus the file operations OPEN and CLOSE. */
export const DMIRROR_COMMANDS = [
  'OPEN',
  'CLOSE',
  'READ',
  'WRITE',
  'MIGRATE_TO_DEV',
  'MIGRATE_TO_SYS',
  'SNAPSHOT',
  'EXCLUSIVE',
  'CHECK_EXCLUSIVE',
  'RELEASE',
  'FLAGS',
] as const;
export type DmirrorCommandName = (typeof DMIRROR_COMMANDS)[number];

export interface DmirrorInput {
  id: ActorId;
  profile?: string;
  sub: ActorId;
  lock: ActorId;
  mm: ActorId;
  /** Which /dev/hmm_dmirror<n>: 0 and 1 have device-private memory, 2 and 3 device-coherent. */
  device?: number;
  pageSize?: number;
  /** Words per page in the mm (the data a page holds); default 1. */
  wordsPerPage?: number;
  /**
   * Bound on read_begin restarts per chunk, standing for the 1000 ms deadline (default 8);
   * `'unbounded'`: restart as often as it collides (machines/retry-bound.ts).
   */
  maxRetries?: number | 'unbounded';
  /** The scenario's set-up already inserted the subscription (the fd is open). */
  subscribed?: boolean;
  bugs?: string[];
}

export type EntryPerm = 'read' | 'write' | 'atomic';

/**
 * One device page table entry: the XArray value at index vpn (§5.3). `perm` is the 2-bit tag
 * (0 → 'read', WRITE → 'write', ATOMIC → 'atomic'). `version` is the CPU PTE version the entry
 * was built from and `pinned` is always false (the XArray holds no page references), the field
 * names the stale-spte monitor reads. `device`: the page is this device's own memory.
 */
export interface TableEntry {
  pfn: number;
  gen: number;
  version: number;
  perm: EntryPerm;
  pinned: false;
  device: boolean;
}

/** The fault path over `[start, end)` in chunks (§5.5): where it is and what the walk gave. */
export interface FaultState {
  start: number;
  end: number;
  write: boolean;
  chunkStart: number;
  chunkEnd: number;
  seq: number | null;
  tries: number;
  pfns: HmmPfn[];
}

/** The command the command region serves (null when idle). Guarded by the region itself. */
export interface Command {
  replyTo: ActorId;
  tid: string;
  cmd: DmirrorCommandName;
  addr: number;
  npages: number;
  /** addr + npages * pageSize. */
  end: number;
  /** WRITE: the caller's buffer (wordsPerPage words per page). */
  data: number[];
  /** READ / read-back: the bounce buffer; SNAPSHOT: one byte per page. */
  out: number[];
  /** Copy cursor (READ, WRITE, read-back) or chunk cursor (SNAPSHOT, EXCLUSIVE). */
  cursor: number;
  /** The pages the current copy step transfers (collected under the lock). */
  batch: { addr: number; pfn: number; gen: number }[];
  cpages: number;
  faults: number;
  fault: FaultState | null;
  /** Pages a migration or EXCLUSIVE returned, to be stored in the table. */
  moved: MigratedPage[];
  /** Result of the step that ended the command early (< 0), else 0. */
  result: number;
}

/** An invalidate callback in progress, in the invalidating thread `tid` (one per thread). */
export interface Callback {
  sub: ActorId;
  tid: string;
  start: number;
  end: number;
  curSeq: number;
  blockable: boolean;
}

export interface DmirrorContext {
  id: ActorId;
  profile: 'dmirror';
  sub: ActorId;
  lock: ActorId;
  mm: ActorId;
  /** `core:<proc>` of the mm: where the notifier is inserted and removed. */
  core: ActorId;
  device: number;
  /** The device's pgmap owner (`dev_private_owner`): `hmm_dmirror<n>`. */
  owner: string;
  memory: DeviceMemoryKind;
  pageSize: number;
  wordsPerPage: number;
  maxRetries: number | 'unbounded';
  /** The notifier is inserted (open() succeeded and close() has not run). */
  open: boolean;
  /** The XArray: vpn → entry. Guarded by the update lock (`lock`). */
  table: Record<number, TableEntry>;
  /** The word HMM_DMIRROR_FLAGS set (its npages); FAIL_ALLOC is cleared when used. */
  flags: number;
  /** Device memory: chunks allocated so far and pages handed out (calloc). */
  devmem: { chunks: number; allocated: number };
  cmd: Command | null;
  /** The invalidate callbacks in progress, one per invalidating thread, in call order. */
  callbacks: Callback[];
}

type Pfns = HmmPfn[];

export type DmirrorEvent =
  | {
      type: 'dmirror.cmd';
      replyTo: ActorId;
      tid: string;
      cmd: string;
      addr?: number;
      npages?: number;
      /** WRITE: the caller's buffer, `wordsPerPage` words per page ... */
      data?: number[];
      /** ... or a pattern that stands for it (buffer-pattern.ts). */
      pattern?: BufferPattern;
    }
  | (DrvInvalidate & { tid: string })
  | { type: 'sub.readBeginResult'; sub: ActorId; tid: string; seq: number }
  | { type: 'sub.retryResult'; sub: ActorId; tid: string; retry: boolean }
  | { type: 'hmm.rangeResult'; mm: ActorId; tid: string; result: number; pfns: Pfns }
  | { type: 'mm.result'; mm: ActorId; tid: string; op: string; result: number; value?: unknown; allocFailed?: true }
  | { type: 'lock.granted'; lock: ActorId; tid: string; mode: string }
  | { type: 'lock.busy'; lock: ActorId; tid: string }
  | { type: 'core.insertResult'; tid: string; sub: ActorId; result: number }
  | { type: 'core.removeResult'; tid: string; sub: ActorId };
