/**
 * Types of the driver actor `drv:<name>`: its input, its context, and every message it
 * takes. The messages it sends are written inline in driver-setup.ts (one `kSend` each)
 * and listed in docs/driver-protocol.md.
 */
import type { ActorId } from '../kernel-actions.ts';

/**
 * The five built-in profiles (see docs/driver-protocol.md for the kernel drivers behind each).
 *
 * @internal The source of {@link DriverProfileName}; users get the same list as `profileNames`,
 * so the API reference leaves it out (typedoc.json `intentionallyNotExported`).
 */
export const PROFILE_NAMES = [
  'shadow-pte',
  'registration-cache',
  'userptr-fence-under-lock',
  'userptr-fence-after-unlock',
  'svm',
] as const;
/**
 * The name of a built-in driver profile, as a scenario's `driver:` names it.
 *
 * @example
 * ```ts
 * import type { DriverProfileName } from 'mirrorlab';
 *
 * const profile: DriverProfileName = 'registration-cache';
 * ```
 */
export type DriverProfileName = (typeof PROFILE_NAMES)[number];

/**
 * Planted-bug knobs: each is one small, named deviation from the correct driver.
 *
 * @example
 * ```ts
 * import { DRIVER_BUGS, type DriverBug } from 'mirrorlab';
 *
 * function isDriverBug(name: string): name is DriverBug {
 *   return (DRIVER_BUGS as readonly string[]).includes(name);
 * }
 * isDriverBug('missing-set-seq'); // true
 * ```
 */
export const DRIVER_BUGS = ['retry-outside-lock', 'missing-set-seq', 'sleep-when-nonblockable', 'no-pin'] as const;
/**
 * A planted bug of a built-in profile (a scenario's `bugs:` for a device): one small, named
 * deviation from the correct driver.
 *
 * @example
 * ```ts
 * import type { DriverBug } from 'mirrorlab';
 *
 * const bug: DriverBug = 'missing-set-seq'; // the invalidate callback forgets mmu_interval_set_seq
 * ```
 */
export type DriverBug = (typeof DRIVER_BUGS)[number];

/**
 * How the driver takes its update lock: `write` (exclusive), or `read` (shared, on an rwsem).
 *
 * @example
 * ```ts
 * import type { LockMode } from 'mirrorlab';
 *
 * const mode: LockMode = 'read'; // e.g. a submission under down_read(notifier_lock)
 * ```
 */
export type LockMode = 'write' | 'read';

/**
 * What the scenario compiler starts `drv:<device>` with (src/scenario/driver-input.ts), and
 * the input type to give a custom driver's `setup({ types: { input } })`.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { type DriverEvent, type DriverInput, kernelActions } from 'mirrorlab';
 *
 * const myDriver = setup({
 *   types: { input: {} as DriverInput, events: {} as DriverEvent },
 *   actions: { ...kernelActions },
 * }).createMachine({
 *   context: ({ input }) => ({ id: input.id, sub: input.sub, lock: input.lock, dev: input.dev }),
 *   // ...
 * });
 * ```
 */
export interface DriverInput {
  /** The driver's own actor id, `drv:<device>`: the `replyTo` of its requests. */
  id: ActorId;
  /**
   * The built-in profile the slot names, or `'custom'` for a module (a path in the scenario,
   * or `check --driver`). A built-in machine accepts its own name or `'custom'`.
   */
  profile?: DriverProfileName | 'custom';
  /** Its interval subscription `sub:<device>`. */
  sub: ActorId;
  /** Its update lock `lock:<device>`. */
  lock: ActorId;
  /** The mm it mirrors, `mm:<process>`. */
  mm: ActorId;
  /** The notifier core of that mm, `core:<process>` (core.insert / core.remove). */
  core?: ActorId;
  /** Its device `dev:<device>`. */
  dev: ActorId;
  /** `dev_private_owner` / pgmap owner; defaults to the driver's own id. */
  pgmapOwner?: string;
  /**
   * Bound on read_begin restarts, standing in for HMM_RANGE_DEFAULT_TIMEOUT (default 8);
   * `'unbounded'`: restart as often as it collides, never give up (machines/retry-bound.ts).
   */
  maxRetries?: number | 'unbounded';
  /** Planted bugs of a built-in profile; never given to a custom module. */
  bugs?: string[];
  /** registration-cache only: pin pages (default true); `false` is the `no-pin` bug. */
  pin?: boolean;
  /** Mode of the update lock on the submission path (`read` needs an rwsem; default `write`). */
  submitLockMode?: LockMode;
  /** The submission path takes the update lock interruptibly (xe: down_read_interruptible) or killably. */
  submitLockIntr?: 'interruptible' | 'killable';
  /** Page size of the scenario (default 4096); a device fault without a range covers one page. */
  pageSize?: number;
}

