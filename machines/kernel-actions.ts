/**
 * The three effects a pure machine may ask of its runtime. Machines never talk to each
 * other directly: they return these as named actions, and whichever runtime runs them
 * (the live world in actors/, or the controlled scheduler in src/runtime/) decides when
 * the effect happens. That is what lets one machine definition serve both runtimes.
 *
 * - `kSend`    put `event` in the inbox of actor `to` (delivered later, by the scheduler).
 * - `kChoose`  the machine has a nondeterministic choice (does this allocation enter
 *              reclaim? does the fence time out?); the scheduler delivers exactly one of
 *              `options` back to the same actor before it takes any other message.
 * - `kObserve` a fact for the monitors (a device access, a lock taken, a fence waited on).
 *              It changes nothing and no machine ever reads it.
 */
import type { EventObject } from 'xstate';

/**
 * Actor ids look like `kind:name`, e.g. `mm:p1`, `lock:gpu0`, `drv:gpu0`.
 *
 * @example
 * ```ts
 * import type { ActorId } from 'mirrorlab';
 *
 * const lock: ActorId = 'lock:gpu0';
 * const kind = lock.split(':')[0]; // 'lock'
 * ```
 */
export type ActorId = string;

/**
 * The params of a `kSend` effect (what ksend returns): the actor to send to and the event. The
 * runtimes deliver it; a machine never sends directly.
 *
 * @example
 * ```ts
 * import { ksend, type KSendParams } from 'mirrorlab';
 *
 * const params: KSendParams = ksend('sub:gpu0', { type: 'sub.setSeq' }).params;
 * params.to; // 'sub:gpu0'
 * ```
 */
export interface KSendParams {
  to: ActorId;
  event: EventObject;
}

/**
 * The params of a `kChoose` effect: a nondeterministic choice between events the machine sends
 * itself, which the explorer branches on (e.g. whether an allocation reclaims).
 *
 * @example
 * ```ts
 * import type { KChooseParams } from 'mirrorlab';
 *
 * const choice: KChooseParams = {
 *   label: 'alloc.reclaim?',
 *   options: [{ type: 'dev.allocNoReclaim' }, { type: 'dev.allocReclaim' }],
 * };
 * ```
 */
export interface KChooseParams {
  /** A short label for traces, e.g. `alloc.reclaim?`. */
  label: string;
  options: EventObject[];
}

/**
 * A fact a machine reports for the monitors with `kObserve` (a device access, a lock taken, a fence
 * waited on): `kind` and any fields. No machine ever reads it.
 *
 * @example
 * ```ts
 * import type { Observation } from 'mirrorlab';
 *
 * const seen: Observation = { kind: 'lock.acquired', lock: 'lock:gpu0', lockKind: 'mutex', tid: 'thread:a', mode: 'write' };
 * ```
 */
export interface Observation {
  kind: string;
  [field: string]: unknown;
}

/**
 * Spread into `setup({ actions: { ...kernelActions, ... } })` of every machine.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { kernelActions } from 'mirrorlab';
 *
 * const machine = setup({ actions: { ...kernelActions } }).createMachine({
 *   on: { 'drv.fault': { actions: { type: 'kSend', params: ({ event }) => ({ to: event.replyTo, event: { type: 'drv.faultResult', result: 0 } }) } } },
 * });
 * ```
 */
export const kernelActions = {
  kSend: (_: unknown, _params: KSendParams) => {},
  kChoose: (_: unknown, _params: KChooseParams) => {},
  kObserve: (_: unknown, _params: Observation) => {},
};

/**
 * Shorthand for an inline `kSend` action object with fixed params.
 *
 * @example
 * ```ts
 * import { ksend } from 'mirrorlab';
 *
 * const release = { type: 'lock.release', tid: 'thread:a' };
 * const unlock = ksend('lock:gpu0', release);
 * // { type: 'kSend', params: { to: 'lock:gpu0', event: { type: 'lock.release', tid: 'thread:a' } } }
 * ```
 */
export function ksend(to: ActorId, event: EventObject): { type: 'kSend'; params: KSendParams } {
  return { type: 'kSend', params: { to, event } };
}
