/**
 * One interval subscription: `struct mmu_interval_notifier` (docs/kernel-semantics.md §1.1, §1.3) and
 * the reader side of its sequence protocol: `mmu_interval_read_begin`,
 * `mmu_interval_read_retry`, `mmu_interval_check_retry`, `mmu_interval_set_seq`, and the
 * trampoline that runs its `ops->invalidate` (the driver's callback) for the core.
 *
 * In:  sub.attach { seq, globalSeq }                     from the core, at insert
 *      sub.invalidate { start, end, curSeq, event, owner, blockable, tid }   from the core
 *      sub.epochEnded { seq }                            from the core, when seq turns even
 *      sub.readBegin { replyTo, tid }
 *      sub.readRetry { replyTo, tid, seq } / sub.checkRetry { replyTo, tid, seq }
 *      sub.setSeq { curSeq }                             from the driver, inside its callback
 *      drv.invalidateReturned { sub, ok, tid }           from the driver
 * Out: sub.readBeginResult { sub, tid, seq }, sub.retryResult { sub, tid, retry } (to replyTo)
 *      drv.invalidate { sub, start, end, curSeq, event, owner, blockable, tid } (to driver)
 *      sub.callbackReturned { sub, ok, tid }             (to core)
 * Observes: callback.begin / callback.end { tid, sub, blockable }; sleep { tid, on } when a
 *      reader has to wait; sub.badSeq { sub, value } for a model error.
 *
 * The kernel's "this subscription is being invalidated" test is `sub.seq == global seq`.
 * The sub cannot read the global, so it keeps `epochSeq`: the odd global of the open epoch it
 * was told about (by `sub.attach` during an epoch, or by the `curSeq` of a `sub.invalidate`),
 * null once `sub.epochEnded` arrives. Then invalidatedInCurrentEpoch ⇔ seq = epochSeq.
 *
 * States, as predicates over context:
 *   detached              seq = null: `sub.attach` not received yet; readers wait (deferred)
 *   attached.idle         seq odd ∧ callbacks = []
 *   attached.invalidating seq odd ∧ callbacks ≠ []: the driver's invalidate op is running, once
 *                         per invalidating thread (two threads' invalidations may call it at
 *                         once, each in its own context: a return names its thread)
 *   (orthogonal flag)     invalidatedInCurrentEpoch: epochSeq ≠ null ∧ seq = epochSeq;
 *                         readers arriving then queue in `readers` until sub.epochEnded
 */
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { type ActorId, kernelActions } from './kernel-actions.ts';

/**
 * The input of rangeNotifierMachine (one `struct mmu_interval_notifier`): its id, notifier core,
 * driver, and the address range it covers.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type RangeNotifierInput, rangeNotifierMachine } from 'mirrorlab';
 *
 * const input: RangeNotifierInput = { id: 'sub:gpu0', core: 'core:p1', driver: 'drv:gpu0', start: 0, length: 0x10000 };
 * const sub = createActor(rangeNotifierMachine, { input }).start();
 * ```
 */
export interface RangeNotifierInput {
  id: ActorId;
  core: ActorId;
  driver: ActorId;
  start: number;
  length: number;
}

/**
 * The messages rangeNotifierMachine accepts: attach and invalidate from the core, the driver's
 * `mmu_interval_read_begin` / `read_retry` / `check_retry` / `set_seq`, and the end of an
 * invalidation epoch.
 *
 * @example
 * ```ts
 * import type { RangeNotifierEvent } from 'mirrorlab';
 *
 * const begin: RangeNotifierEvent = { type: 'sub.readBegin', replyTo: 'drv:gpu0', tid: 'gpu0/fault' };
 * const retry: RangeNotifierEvent = { type: 'sub.readRetry', replyTo: 'drv:gpu0', tid: 'gpu0/fault', seq: 1 };
 * ```
 */