/**
 * One page of a walk or a pin, as the driver keeps it until it programs the device. Exported as `DriverPage` (the mm has its own `MmPage`).
 *
 * @example
 * ```ts
 * import type { DriverPage } from 'mirrorlab';
 *
 * const page: DriverPage = { addr: 0x10000, pfn: 7, gen: 0, version: 1, write: true };
 * ```
 */
export interface Page {
  addr: number;
  pfn: number;
  gen: number;
  /** CPU PTE version the pfn was read from; null when the source (mm.pin) does not say. */
  version: number | null;
  write: boolean;
}

/**
 * A page the registration cache holds pinned (and mapped with `pinned: true`).
 *
 * @example
 * ```ts
 * import type { PinnedPage } from 'mirrorlab';
 *
 * const pinned: PinnedPage = { addr: 0x10000, pfn: 7, gen: 0 };
 * ```
 */
export interface PinnedPage {
  addr: number;
  pfn: number;
  gen: number;
}

/**
 * What a driver request is: a device fault to mirror, or a job submission.
 *
 * @example
 * ```ts
 * import type { RequestKind } from 'mirrorlab';
 *
 * const kind: RequestKind = 'fault';
 * ```
 */
export type RequestKind = 'fault' | 'submit';

/**
 * The request the fault region is serving (null when idle). Guarded by the region itself.
 *
 * @example
 * ```ts
 * import type { DriverContext, DriverRequest } from 'mirrorlab';
 *
 * const serving = (ctx: DriverContext): DriverRequest | null => ctx.request;
 * // e.g. { kind: 'fault', replyTo: 'dev:gpu0', tid: 'dev:gpu0/engine', start: 0x10000, end: 0x11000, ... }
 * ```
 */
export interface DriverRequest {
  kind: RequestKind;
  replyTo: ActorId;
  tid: string;
  start: number;
  end: number;
  write: boolean;
  job: string | number | null;
  fence: ActorId | null;
  accesses: unknown[];
  /** Fences the job must wait for on the device (a scheduler dependency); passed to dev.submit. */
  deps: ActorId[];
  /** Result of read_begin for the current attempt. */
  seq: number | null;
  /** Restarts so far (-EBUSY from the walk, or a read_retry collision); not counted without a bound. */
  retries: number;
  /** Pages of the current attempt; only dereferenced after read_retry passed under the lock. */
  pages: Page[];
  /** Whether `pages` are pinned (registration cache) and must be unpinned if discarded. */
  pinned: boolean;
  /** Result of the last walk/pin, then the result to reply with. */
  result: number;
}

/**
 * An invalidate callback being run, in the invalidating thread's context (one per thread: two
 * threads' invalidations may call the driver at once).
 *
 * @example
 * ```ts
 * import type { CallbackRun, DriverContext } from 'mirrorlab';
 *
 * const inCallback = (ctx: DriverContext): boolean => ctx.callbacks.length > 0;
 * const run: CallbackRun = {
 *   sub: 'sub:gpu0', tid: 'thread:cpu', start: 0x10000, end: 0x11000, curSeq: 3,
 *   event: 'UNMAP', blockable: true, holdsLock: false, step: 'locking', fences: [],
 * };
 * ```
 */
export interface CallbackRun {
  sub: ActorId;
  tid: string;
  start: number;
  end: number;
  curSeq: number;
  event: string;
  blockable: boolean;
  /** The callback holds the update lock (between lock.granted and its release). */
  holdsLock: boolean;
  /** What it waits for: its lock request's answer, a fence, or the device's TLB flush. */
  step: 'tryLocking' | 'locking' | 'fenceWait' | 'zapping';
  /** Published fences still to wait for, read under the update lock at set_seq time. */
  fences: ActorId[];
}

/**
 * A driver's two critical regions: the request path (faults and submissions) and the notifier
 * callback; a lock waiter says which one it waits in.
 *
 * @example
 * ```ts
 * import type { Region } from 'mirrorlab';
 *
 * const region: Region = 'callback';
 * ```
 */
export type Region = 'request' | 'callback';

