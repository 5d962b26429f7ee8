/**
 * mirrorlab's public API: the machines, the two runtimes, the explorer and the checker.
 *
 * ```ts
 * import { createWorld, checkScenario } from 'mirrorlab';
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml'); // live XState actors
 * world.run();
 * const outcome = await checkScenario('scenarios/seeds/missing-set-seq.yaml'); // every interleaving
 * outcome.violations.map((v) => v.kind); // ['stale-spte', 'use-after-free']
 * ```
 */

// Live actors.
export { createLiveWorld, LiveWorld, type LiveWorldOptions } from '../actors/live-world.ts';
export { createWorld, type WorldOptions } from '../actors/world.ts';
// Machines (pure; one definition for both runtimes).
export { deviceMachine } from '../machines/device.machine.ts';
export { dmaFenceMachine } from '../machines/dma-fence.machine.ts';
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
export { createDriverMachine, driverProfiles, profileNames } from '../machines/drivers/index.ts';
export * as errno from '../machines/errno.ts';
export { type ActorId, kernelActions, ksend, type Observation } from '../machines/kernel-actions.ts';
export { mmMachine } from '../machines/mm/mm.machine.ts';
export { notifierCoreMachine } from '../machines/notifier-core.machine.ts';
export { ptLockMachine } from '../machines/pt-lock.machine.ts';
export { rangeNotifierMachine } from '../machines/range-notifier.machine.ts';
export { type ThreadOp, threadMachine } from '../machines/thread.machine.ts';
// Scenarios and checking.
export { type Charge, chargeViolation } from './check/charge.ts';
export { type CheckOutcome, checkScenario } from './check/check-scenario.ts';
export { readTrace, writeTrace } from './check/trace-file.ts';
export { worldFor } from './check/world-for.ts';
export { exhaustiveSearch } from './explorer/exhaustive.ts';
export { replayTrace } from './explorer/replay.ts';
export { samplingSearch } from './explorer/sampling.ts';
export type { FoundViolation, SearchOptions, SearchResult } from './explorer/search-types.ts';
export { defaultMonitors } from './monitors/index.ts';
export type { Monitor, Violation } from './monitors/monitor.ts';
export { renderLadder } from './report/ladder.ts';
// The machines as diagrams and data: Mermaid, SCXML, JSON (re-created by machineFromJson), Stately source.
export {
  EXPORT_FORMATS,
  type ExportFormat,
  exportMachine,
  machineFromJson,
  toJsonConfig,
  toMermaid,
  toScxml,
  toStatelySource,
} from './report/machine-export.ts';
// Controlled runtime, explorer, monitors.
export {
  type ActorSpec,
  ControlledWorld,
  type SemanticStep,
  type Step,
  type WorldState,
} from './runtime/controlled-world.ts';
export { compileScenario, loadDriverModule } from './scenario/compile.ts';
export { loadScenario, parseScenario, ScenarioError } from './scenario/load.ts';
export type { EnvironmentFault } from './scenario/schema.ts';
export { settle } from './scenario/settle.ts';
