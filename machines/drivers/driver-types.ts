/**
 * Types of the driver actor `drv:<name>`: its input, its context, and every message it
 * takes. The messages it sends are written inline in driver-setup.ts (one `kSend` each)
 * and listed in docs/driver-protocol.md.
 */
import type { ActorId } from '../kernel-actions.ts';

/** The five built-in profiles (see docs/driver-protocol.md for the kernel drivers behind each). */
export const PROFILE_NAMES = [
  'shadow-pte',
  'registration-cache',
  'userptr-fence-under-lock',
  'userptr-fence-after-unlock',
  'svm',
] as const;
export type DriverProfileName = (typeof PROFILE_NAMES)[number];

/** Planted-bug knobs: each is one small, named deviation from the correct driver. */
export const DRIVER_BUGS = ['retry-outside-lock', 'missing-set-seq', 'sleep-when-nonblockable', 'no-pin'] as const;
export type DriverBug = (typeof DRIVER_BUGS)[number];

export type LockMode = 'write' | 'read';

/**
 * What the scenario compiler starts `drv:<device>` with (src/scenario/driver-input.ts), and
 * the input type to give a custom driver's `setup({ types: { input } })`.
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
  /** Bound on read_begin restarts, standing in for HMM_RANGE_DEFAULT_TIMEOUT (default 8). */
  maxRetries?: number;
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

/** One page of a walk or a pin, as the driver keeps it until it programs the device. */
export interface Page {
  addr: number;
  pfn: number;
  gen: number;
  /** CPU PTE version the pfn was read from; null when the source (mm.pin) does not say. */
  version: number | null;
  write: boolean;
}

/** A page the registration cache holds pinned (and mapped with `pinned: true`). */
export interface PinnedPage {
  addr: number;
  pfn: number;
  gen: number;
}

export type RequestKind = 'fault' | 'submit';

/** The request the fault region is serving (null when idle). Guarded by the region itself. */
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
  /** Restarts so far (-EBUSY from the walk, or a read_retry collision). */
  retries: number;
  /** Pages of the current attempt; only dereferenced after read_retry passed under the lock. */
  pages: Page[];
  /** Whether `pages` are pinned (registration cache) and must be unpinned if discarded. */
  pinned: boolean;
  /** Result of the last walk/pin, then the result to reply with. */
  result: number;
}

/** The invalidate callback being run (null when none), in the invalidating thread's context. */
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
  /** Published fences still to wait for, read under the update lock at set_seq time. */
  fences: ActorId[];
}

export type Region = 'request' | 'callback';

/**
 * A submitted job whose submitter sleeps until its fence signals. Kept apart from the
 * request so the fault region can serve other threads (and the job's own device faults)
 * meanwhile: in the kernel the submitter sleeps in its own thread, not in the driver.
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

export interface DriverContext {
  id: ActorId;
  profile: DriverProfileName;
  sub: ActorId;
  lock: ActorId;
  mm: ActorId;
  dev: ActorId;
  pgmapOwner: string;
  maxRetries: number;
  bugs: DriverBug[];
  pin: boolean;
  submitLockMode: LockMode;
  /** Absent: the submission path's lock wait is uninterruptible. */
  submitLockIntr?: 'interruptible' | 'killable';
  pageSize: number;
  request: DriverRequest | null;
  callback: CallbackRun | null;
  /** Regions waiting for `lock.granted`, in the order they asked (routes a grant when tids coincide). */
  lockWaiters: Region[];
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

/** One entry of `hmm.rangeResult.pfns` (protocol.md) or of `mm.result.value` for `mm.pin`. */
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

/** A device (or thread) asks for `[start, end)` to be mirrored into the device page table. */
export interface DrvFault {
  type: 'drv.fault';
  replyTo: ActorId;
  tid: string;
  start: number;
  end: number;
  write: boolean;
}
/** A device page-table miss; fields default to the device, its engine tid and one page at `addr`. */
export interface DrvDeviceFault {
  type: 'drv.deviceFault';
  replyTo?: ActorId;
  tid?: string;
  addr?: number;
  start?: number;
  end?: number;
  write?: boolean;
}
/** A userptr submission: get pages, bind them, publish the job fence, run the job. */
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
/** mmu_interval_notifier_ops.invalidate, forwarded by the subscription. */
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

export interface SubReadBeginResult {
  type: 'sub.readBeginResult';
  sub: ActorId;
  tid: string;
  seq: number;
}
export interface SubRetryResult {
  type: 'sub.retryResult';
  sub: ActorId;
  tid: string;
  retry: boolean;
}
export interface HmmRangeResult {
  type: 'hmm.rangeResult';
  tid: string;
  result: number;
  pfns: HmmPfn[];
}
export interface MmResult {
  type: 'mm.result';
  tid: string;
  op: string;
  result: number;
  value?: unknown;
}
export interface LockGranted {
  type: 'lock.granted';
  lock: ActorId;
  tid: string;
  mode?: LockMode;
}
/** An interruptible / killable acquire ended by a signal (no lock held). */
export interface LockInterrupted {
  type: 'lock.interrupted';
  lock: ActorId;
  tid: string;
  result: number;
}
export interface LockBusy {
  type: 'lock.busy';
  lock: ActorId;
  tid: string;
}
export interface DevZapped {
  type: 'dev.zapped';
  tid: string;
}
export interface DevJobDone {
  type: 'dev.jobDone';
  tid: string;
  job: string | number;
  result: number;
}
export interface FenceAddCallbackResult {
  type: 'fence.addCallbackResult';
  fence: ActorId;
  cbId: string;
  result: number;
}
export interface FenceCallback {
  type: 'fence.callback';
  fence: ActorId;
  cbId: string;
  status: number;
}
export interface FenceWaitResult {
  type: 'fence.waitResult';
  fence: ActorId;
  tid: string;
  result: number;
}

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