/**
 * A submitted job whose submitter sleeps until its fence signals. Kept apart from the
 * request so the fault region can serve other threads (and the job's own device faults)
 * meanwhile: in the kernel the submitter sleeps in its own thread, not in the driver.
 *
 * @example
 * ```ts
 * import type { DriverContext, SubmittedJob } from 'mirrorlab';
 *
 * const waitingJobs = (ctx: DriverContext): SubmittedJob[] => ctx.submitted;
 * // e.g. { cbId: 'drv:gpu0#0', tid: 'thread:gpu', replyTo: 'thread:gpu', job: 0, fence: 'fence:job0', registered: true }
 * ```
 */
export interface SubmittedJob {
  /** `<driver id>#<job>`, the fence callback's id. */
  cbId: string;
  tid: string;
  replyTo: ActorId;
  job: string | number;
  fence: ActorId;
  /** dma_fence_add_callback succeeded: the callback will come. */
  registered: boolean;
}

/**
 * The context of a built-in driver machine: its input filled in with defaults, the request being
 * served, the invalidate callbacks being run, its published fences, pinned pages and submitted jobs.
 *
 * @example
 * ```ts
 * import { createWorld, type DriverContext } from 'mirrorlab';
 *
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml');
 * world.run();
 * const ctx = world.snapshot('drv:gpu0').context as DriverContext;
 * ctx.request; // null: no fault being served any more
 * ```
 */
export interface DriverContext {
  id: ActorId;
  profile: DriverProfileName;
  sub: ActorId;
  lock: ActorId;
  mm: ActorId;
  dev: ActorId;
  pgmapOwner: string;
  maxRetries: number | 'unbounded';
  bugs: DriverBug[];
  pin: boolean;
  submitLockMode: LockMode;
  /** Absent: the submission path's lock wait is uninterruptible. */
  submitLockIntr?: 'interruptible' | 'killable';
  pageSize: number;
  request: DriverRequest | null;
  /** The invalidate callbacks being run, one per invalidating thread, in call order. */
  callbacks: CallbackRun[];
  /**
   * Regions waiting for `lock.granted` and the thread each asked in, sorted by tid, each tid's in
   * the order they asked (routes a grant when a fault and a callback of one thread both wait:
   * lock-waiters.ts).
   */
  lockWaiters: { region: Region; tid: string }[];
  /** Fences of submitted jobs not yet signalled; written under the update lock (sorted). */
  published: ActorId[];
  /** Registration-cache entries holding a pin (sorted by addr). Guarded by the update lock. */
  pinned: PinnedPage[];
  /** Jobs waiting for their fence before the submitter gets its reply (sorted by cbId). */
  submitted: SubmittedJob[];
  /**
   * tids inside a fence-signalling section (sorted): a submission between publishing its job
   * fence and handing the job to the device (dma_fence_begin/end_signalling). The lockdep
   * monitor reads this field of every driver (docs/driver-protocol.md, "Signalling section").
   */
  signalling: string[];
}

/**
 * One entry of `hmm.rangeResult.pfns` (protocol.md) or of `mm.result.value` for `mm.pin`.
 *
 * @example
 * ```ts
 * import type { HmmPfn, HmmRangeResult } from 'mirrorlab';
 *
 * const writable = (r: HmmRangeResult): HmmPfn[] => r.pfns.filter((p) => p.valid && p.write);
 * ```
 */
export interface HmmPfn {
  addr: number;
  pfn: number;
  gen: number;
  version?: number;
  valid?: boolean;
  write?: boolean;
  error?: boolean;
  order?: number;
  flags?: unknown;
}

// ---- messages the driver takes ----------------------------------------------------------

/**
 * A device (or thread) asks for `[start, end)` to be mirrored into the device page table.
 *
 * @example
 * ```ts
 * import type { DrvFault } from 'mirrorlab';
 *
 * const fault: DrvFault = { type: 'drv.fault', replyTo: 'thread:gpu', tid: 'thread:gpu', start: 0x10000, end: 0x12000, write: true };
 * ```
 */
export interface DrvFault {
  type: 'drv.fault';
  replyTo: ActorId;
  tid: string;
  start: number;
  end: number;
  write: boolean;
}
/**
 * A device page-table miss; fields default to the device, its engine tid and one page at `addr`.
 *
 * @example
 * ```ts
 * import type { DrvDeviceFault } from 'mirrorlab';
 *
 * const miss: DrvDeviceFault = { type: 'drv.deviceFault', addr: 0x10000, write: false };
 * ```
 */