export type RangeNotifierEvent =
  | { type: 'sub.attach'; seq: number; globalSeq: number }
  | {
      type: 'sub.invalidate';
      start: number;
      end: number;
      curSeq: number;
      event: string;
      owner: string | null;
      blockable: boolean;
      tid: string;
    }
  | { type: 'sub.epochEnded'; seq: number }
  | { type: 'sub.readBegin'; replyTo: ActorId; tid: string }
  | { type: 'sub.readRetry'; replyTo: ActorId; tid: string; seq: number }
  | { type: 'sub.checkRetry'; replyTo: ActorId; tid: string; seq: number }
  | { type: 'sub.setSeq'; curSeq: number }
  /** `tid`: the invalidating thread whose callback returned (absent: the oldest running). */
  | { type: 'drv.invalidateReturned'; sub: ActorId; ok: boolean; tid?: string };

/**
 * A `read_begin` sleeping on the wq; it returns the seq it read when it arrived.
 *
 * @example
 * ```ts
 * import type { WaitingReader } from 'mirrorlab';
 *
 * const reader: WaitingReader = { replyTo: 'drv:gpu0', tid: 'thread:t1', seq: 3 };
 * ```
 */
export interface WaitingReader {
  replyTo: ActorId;
  tid: string;
  seq: number;
}

/**
 * An invalidate callback running in thread `tid` (on a blockable range or not).
 *
 * @example
 * ```ts
 * import type { RunningCallback } from 'mirrorlab';
 *
 * const running: RunningCallback = { tid: 'thread:t1', blockable: true };
 * ```
 */
export interface RunningCallback {
  tid: string;
  blockable: boolean;
}

/** The callback a `drv.invalidateReturned` ends: the one of its thread, else the oldest. */
export function returningCallback(callbacks: readonly RunningCallback[], tid: string | undefined): number {
  return tid === undefined ? (callbacks.length > 0 ? 0 : -1) : callbacks.findIndex((c) => c.tid === tid);
}

/**
 * A misuse a subscription recorded (`RangeNotifierContext.errors`), e.g. a set_seq with a bad seq,
 * and the value involved.
 *
 * @example
 * ```ts
 * import type { SubModelError } from 'mirrorlab';
 *
 * const error: SubModelError = { kind: 'sub.returnWithoutCallback', value: null };
 * ```
 */
export interface SubModelError {
  kind: 'sub.badSeq' | 'sub.setSeqWhileDetached' | 'sub.doubleAttach' | 'sub.returnWithoutCallback';
  value: number | null;
}

/**
 * The state of an interval subscription (rangeNotifierMachine): its range, its `invalidate_seq`,
 * the readers sleeping on it, and the running invalidate callback.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type RangeNotifierContext, rangeNotifierMachine } from 'mirrorlab';
 *
 * const sub = createActor(rangeNotifierMachine, {
 *   input: { id: 'sub:gpu0', core: 'core:p1', driver: 'drv:gpu0', start: 0, length: 0x10000 },
 * }).start();
 * const ctx: RangeNotifierContext = sub.getSnapshot().context;
 * ctx.seq; // null until the core attaches it
 * ```
 */
export interface RangeNotifierContext {
  id: ActorId;
  core: ActorId;
  driver: ActorId;
  start: number;
  length: number;
  /** `invalidate_seq` of the subscription: odd once attached. */
  seq: number | null;
  /** Odd global seq of the epoch this sub was last told is open; null when none. */
  epochSeq: number | null;
  readers: WaitingReader[];
  /** The running invalidate callbacks, one per invalidating thread, in call order. */
  callbacks: RunningCallback[];
  errors: SubModelError[];
}

