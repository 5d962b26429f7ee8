/**
 * The mm machine's context: its configuration, the memory (mm/types.ts `MmMemory`) and the
 * operation in progress. Plain JSON in one fixed key order.
 */
import type { MmRequest } from './events.ts';
import type { KernelVersion } from './kernel-version.ts';
import type { Invalidation, MmMemory, Mutation } from './types.ts';

/**
 * The invalidation the running operation waits on, and what comes after it.
 *
 * @example
 * ```ts
 * import type { PendingInvalidation } from 'mirrorlab';
 *
 * // The range the running operation is invalidating, if any.
 * const waitingOn = (p: PendingInvalidation | null) => (p ? [p.inv.start, p.inv.end] : null);
 * ```
 */
export interface PendingInvalidation {
  inv: Invalidation;
  mutation: Mutation;
  progress: unknown;
  progressIfRefused: unknown;
}

/**
 * The operation holding the mmap lock. `outcome` says where the machine goes next:
 * `invalidate` → `pending` is set; `reply` → idle; `exit` → exited.
 * Read it in `MmContext.op` (and `MmContext.beside` for reclaim, which runs beside it).
 *
 * @example
 * ```ts
 * import type { PendingOp } from 'mirrorlab';
 *
 * // The request an mm is busy with, by type.
 * const busyWith = (op: PendingOp | null) => op?.req.type ?? 'idle';
 * ```
 */
export interface PendingOp {
  req: MmRequest;
  progress: unknown;
  outcome: 'running' | 'invalidate' | 'reply' | 'exit';
  pending: PendingInvalidation | null;
}

/**
 * The state of a process's mm (mmMachine): its memory (VMAs, page tables, pages) plus the operation
 * running under the mmap lock and the peer mms that share its file pages.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type MmContext, mmMachine } from 'mirrorlab';
 *
 * const mm = createActor(mmMachine, { input: { id: 'mm:p1', core: 'core:p1' } }).start();
 * const ctx: MmContext = mm.getSnapshot().context;
 * ctx.op; // null: no operation running
 * ```
 */
export interface MmContext extends MmMemory {
  id: string;
  core: string;
  /** A fork child: starts `unborn` and comes alive on `mm.forked`. */
  child: boolean;
  /**
   * The other mms of the world: each holds its own copy of a shared file or shmem page, and a
   * change of one is sent to them (mm/page-cache-sync.ts), as one page seen by every process.
   */
  peers: string[];
  op: PendingOp | null;
  /**
   * Operations beside `op`, by tid (mm/reclaim-slot.ts): reclaim, which takes no mmap lock
   * (`shrink_folio_list` works from the page through the rmap), and the OOM reaper, which
   * read-holds it by trylock; they run beside `op` and beside one another.
   */
  beside: Record<string, PendingOp>;
}

/**
 * The input of mmMachine: the mm's id (`mm:<proc>`), its notifier core (`core:<proc>`), and
 * optional page geometry, fork-child flag, peers and kernel version.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type MmInput, mmMachine } from 'mirrorlab';
 *
 * const input: MmInput = { id: 'mm:p1', core: 'core:p1', pageSize: 4096 };
 * const mm = createActor(mmMachine, { input }).start();
 * ```
 */
export interface MmInput {
  id: string;
  core: string;
  pageSize?: number;
  wordsPerPage?: number;
  pfnBase?: number;
  hugePageSize?: number;
  child?: boolean;
  peers?: string[];
  /** The kernel whose behaviour to take where versions differ (default v6.12). */
  kernel?: KernelVersion;
}

export function initialContext(input: MmInput): MmContext {
  const pageSize = input.pageSize ?? 4096;
  const wordsPerPage = input.wordsPerPage ?? 1;
  const pfnBase = input.pfnBase ?? 0;
  const hugePageSize = input.hugePageSize ?? 2097152;
  if (!input.id?.startsWith('mm:')) throw new Error(`mm id must look like 'mm:<proc>', got '${input.id}'`);
  if (!input.core?.startsWith('core:')) throw new Error(`mm ${input.id}: core must look like 'core:<proc>'`);
  if (!Number.isInteger(Math.log2(pageSize)) || pageSize % wordsPerPage !== 0 || hugePageSize % pageSize !== 0)
    throw new Error(
      `mm ${input.id}: pageSize must be a power of two divisible by wordsPerPage and dividing hugePageSize`,
    );
  return {
    id: input.id,
    core: input.core,
    child: input.child ?? false,
    peers: [...(input.peers ?? [])].sort(),
    pageSize,
    wordsPerPage,
    pfnBase,
    hugePageSize,
    zeroPfn: pfnBase,
    mmUsers: input.child ? 0 : 1,
    mmCount: 1,
    vmas: [],
    ptes: {},
    versions: {},
    pages: { [pfnBase]: { gen: 1, refcount: 1, pins: 0, kind: 'zero', data: new Array(wordsPerPage).fill(0) } },
    lastGen: {},
    files: {},
    swap: {},
    kernel: input.kernel ?? 'v6.12',
    waitStatus: null,
    shmemObjects: 0,
    op: null,
    beside: {},
  };
}

/** The memory part of the context (a view; callers clone before changing it). */
export function memoryOf(ctx: MmContext): MmMemory {
  const { id: _id, core: _core, child: _child, peers: _peers, op: _op, beside: _beside, ...m } = ctx;
  return m;
}