export interface DrvDeviceFault {
  type: 'drv.deviceFault';
  replyTo?: ActorId;
  tid?: string;
  addr?: number;
  start?: number;
  end?: number;
  write?: boolean;
}
/**
 * A userptr submission: get pages, bind them, publish the job fence, run the job.
 *
 * @example
 * ```ts
 * import type { DrvSubmit } from 'mirrorlab';
 *
 * const submit: DrvSubmit = {
 *   type: 'drv.submit', replyTo: 'thread:gpu', tid: 'thread:gpu', job: 0, fence: 'fence:job0',
 *   accesses: [], start: 0x10000, end: 0x11000, write: true,
 * };
 * ```
 */
export interface DrvSubmit {
  type: 'drv.submit';
  replyTo: ActorId;
  tid: string;
  job: string | number;
  fence: ActorId;
  accesses: unknown[];
  start: number;
  end: number;
  write: boolean;
  /** Fences the job depends on (see dev.submit). */
  deps?: ActorId[];
}
/**
 * mmu_interval_notifier_ops.invalidate, forwarded by the subscription.
 *
 * @example
 * ```ts
 * import type { DrvInvalidate } from 'mirrorlab';
 *
 * const inv: DrvInvalidate = {
 *   type: 'drv.invalidate', sub: 'sub:gpu0', start: 0x10000, end: 0x11000, curSeq: 3,
 *   event: 'UNMAP', owner: null, blockable: true, tid: 'thread:cpu',
 * };
 * ```
 */
export interface DrvInvalidate {
  type: 'drv.invalidate';
  sub: ActorId;
  start: number;
  end: number;
  curSeq: number;
  event: string;
  owner: string | null;
  blockable: boolean;
  tid?: string;
}

/**
 * The answer to `sub.readBegin` (`mmu_interval_read_begin`): the sequence number to check later
 * with `sub.readRetry`.
 *
 * @example
 * ```ts
 * import type { SubReadBeginResult } from 'mirrorlab';
 *
 * const begun: SubReadBeginResult = { type: 'sub.readBeginResult', sub: 'sub:gpu0', tid: 'thread:gpu', seq: 1 };
 * ```
 */
export interface SubReadBeginResult {
  type: 'sub.readBeginResult';
  sub: ActorId;
  tid: string;
  seq: number;
}
/**
 * The answer to `sub.readRetry` (`mmu_interval_read_retry`): `retry: true` means an invalidation
 * collided, so the pages must be discarded and the fault restarted.
 *
 * @example
 * ```ts
 * import type { SubRetryResult } from 'mirrorlab';
 *
 * const collided = (r: SubRetryResult): boolean => r.retry;
 * ```
 */
export interface SubRetryResult {
  type: 'sub.retryResult';
  sub: ActorId;
  tid: string;
  retry: boolean;
}
/**
 * The answer to `hmm.rangeFault` (`hmm_range_fault`): 0 and one pfn per page, or a negative errno
 * such as `-EBUSY` (a collision: restart from read_begin).
 *
 * @example
 * ```ts
 * import { errno, type HmmRangeResult } from 'mirrorlab';
 *
 * const mustRestart = (r: HmmRangeResult): boolean => r.result === errno.EBUSY;
 * ```
 */
export interface HmmRangeResult {
  type: 'hmm.rangeResult';
  tid: string;
  result: number;
  pfns: HmmPfn[];
}
/**
 * The answer of the mm to a request such as `mm.get` (mmget_not_zero), `mm.put` or `mm.pin`: 0 or a
 * negative errno, and a value for those that return one.
 *
 * @example
 * ```ts
 * import type { MmResult } from 'mirrorlab';
 *
 * const got: MmResult = { type: 'mm.result', tid: 'thread:gpu', op: 'mm.get', result: 0 };
 * ```
 */
export interface MmResult {
  type: 'mm.result';
  tid: string;
  op: string;
  result: number;
  value?: unknown;
}
/**
 * The answer to `lock.acquire` or a successful `lock.tryAcquire`: the thread `tid` now holds the
 * lock.
 *
 * @example
 * ```ts
 * import type { LockGranted } from 'mirrorlab';
 *
 * const granted: LockGranted = { type: 'lock.granted', lock: 'lock:gpu0', tid: 'thread:gpu', mode: 'write' };
 * ```
 */
