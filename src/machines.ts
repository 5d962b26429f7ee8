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
export { type DeviceContext, type DeviceEvent, type DeviceInput, deviceMachine } from '../machines/device.machine.ts';
export {
  type DmaFenceContext,
  type DmaFenceEvent,
  type DmaFenceInput,
  dmaFenceMachine,
} from '../machines/dma-fence.machine.ts';
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
export {
  type ActorId,
  type KChooseParams,
  type KSendParams,
  kernelActions,
  ksend,
  type Observation,
} from '../machines/kernel-actions.ts';
export type { MmContext, MmInput } from '../machines/mm/context.ts';
export type { MmRequest } from '../machines/mm/events.ts';
export { mmMachine } from '../machines/mm/mm.machine.ts';
export {
  type NotifierCoreContext,
  type NotifierCoreEvent,
  type NotifierCoreInput,
  notifierCoreMachine,
} from '../machines/notifier-core.machine.ts';
export {
  type LockKind,
  type PtLockContext,
  type PtLockEvent,
  type PtLockInput,
  ptLockMachine,
} from '../machines/pt-lock.machine.ts';
export {
  type RangeNotifierContext,
  type RangeNotifierEvent,
  type RangeNotifierInput,
  rangeNotifierMachine,
} from '../machines/range-notifier.machine.ts';
export { AWAITING_REPLY_TAG, FENCE_SIGNALLING_TAG } from '../machines/tags.ts';
export {
  type ThreadContext,
  type ThreadInput,
  type ThreadOp,
  threadMachine,
} from '../machines/thread.machine.ts';
