/**
 * `mirrorlab/testing`: unit-test machines and drivers from vitest (or any runner): drive a
 * machine under the runtime's delivery rules, assert a transition, walk every path of a machine
 * against its event policy, and run the battery on a driver.
 *
 * ```ts
 * import { expectTransition, MachineHarness } from 'mirrorlab/testing';
 * const h = new MachineHarness(myDriver, { id: 'drv:gpu0', sub: 'sub:gpu0', lock: 'lock:gpu0', mm: 'mm:p1', dev: 'dev:gpu0' });
 * expectTransition(h, { type: 'drv.fault', replyTo: 'thread:t1', tid: 'thread:t1', start: 0, end: 4096, write: true }, {
 *   sends: [{ to: 'sub:gpu0', event: { type: 'sub.readBegin' } }],
 * });
 * ```
 */
export type { PropertyJudgement, PropertyVerdict } from '../check/verdict.ts';
export type { FileError } from '../cli/check-files.ts';
export type { EventPolicy } from '../runtime/event-policy.ts';
export { PureMachine, type StepResult, type TimerEffect } from '../runtime/pure-step.ts';
export { BUNDLED_BATTERY, checkDriver, type DriverCheck, type DriverCheckOptions } from './driver-battery.ts';
export {
  type AnyEvent,
  type Delivery,
  type HarnessOptions,
  MachineHarness,
  UnhandledEventError,
} from './machine-harness.ts';
export {
  type LeafNode,
  leafNodes,
  type PolicyWalkOptions,
  type ReachedState,
  unhandledOnPaths,
  walkEventPolicy,
} from './policy-paths.ts';
export { stateText } from './state-key.ts';
export { expectTransition, matches, type TransitionExpectation, TransitionMismatch } from './transition.ts';