export interface LockGranted {
  type: 'lock.granted';
  lock: ActorId;
  tid: string;
  mode?: LockMode;
}
/**
 * An interruptible / killable acquire ended by a signal (no lock held).
 *
 * @example
 * ```ts
 * import { errno, type LockInterrupted } from 'mirrorlab';
 *
 * const interrupted: LockInterrupted = { type: 'lock.interrupted', lock: 'lock:gpu0', tid: 'thread:gpu', result: errno.EINTR };
 * ```
 */
export interface LockInterrupted {
  type: 'lock.interrupted';
  lock: ActorId;
  tid: string;
  result: number;
}
/**
 * The answer to a `lock.tryAcquire` on a held lock: nothing was taken (a non-blockable callback
 * then returns false).
 *
 * @example
 * ```ts
 * import type { LockBusy } from 'mirrorlab';
 *
 * const busy: LockBusy = { type: 'lock.busy', lock: 'lock:gpu0', tid: 'mm:p1/oom' };
 * ```
 */
export interface LockBusy {
  type: 'lock.busy';
  lock: ActorId;
  tid: string;
}
/**
 * The device's confirmation of a `dev.zap`: the entries are gone and its TLB is flushed, so the
 * invalidate callback may return.
 *
 * @example
 * ```ts
 * import type { DevZapped } from 'mirrorlab';
 *
 * const zapped: DevZapped = { type: 'dev.zapped', tid: 'thread:cpu' };
 * ```
 */
export interface DevZapped {
  type: 'dev.zapped';
  tid: string;
}
/**
 * The device finished a submitted job (0, or a negative errno); the driver then signals the job’s
 * fence.
 *
 * @example
 * ```ts
 * import type { DevJobDone } from 'mirrorlab';
 *
 * const done: DevJobDone = { type: 'dev.jobDone', tid: 'thread:gpu', job: 0, result: 0 };
 * ```
 */
export interface DevJobDone {
  type: 'dev.jobDone';
  tid: string;
  job: string | number;
  result: number;
}
/**
 * The answer to `fence.addCallback` (`dma_fence_add_callback`): 0, or `-ENOENT` when the fence had
 * already signalled (the callback will never run).
 *
 * @example
 * ```ts
 * import { errno, type FenceAddCallbackResult } from 'mirrorlab';
 *
 * const alreadySignalled = (r: FenceAddCallbackResult): boolean => r.result === errno.ENOENT;
 * ```
 */
export interface FenceAddCallbackResult {
  type: 'fence.addCallbackResult';
  fence: ActorId;
  cbId: string;
  result: number;
}
/**
 * A fence callback running: the fence signalled with `status` (1, or the error it was set to).
 *
 * @example
 * ```ts
 * import type { FenceCallback } from 'mirrorlab';
 *
 * const cb: FenceCallback = { type: 'fence.callback', fence: 'fence:job0', cbId: 'drv:gpu0#0', status: 1 };
 * ```
 */
export interface FenceCallback {
  type: 'fence.callback';
  fence: ActorId;
  cbId: string;
  status: number;
}
/**
 * The answer to `fence.wait` (`dma_fence_wait_timeout`): remaining time (> 0) when signalled, 0 on
 * timeout, `-ERESTARTSYS` when a signal interrupted an interruptible wait.
 *
 * @example
 * ```ts
 * import { errno, type FenceWaitResult } from 'mirrorlab';
 *
 * const interrupted = (r: FenceWaitResult): boolean => r.result === errno.ERESTARTSYS;
 * ```
 */
export interface FenceWaitResult {
  type: 'fence.waitResult';
  fence: ActorId;
  tid: string;
  result: number;
}

/**
 * Every message a driver takes: the requests (`drv.*`) and the answers of the kernel actors it
 * calls. The events type of a custom driver.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import type { DriverEvent, DriverInput } from 'mirrorlab';
 *
 * const driver = setup({ types: { input: {} as DriverInput, events: {} as DriverEvent } });
 * ```
 */
export type DriverEvent =
  | DrvFault
  | DrvDeviceFault
  | DrvSubmit
  | DrvInvalidate
  | SubReadBeginResult
  | SubRetryResult
  | HmmRangeResult
  | MmResult
  | LockGranted
  | LockBusy
  | LockInterrupted
  | DevZapped
  | DevJobDone
  | FenceAddCallbackResult
  | FenceCallback
  | FenceWaitResult;

/** Requests the fault region serves one at a time; deferred while it is busy. */
export const REQUEST_TYPES = ['drv.fault', 'drv.deviceFault', 'drv.submit'] as const;
