/**
 * `mirrorlab/machines`: the pure kernel machines, the driver profiles, the effects they return
 * (`kernelActions`) and the kernel's error numbers, with their types. Imports nothing from Node,
 * so a page or an app bundles it as it is.
 *
 * ```ts
 * import { createActor } from 'xstate';
 * import { rangeNotifierMachine } from 'mirrorlab/machines';
 * const sub = createActor(rangeNotifierMachine, { input: { id: 'sub:gpu0', core: 'core:p1', driver: 'drv:gpu0', start: 0, length: 0x10000 } });
 * ```
 */
export {
  type CompletionPath,
  type DeviceAccess,
  type DeviceContext,
  type DeviceEntry,
  type DeviceEvent,
  type DeviceInput,
  type DeviceJob,
  type DeviceMapEntry,
  type DevicePerm,
  deviceMachine,
} from '../machines/device.machine.ts';
export {
  type DmaFenceContext,
  type DmaFenceEvent,
  type DmaFenceInput,
  dmaFenceMachine,
  // Renamed: the driver's `FenceCallback` is the message such a callback sends.
  type FenceCallback as DmaFenceCallback,
  type FenceWaiter,
  type WaitTimeout,
} from '../machines/dma-fence.machine.ts';
export type { BufferPattern, PatternSegment } from '../machines/dmirror/buffer-pattern.ts';
// Driver types for a custom module: `setup({ types: { input: {} as DriverInput, events: {} as DriverEvent } })`.
export type {
  CallbackRun,
  DevJobDone,
  DevZapped,
  DriverBug,
  DriverContext,
  DriverEvent,
  DriverInput,
  DriverProfileName,
  DriverRequest,
  DrvDeviceFault,
  DrvFault,
  DrvInvalidate,
  DrvSubmit,
  FenceAddCallbackResult,
  FenceCallback,
  FenceWaitResult,
  HmmPfn,
  HmmRangeResult,
  LockBusy,
  LockGranted,
  LockInterrupted,
  LockMode,
  MmResult,
  // Renamed: the mm has its own `Page` (exported as MmPage).
  Page as DriverPage,
  PinnedPage,
  Region,
  RequestKind,
  SubmittedJob,
  SubReadBeginResult,
  SubRetryResult,
} from '../machines/drivers/driver-types.ts';
export {
  createDriverMachine,
  DRIVER_BUGS,
  type DriverMachine,
  driverProfiles,
  profileNames,
} from '../machines/drivers/index.ts';
export * as errno from '../machines/errno.ts';
export type { IntervalNode, IntervalTree } from '../machines/interval-tree.ts';
export {
  type ActorId,
  type KChooseParams,
  type KSendParams,
  kernelActions,
  ksend,
  type Observation,
} from '../machines/kernel-actions.ts';
export type { MmContext, MmInput, PendingInvalidation, PendingOp } from '../machines/mm/context.ts';
export type { DevicePage } from '../machines/mm/device-access.ts';
export type { ForkEntry, ForkImage, MmRequest, Req, WaitpidRequest, WritePattern } from '../machines/mm/events.ts';
export { mmMachine } from '../machines/mm/mm.machine.ts';
export type { CacheSyncEvent } from '../machines/mm/page-cache-sync.ts';
// `Page` renamed: the driver has its own (exported as DriverPage).
export type {
  DeviceMemoryKind,
  Invalidation,
  Mutation,
  NotifierEvent,
  Page as MmPage,
  PageKind,
  Pte,
  Vma,
  WaitStatus,
} from '../machines/mm/types.ts';
export {
  type NotifierCoreContext,
  type NotifierCoreEvent,
  type NotifierCoreInput,
  notifierCoreMachine,
} from '../machines/notifier-core.machine.ts';
export type {
  CallbackReturnedEvent,
  CoreErrorKind,
  CoreModelError,
  DeferredEdit,
  InsertEvent,
  InvalidateEndEvent,
  InvalidateStartEvent,
  PendingStart,
  RemoveEvent,
  RemoveWaiter,
} from '../machines/notifier-core-types.ts';
export {
  type AcquireIntr,
  type LockHolder,
  type LockKind,
  // Renamed: the driver's `LockMode` (its submission path's mode) is exported under that name.
  type LockMode as PtLockMode,
  type LockWaiter,
  type PtLockContext,
  type PtLockEvent,
  type PtLockInput,
  ptLockMachine,
} from '../machines/pt-lock.machine.ts';
export {
  type RangeNotifierContext,
  type RangeNotifierEvent,
  type RangeNotifierInput,
  type RunningCallback,
  rangeNotifierMachine,
  type SubModelError,
  type WaitingReader,
} from '../machines/range-notifier.machine.ts';
export type {
  PendingSignal,
  SignalEvent,
  SignalHandledEvent,
  SignalPendingEvent,
  WaitInterruptibility,
} from '../machines/signals.ts';
export { AWAITING_REPLY_TAG, FENCE_SIGNALLING_TAG } from '../machines/tags.ts';
export {
  type LocalOp,
  // Renamed: the runtime's `Message` (a message in flight) is exported as WorldMessage.
  type Message as ThreadMessage,
  type ThreadContext,
  type ThreadEvent,
  type ThreadExpectation,
  type ThreadInput,
  type ThreadMismatch,
  type ThreadOp,
  type ThreadReply,
  type ThreadResult,
  threadMachine,
} from '../machines/thread.machine.ts';
