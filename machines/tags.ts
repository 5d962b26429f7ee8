/**
 * State tags that are part of the actor protocol (docs/protocol.md): monitors read them with
 * `snapshot.hasTag`, so what a state means does not hang on its name.
 */

/**
 * A device state inside a fence-signalling section (from `signalling.begin` to the fence's
 * signal): the engine's tid (`<device id>/engine`) must not wait on what that fence's waiters
 * may hold.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { deviceMachine, FENCE_SIGNALLING_TAG } from 'mirrorlab';
 *
 * const dev = createActor(deviceMachine, { input: { id: 'dev:gpu0', driver: 'drv:gpu0' } }).start();
 * dev.getSnapshot().hasTag(FENCE_SIGNALLING_TAG); // false: no job running
 * ```
 */
export const FENCE_SIGNALLING_TAG = 'fenceSignalling';

/**
 * A state in which the actor has one request outstanding and waits for its answer: a thread's
 * op (`running`, the op at context `pc`), a device's fault (`running.faulting`, access `pc` of
 * context `job`). The liveness pass asks whether such a request can be postponed forever.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { AWAITING_REPLY_TAG, threadMachine } from 'mirrorlab';
 *
 * const thread = createActor(threadMachine, { input: { id: 'thread:cpu', ops: [] } }).start();
 * thread.getSnapshot().hasTag(AWAITING_REPLY_TAG); // false: no op outstanding
 * ```
 */
export const AWAITING_REPLY_TAG = 'awaitingReply';