/**
 * One interval subscription `sub:<device>` (`struct mmu_interval_notifier`): its always-odd
 * sequence number, `read_begin` (which waits while its epoch lasts), `read_retry`, `set_seq`, and
 * the forwarding of each invalidation to the driver's callback.
 *
 * @example
 * ```ts
 * import { exportMachine, rangeNotifierMachine } from 'mirrorlab';
 *
 * // Started by the scenario compiler for each device, with an input like:
 * const input = { id: 'sub:gpu0', core: 'core:p1', driver: 'drv:gpu0', start: 0x10000, length: 0x4000 };
 * console.log(exportMachine(rangeNotifierMachine, 'scxml'));
 * ```
 */
export const rangeNotifierMachine = setup({
  types: {
    context: {} as RangeNotifierContext,
    input: {} as RangeNotifierInput,
    events: {} as RangeNotifierEvent,
  },
  guards: {
    /** The kernel's `sub.seq == global seq`: touched in the epoch that is still open. */
    invalidatedInCurrentEpoch: ({ context }) => context.epochSeq !== null && context.seq === context.epochSeq,
    /** A sub seq must stay odd; `mmu_interval_set_seq` only ever receives an odd cur_seq. */
    noCallbackRunning: ({ context }) => context.callbacks.length === 0,
    threadAlreadyInCallback: ({ context, event }) =>
      event.type === 'sub.invalidate' && context.callbacks.some((c) => c.tid === event.tid),
    /** A return from a thread that is not in a callback of this sub: dropped, as a model error. */
    returnWithoutCallback: ({ context, event }) => {
      assertEvent(event, 'drv.invalidateReturned');
      return returningCallback(context.callbacks, event.tid) < 0;
    },
    seqIsEven: ({ event }) => {
      assertEvent(event, 'sub.setSeq');
      return event.curSeq % 2 === 0;
    },
  },
  actions: {
    ...kernelActions,
    storeAttachSeq: assign(({ event }) => {
      assertEvent(event, 'sub.attach');
      return { seq: event.seq, epochSeq: event.globalSeq % 2 === 1 ? event.globalSeq : null };
    }),
    answerReadBegin: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'sub.readBegin');
      const reply = { type: 'sub.readBeginResult', sub: context.id, tid: event.tid, seq: context.seq };
      enqueue({ type: 'kSend', params: { to: event.replyTo, event: reply } });
    }),
    /** read_begin step 3: sleep on the wq until the epoch ends; remember the seq read now. */
    waitForEpochEnd: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'sub.readBegin');
      const reader = { replyTo: event.replyTo, tid: event.tid, seq: context.seq as number };
      enqueue.assign({ readers: [...context.readers, reader] });
      enqueue({ type: 'kObserve', params: { kind: 'sleep', tid: event.tid, on: context.id } });
    }),
    /** read_retry / check_retry: a collision iff the sub seq moved since read_begin. */
    answerRetry: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['sub.readRetry', 'sub.checkRetry']);
      const reply = { type: 'sub.retryResult', sub: context.id, tid: event.tid, retry: context.seq !== event.seq };
      enqueue({ type: 'kSend', params: { to: event.replyTo, event: reply } });
    }),
    setNotifierSeq: assign(({ event }) => {
      assertEvent(event, 'sub.setSeq');
      return { seq: event.curSeq };
    }),
    reportEvenSeq: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'sub.setSeq');
      enqueue.assign({ errors: [...context.errors, { kind: 'sub.badSeq' as const, value: event.curSeq }] });
      enqueue({ type: 'kObserve', params: { kind: 'sub.badSeq', sub: context.id, value: event.curSeq } });
    }),
    reportSetSeqWhileDetached: assign(({ context, event }) => {
      assertEvent(event, 'sub.setSeq');
      return { errors: [...context.errors, { kind: 'sub.setSeqWhileDetached' as const, value: event.curSeq }] };
    }),
    reportDoubleAttach: assign(({ context, event }) => {
      assertEvent(event, 'sub.attach');
      return { errors: [...context.errors, { kind: 'sub.doubleAttach' as const, value: event.seq }] };
    }),
    /** The epoch ended (global seq even again): wake every sleeping reader, in arrival order. */
    wakeReaders: enqueueActions(({ context, enqueue }) => {
      for (const r of context.readers) {
        const reply = { type: 'sub.readBeginResult', sub: context.id, tid: r.tid, seq: r.seq };
        enqueue({ type: 'kSend', params: { to: r.replyTo, event: reply } });
      }
      enqueue.assign({ readers: [], epochSeq: null });
    }),
    /** Run `ops->invalidate(sub, range, cur_seq)`: hand the range as is to the driver. */
    callDriverInvalidate: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'sub.invalidate');
      const { start, end, curSeq, event: kind, owner, blockable, tid } = event;
      enqueue.assign({ epochSeq: curSeq, callbacks: [...context.callbacks, { tid, blockable }] });
      const call = { type: 'drv.invalidate', sub: context.id, start, end, curSeq, event: kind, owner, blockable, tid };
      enqueue({ type: 'kObserve', params: { kind: 'callback.begin', tid, sub: context.id, blockable } });
      enqueue({ type: 'kSend', params: { to: context.driver, event: call } });
    }),
    returnToCore: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'drv.invalidateReturned');
      const k = returningCallback(context.callbacks, event.tid);
      const cb = context.callbacks[k];
      enqueue({
        type: 'kObserve',
        params: { kind: 'callback.end', tid: cb.tid, sub: context.id, blockable: cb.blockable },
      });
      const reply = { type: 'sub.callbackReturned', sub: context.id, ok: event.ok, tid: cb.tid };
      enqueue({ type: 'kSend', params: { to: context.core, event: reply } });
      enqueue.assign({ callbacks: context.callbacks.filter((_, i) => i !== k) });
    }),
    reportReturnWithoutCallback: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'drv.invalidateReturned');
      enqueue.assign({ errors: [...context.errors, { kind: 'sub.returnWithoutCallback' as const, value: null }] });
    }),
  },
}).createMachine({
  id: 'rangeNotifier',
  context: ({ input }) => ({
    id: input.id,
    core: input.core,
    driver: input.driver,
    start: input.start,
    length: input.length,
    seq: null,
    epochSeq: null,
    readers: [],
    callbacks: [],
    errors: [],
  }),
  initial: 'detached',
  states: {
    detached: {
      meta: { defer: ['sub.readBegin', 'sub.readRetry', 'sub.checkRetry'] },
      on: {
        'sub.attach': { target: 'attached', actions: 'storeAttachSeq' },
        'sub.setSeq': { actions: 'reportSetSeqWhileDetached' },
      },
    },
    attached: {
      initial: 'idle',
      on: {
        'sub.readBegin': [
          { guard: 'invalidatedInCurrentEpoch', actions: 'waitForEpochEnd' },
          { actions: 'answerReadBegin' },
        ],
        'sub.readRetry': { actions: 'answerRetry' },
        'sub.checkRetry': { actions: 'answerRetry' },
        'sub.setSeq': [{ guard: 'seqIsEven', actions: 'reportEvenSeq' }, { actions: 'setNotifierSeq' }],
        'sub.epochEnded': { actions: 'wakeReaders' },
        'sub.attach': { actions: 'reportDoubleAttach' },
      },
      states: {
        idle: {
          on: { 'sub.invalidate': { target: 'invalidating', actions: 'callDriverInvalidate' } },
        },
        invalidating: {
          always: { guard: 'noCallbackRunning', target: 'idle' },
          on: {
            // Another thread's invalidation calls the op too, beside the running one. (A thread
            // is in one invalidation at a time: a second call from it is never sent.)
            'sub.invalidate': [{ guard: 'threadAlreadyInCallback' }, { actions: 'callDriverInvalidate' }],
            'drv.invalidateReturned': [
              { guard: 'returnWithoutCallback', actions: 'reportReturnWithoutCallback' },
              { actions: 'returnToCore' },
            ],
          },
        },
      },
    },
  },
});
