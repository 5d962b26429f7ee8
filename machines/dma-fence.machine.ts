/**
 * One dma_fence: a `fence:<name>` actor (docs/kernel-semantics.md §4.1–§4.5, §4.10).
 *
 * Models: `dma_fence_init` (the input), `dma_fence_signal`, `dma_fence_set_error`,
 * `dma_fence_get_status`, `dma_fence_enable_sw_signaling`, `dma_fence_add_callback`,
 * `dma_fence_remove_callback`, `dma_fence_wait_timeout` with the default wait (and so
 * `dma_fence_wait`, a wait with timeout `'forever'`).
 *
 * Config (input): `{ id, context, seqno }` (the fence's timeline and its place on it).
 *
 * Events in → out (kSend to `replyTo`; every reply carries `fence`):
 *   fence.enableSignaling                       → (nothing)
 *   fence.addCallback { replyTo, cbId }         → fence.addCallbackResult { cbId, result: 0 | -ENOENT }
 *                                                 and later fence.callback { cbId, status } at signal
 *   fence.removeCallback { replyTo, cbId }      → fence.removeCallbackResult { cbId, removed }
 *   fence.setError { error, replyTo? }          → fence.setErrorResult { result: 0 | -EINVAL }
 *   fence.signal { replyTo?, tid? }             → fence.signalResult { result: 0 | -EINVAL, tid? }
 *   fence.wait { replyTo, tid, intr, timeout }  → fence.waitResult { tid, result }
 *   fence.interrupt { tid }                     → ends an interruptible wait with -ERESTARTSYS
 *   signal.pending { tid, fatal }               tid has a signal pending (machines/signals.ts)
 *   signal.handled { replyTo, tid }             → signal.cleared { actor, tid }: tid's signal is gone
 *   fence.getStatus { replyTo }                 → fence.status { status: 0 | 1 | error }
 *   fence.timeout { tid }                       internal: the delayed raise of a finite wait
 * Observations: fence.signaled { fence, context, seqno, error, tid }, fence.waitBegin { fence,
 * tid } when a waiter queues, fence.waitEnd { fence, tid, result } when a queued one ends,
 * fence.misuse { fence, reason, ... } where the kernel would WARN.
 *
 * Context: `error` (0, or the negative errno set before signalling); `callbacks` are the
 * pending `{ replyTo, cbId }` in registration order; `waiters` are the queued
 * `{ replyTo, tid, intr, timeout }` in arrival order. Both lists are emptied at signal.
 * `signals` are the tids with a signal pending (`{ tid, fatal }`, sorted by tid), emptied at
 * signal too: a signalled fence answers every wait at once, so they can no longer matter.
 *
 * States, as predicates:
 *   unsignaled.lazy     not signalled, ENABLE_SIGNAL clear (callbacks = waiters = [])
 *   unsignaled.enabled  not signalled, ENABLE_SIGNAL set
 *   signaled            SIGNALED set; callbacks = waiters = []. Not final: the fence still
 *                       answers, e.g. a late signal gets -EINVAL.
 *
 * Waits. Time is abstract and nothing runs between a wait and its wake-up except other
 * steps, so a wait woken by the signal reports its whole `timeout` as the remaining jiffies,
 * or 1 for `'forever'` (the kernel returns a large positive number there; callers only test
 * > 0). A wait on a signalled fence returns `timeout`, or 1 when it is 0 or `'forever'`.
 * `timeout < 0` is -EINVAL; `timeout: 0` on an unsignalled fence is 0 at once. Any valid wait
 * enables signalling first, as `dma_fence_wait_timeout` does. A queued finite wait schedules
 * a delayed `raise({ type: 'fence.timeout', tid })` with id `fence.timeout:<tid>`; the runtime
 * may fire it at any step (result 0), and it is cancelled if the wait ends otherwise.
 *
 * Signals. An interruptible wait (`intr: true`) of a tid with a signal pending (fatal or not)
 * ends with -ERESTARTSYS: at once if the signal was pending when it arrived (after the
 * signalled-fence check, before the `timeout: 0` one, as in the kernel's default wait), or
 * when `signal.pending` reaches a queued one. The fact stays until `signal.handled`, so every
 * later interruptible wait of that tid fails too. An uninterruptible wait never ends early.
 * `fence.interrupt { tid }` wakes a queued interruptible wait of tid the same way but leaves no
 * signal pending; for a tid that is not in an interruptible wait here it is a no-op (a stray
 * interrupt: the signal was meant for some other sleep of that thread).
 *
 * Model choices where the kernel only WARNs: `set_error` after signal or with a value that
 * is not a negative errno ≥ -4095 is refused (the kernel stores it anyway) and observed as
 * misuse; so are a negative wait timeout, a second pending callback with the same `cbId`
 * and a second wait by a tid already waiting here (both would corrupt the kernel's list).
 * Not modelled: `ops->enable_signaling` refusing (signalling at enable time), `ops->signaled`,
 * `ops->wait`, reference counts and release. Callbacks are told before waiters at signal
 * (in the kernel both sit on one list in registration order; the runtime delivers each
 * actor's inbox separately, so only the order per recipient matters, and that is kept).
 */
import { assign, type EventObject, enqueueActions, setup } from 'xstate';
import { EINVAL, ENOENT, ERESTARTSYS } from './errno.ts';
import type { ActorId, KSendParams, Observation } from './kernel-actions.ts';
import { kernelActions } from './kernel-actions.ts';
import {
  type PendingSignal,
  pendingSignalOf,
  type SignalEvent,
  signalClearedEvent,
  withoutSignal,
  withSignal,
} from './signals.ts';

/** The largest errno magnitude (`MAX_ERRNO`). */
const MAX_ERRNO = 4095;

/**
 * How long a `fence.wait` sleeps before it gives up (`dma_fence_wait_timeout`'s timeout, in the
 * world's time units), or `'forever'` for `dma_fence_wait`.
 *
 * @example
 * ```ts
 * import type { WaitTimeout } from 'mirrorlab';
 *
 * const timeout: WaitTimeout = 'forever';
 * ```
 */
export type WaitTimeout = number | 'forever';

/**
 * A callback added to the fence (`dma_fence_add_callback`), run when it signals; exported as
 * `DmaFenceCallback` (the driver's `FenceCallback` is the message that callback sends).
 *
 * @example
 * ```ts
 * import type { DmaFenceCallback } from 'mirrorlab';
 *
 * const cb: DmaFenceCallback = { replyTo: 'drv:gpu0', cbId: 'drv:gpu0#0' };
 * ```
 */
export interface FenceCallback {
  replyTo: ActorId;
  cbId: string;
}

/**
 * A thread sleeping in `dma_fence_wait_timeout` on the fence (`DmaFenceContext.waiters`):
 * interruptibly or not, and for how long.
 *
 * @example
 * ```ts
 * import type { FenceWaiter } from 'mirrorlab';
 *
 * const waiter: FenceWaiter = { replyTo: 'drv:gpu0', tid: 'thread:t1', intr: false, timeout: 'forever' };
 * ```
 */
export interface FenceWaiter {
  replyTo: ActorId;
  tid: string;
  intr: boolean;
  timeout: WaitTimeout;
}

/**
 * The input of dmaFenceMachine: the fence's id and its place on a timeline (`context`, `seqno`), as
 * `dma_fence_init` takes them.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type DmaFenceInput, dmaFenceMachine } from 'mirrorlab';
 *
 * const input: DmaFenceInput = { id: 'fence:job1', context: 1, seqno: 1 };
 * const fence = createActor(dmaFenceMachine, { input }).start();
 * ```
 */
export interface DmaFenceInput {
  id: ActorId;
  context: number;
  seqno: number;
}

/**
 * The state of a dma_fence (dmaFenceMachine): its timeline place, its error, the callbacks added
 * and the waiters sleeping on it.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type DmaFenceContext, dmaFenceMachine } from 'mirrorlab';
 *
 * const fence = createActor(dmaFenceMachine, { input: { id: 'fence:job1', context: 1, seqno: 1 } }).start();
 * const ctx: DmaFenceContext = fence.getSnapshot().context;
 * ctx.waiters.length; // 0
 * ```
 */
export interface DmaFenceContext {
  id: ActorId;
  /** The timeline (`dma_fence_context_alloc`); fences on one context signal in seqno order. */
  context: number;
  seqno: number;
  /** 0, or the error set by `fence.setError` before signalling. */
  error: number;
  callbacks: FenceCallback[];
  waiters: FenceWaiter[];
  /** Tids with a signal pending (machines/signals.ts), sorted by tid. */
  signals: PendingSignal[];
}

/**
 * The messages dmaFenceMachine accepts, one per dma_fence call modelled (enable signalling,
 * add/remove callback, set error, signal, wait, get status), plus signal delivery and wait
 * time-outs.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type DmaFenceEvent, dmaFenceMachine } from 'mirrorlab';
 *
 * const fence = createActor(dmaFenceMachine, { input: { id: 'fence:job1', context: 1, seqno: 1 } }).start();
 * const signal: DmaFenceEvent = { type: 'fence.signal' };
 * const wait: DmaFenceEvent = { type: 'fence.wait', replyTo: 'thread:cpu', tid: 'cpu', intr: true, timeout: 'forever' };
 * fence.send(wait);
 * fence.send(signal);
 * ```
 */
export type DmaFenceEvent =
  /** dma_fence_enable_sw_signaling. */
  | { type: 'fence.enableSignaling' }
  /** dma_fence_add_callback. */
  | { type: 'fence.addCallback'; replyTo: ActorId; cbId: string }
  /** dma_fence_remove_callback. */
  | { type: 'fence.removeCallback'; replyTo: ActorId; cbId: string }
  /** dma_fence_set_error. */
  | { type: 'fence.setError'; error: number; replyTo?: ActorId }
  /** dma_fence_signal. */
  | { type: 'fence.signal'; replyTo?: ActorId; tid?: string }
  /** dma_fence_wait_timeout (`'forever'`: dma_fence_wait). */
  | { type: 'fence.wait'; replyTo: ActorId; tid: string; intr: boolean; timeout: WaitTimeout }
  /** A signal delivered to a waiting thread. */
  | { type: 'fence.interrupt'; tid: string }
  /** dma_fence_get_status. */
  | { type: 'fence.getStatus'; replyTo: ActorId }
  /** Internal: the time-out timer of waiter `tid` fired. */
  | { type: 'fence.timeout'; tid: string }
  | SignalEvent;

type Ev<T extends DmaFenceEvent['type']> = Extract<DmaFenceEvent, { type: T }>;

/** The id of waiter `tid`'s time-out timer, so it can be cancelled. */
export function waitTimerId(tid: string): string {
  return `fence.timeout:${tid}`;
}

/** get_status once signalled: 1, or the error. */
function signaledStatus(ctx: DmaFenceContext): number {
  return ctx.error === 0 ? 1 : ctx.error;
}

/** Remaining jiffies reported to a wait that succeeds (see the header). */
function remaining(timeout: WaitTimeout): number {
  return typeof timeout === 'number' && timeout > 0 ? timeout : 1;
}

function reply(type: string, ctx: DmaFenceContext, fields: Record<string, unknown>): EventObject {
  return { type, fence: ctx.id, ...fields } as EventObject;
}

function misuse(ctx: DmaFenceContext, reason: string, fields: Record<string, unknown>): Observation {
  return { kind: 'fence.misuse', fence: ctx.id, reason, ...fields };
}

type Effect = { type: 'kSend'; params: KSendParams } | { type: 'kObserve'; params: Observation };

/** The reply and observation that end a queued wait with `result`. */
function wakeWaiter(ctx: DmaFenceContext, w: FenceWaiter, result: number): Effect[] {
  return [
    { type: 'kSend', params: { to: w.replyTo, event: reply('fence.waitResult', ctx, { tid: w.tid, result }) } },
    { type: 'kObserve', params: { kind: 'fence.waitEnd', fence: ctx.id, tid: w.tid, result } },
  ];
}

/** What `interruptQueuedWait` needs of `enqueueActions`' enqueue. */
interface Enqueue {
  (effect: Effect): void;
  cancel(id: string): void;
  assign(update: Partial<DmaFenceContext>): void;
}

/** A signal reached tid: its queued interruptible wait (if any) ends with -ERESTARTSYS. */
function interruptQueuedWait(ctx: DmaFenceContext, tid: string, enqueue: Enqueue): void {
  const w = ctx.waiters.find((x) => x.tid === tid && x.intr);
  if (!w) return;
  if (typeof w.timeout === 'number') enqueue.cancel(waitTimerId(tid));
  enqueue.assign({ waiters: ctx.waiters.filter((x) => x.tid !== tid) });
  for (const e of wakeWaiter(ctx, w, ERESTARTSYS)) enqueue(e);
}

/** The answer to a wait that ends before it sleeps. */
function answerWaitAtOnce(ctx: DmaFenceContext, ev: Ev<'fence.wait'>, result: number): Effect {
  return { type: 'kSend', params: { to: ev.replyTo, event: reply('fence.waitResult', ctx, { tid: ev.tid, result }) } };
}

/** A refused wait: misuse observed, -EINVAL to the waiter. */
function refuseWait(ctx: DmaFenceContext, ev: Ev<'fence.wait'>, reason: string): Effect[] {
  return [
    { type: 'kObserve', params: misuse(ctx, reason, { tid: ev.tid, timeout: ev.timeout }) },
    {
      type: 'kSend',
      params: { to: ev.replyTo, event: reply('fence.waitResult', ctx, { tid: ev.tid, result: EINVAL }) },
    },
  ];
}

/** A refused set_error: misuse observed, -EINVAL to the caller if it asked for a reply. */
function refuseSetError(ctx: DmaFenceContext, ev: Ev<'fence.setError'>, reason: string): Effect[] {
  const out: Effect[] = [{ type: 'kObserve', params: misuse(ctx, reason, { error: ev.error }) }];
  if (ev.replyTo)
    out.push({
      type: 'kSend',
      params: { to: ev.replyTo, event: reply('fence.setErrorResult', ctx, { result: EINVAL }) },
    });
  return out;
}

/**
 * One `dma_fence` (`fence:<name>`): signalled at most once, with an optional error set before,
 * callbacks and waiters (interruptible or not, with or without a timeout), on a context whose
 * fences signal in seqno order. See docs/kernel-semantics.md §4.
 *
 * @example
 * ```ts
 * import { createLiveWorld, dmaFenceMachine, errno, threadMachine } from 'mirrorlab';
 *
 * const world = createLiveWorld([
 *   { id: 'fence:f1', machine: dmaFenceMachine, input: { id: 'fence:f1', context: 1, seqno: 1 } },
 *   {
 *     id: 'thread:a',
 *     machine: threadMachine,
 *     input: {
 *       id: 'thread:a',
 *       ops: [
 *         { to: 'fence:f1', event: { type: 'fence.signal' }, expect: { result: 0 } },
 *         { to: 'fence:f1', event: { type: 'fence.signal' }, expect: { result: errno.EINVAL } }, // at most once
 *       ],
 *     },
 *   },
 * ]);
 * world.run();
 * world.snapshot('fence:f1').value; // 'signaled'
 * ```
 */
export const dmaFenceMachine = setup({
  types: {
    context: {} as DmaFenceContext,
    input: {} as DmaFenceInput,
    events: {} as DmaFenceEvent,
  },
  delays: {
    /** A finite wait's time-out, in jiffies (abstract time: the runtime fires it when it likes). */
    waitTimeout: ({ event }) => (event.type === 'fence.wait' && typeof event.timeout === 'number' ? event.timeout : 0),
  },
  guards: {
    errnoIsValid: ({ event }) => {
      const { error } = event as Ev<'fence.setError'>;
      return Number.isInteger(error) && error < 0 && error >= -MAX_ERRNO;
    },
    callbackAlreadyPending: ({ context, event }) =>
      context.callbacks.some((c) => c.cbId === (event as Ev<'fence.addCallback'>).cbId),
    timeoutIsNegative: ({ event }) => {
      const { timeout } = event as Ev<'fence.wait'>;
      return typeof timeout === 'number' && timeout < 0;
    },
    timeoutIsZero: ({ event }) => (event as Ev<'fence.wait'>).timeout === 0,
    tidAlreadyWaiting: ({ context, event }) => context.waiters.some((w) => w.tid === (event as Ev<'fence.wait'>).tid),
    /** An interruptible wait by a tid that already has a signal pending. */
    signalPendingForWait: ({ context, event }) => {
      const { tid, intr } = event as Ev<'fence.wait'>;
      return intr === true && pendingSignalOf(context.signals, tid) !== undefined;
    },
    interruptibleWaiterPending: ({ context, event }) =>
      context.waiters.some((w) => w.tid === (event as Ev<'fence.interrupt'>).tid && w.intr),
    waiterPending: ({ context, event }) => context.waiters.some((w) => w.tid === (event as Ev<'fence.timeout'>).tid),
  },
  actions: {
    ...kernelActions,

    /** First signal: tell every callback and waiter, cancel the waiters' timers. */
    signalFence: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, tid } = event as Ev<'fence.signal'>;
      const status = signaledStatus(context);
      for (const cb of context.callbacks)
        enqueue({
          type: 'kSend',
          params: { to: cb.replyTo, event: reply('fence.callback', context, { cbId: cb.cbId, status }) },
        });
      for (const w of context.waiters) {
        if (typeof w.timeout === 'number') enqueue.cancel(waitTimerId(w.tid));
        for (const e of wakeWaiter(context, w, remaining(w.timeout))) enqueue(e);
      }
      enqueue.assign({ callbacks: [], waiters: [], signals: [] });
      enqueue({
        type: 'kObserve',
        params: {
          kind: 'fence.signaled',
          fence: context.id,
          context: context.context,
          seqno: context.seqno,
          error: context.error,
          tid: tid ?? null,
        },
      });
      if (replyTo) {
        const fields = tid === undefined ? { result: 0 } : { result: 0, tid };
        enqueue({ type: 'kSend', params: { to: replyTo, event: reply('fence.signalResult', context, fields) } });
      }
    }),

    /** Signalling happens at most once: a later signal is -EINVAL and changes nothing. */
    rejectSecondSignal: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, tid } = event as Ev<'fence.signal'>;
      if (!replyTo) return;
      const fields = tid === undefined ? { result: EINVAL } : { result: EINVAL, tid };
      enqueue({ type: 'kSend', params: { to: replyTo, event: reply('fence.signalResult', context, fields) } });
    }),

    recordError: enqueueActions(({ context, event, enqueue }) => {
      const { error, replyTo } = event as Ev<'fence.setError'>;
      enqueue.assign({ error });
      if (replyTo)
        enqueue({
          type: 'kSend',
          params: { to: replyTo, event: reply('fence.setErrorResult', context, { result: 0 }) },
        });
    }),

    /** set_error with a value that is not a negative errno: refused, -EINVAL, misuse. */
    rejectBadErrno: enqueueActions(({ context, event, enqueue }) => {
      for (const e of refuseSetError(context, event as Ev<'fence.setError'>, 'bad-errno')) enqueue(e);
    }),

    /** set_error after signal: refused, -EINVAL, misuse. */
    rejectLateError: enqueueActions(({ context, event, enqueue }) => {
      for (const e of refuseSetError(context, event as Ev<'fence.setError'>, 'set-error-after-signal')) enqueue(e);
    }),

    appendCallback: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, cbId } = event as Ev<'fence.addCallback'>;
      enqueue.assign({ callbacks: [...context.callbacks, { replyTo, cbId }] });
      enqueue({
        type: 'kSend',
        params: { to: replyTo, event: reply('fence.addCallbackResult', context, { cbId, result: 0 }) },
      });
    }),

    /** Misuse: the same callback added twice while pending. */
    rejectDuplicateCallback: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, cbId } = event as Ev<'fence.addCallback'>;
      enqueue({ type: 'kObserve', params: misuse(context, 'callback-already-pending', { cbId }) });
      enqueue({
        type: 'kSend',
        params: { to: replyTo, event: reply('fence.addCallbackResult', context, { cbId, result: EINVAL }) },
      });
    }),

    /** add_callback on a signalled fence: -ENOENT, and the callback will never run. */
    refuseCallbackAfterSignal: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, cbId } = event as Ev<'fence.addCallback'>;
      enqueue({
        type: 'kSend',
        params: { to: replyTo, event: reply('fence.addCallbackResult', context, { cbId, result: ENOENT }) },
      });
    }),

    /** remove_callback: true only if it was still pending (it then never runs). */
    removePendingCallback: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, cbId } = event as Ev<'fence.removeCallback'>;
      const removed = context.callbacks.some((c) => c.cbId === cbId);
      if (removed) enqueue.assign({ callbacks: context.callbacks.filter((c) => c.cbId !== cbId) });
      enqueue({
        type: 'kSend',
        params: { to: replyTo, event: reply('fence.removeCallbackResult', context, { cbId, removed }) },
      });
    }),

    /** get_status before signal: 0, even if an error is already set. */
    reportPendingStatus: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo } = event as Ev<'fence.getStatus'>;
      enqueue({ type: 'kSend', params: { to: replyTo, event: reply('fence.status', context, { status: 0 }) } });
    }),

    /** get_status after signal: 1, or the error. */
    reportSignaledStatus: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo } = event as Ev<'fence.getStatus'>;
      const status = signaledStatus(context);
      enqueue({ type: 'kSend', params: { to: replyTo, event: reply('fence.status', context, { status }) } });
    }),

    /** Misuse: a negative timeout: -EINVAL. */
    rejectNegativeTimeout: enqueueActions(({ context, event, enqueue }) => {
      for (const e of refuseWait(context, event as Ev<'fence.wait'>, 'negative-timeout')) enqueue(e);
    }),

    /** Misuse: a tid that already waits here waits again: -EINVAL. */
    rejectSecondWaitByTid: enqueueActions(({ context, event, enqueue }) => {
      for (const e of refuseWait(context, event as Ev<'fence.wait'>, 'tid-already-waiting')) enqueue(e);
    }),

    /** `timeout: 0` on an unsignalled fence: 0 at once. */
    answerWaitTimedOut: enqueueActions(({ context, event, enqueue }) => {
      enqueue(answerWaitAtOnce(context, event as Ev<'fence.wait'>, 0));
    }),

    /** A wait on a signalled fence: the remaining time at once. */
    answerWaitSignaled: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, tid, timeout } = event as Ev<'fence.wait'>;
      const result = remaining(timeout);
      enqueue({ type: 'kSend', params: { to: replyTo, event: reply('fence.waitResult', context, { tid, result }) } });
    }),

    /** The waiter sleeps until signal, interrupt or (finite timeout) its timer. */
    queueWaiter: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, tid, intr, timeout } = event as Ev<'fence.wait'>;
      enqueue.assign({ waiters: [...context.waiters, { replyTo, tid, intr: intr === true, timeout }] });
      enqueue({ type: 'kObserve', params: { kind: 'fence.waitBegin', fence: context.id, tid } });
      if (typeof timeout === 'number')
        enqueue.raise({ type: 'fence.timeout', tid }, { id: waitTimerId(tid), delay: 'waitTimeout' });
    }),

    /** A signal reached an interruptible waiter: it ends with -ERESTARTSYS, its timer is cancelled. */
    interruptWaiter: enqueueActions(({ context, event, enqueue }) => {
      interruptQueuedWait(context, (event as Ev<'fence.interrupt'>).tid, enqueue);
    }),

    /** An interruptible wait by a tid with a signal pending: -ERESTARTSYS before it sleeps. */
    answerWaitInterrupted: enqueueActions(({ context, event, enqueue }) => {
      enqueue(answerWaitAtOnce(context, event as Ev<'fence.wait'>, ERESTARTSYS));
    }),

    /** tid has a signal pending: remember it, and wake its interruptible wait if one is queued. */
    recordSignal: enqueueActions(({ context, event, enqueue }) => {
      const { tid, fatal } = event as Extract<SignalEvent, { type: 'signal.pending' }>;
      enqueue.assign({ signals: withSignal(context.signals, tid, fatal) });
      interruptQueuedWait(context, tid, enqueue);
    }),

    /** tid returned to user space: its signal is handled. */
    forgetSignal: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, tid } = event as Extract<SignalEvent, { type: 'signal.handled' }>;
      enqueue.assign({ signals: withoutSignal(context.signals, tid) });
      enqueue({ type: 'kSend', params: { to: replyTo, event: signalClearedEvent(context.id, tid) } });
    }),

    /** The waiter's timer fired: it ends with 0. */
    timeOutWaiter: enqueueActions(({ context, event, enqueue }) => {
      const { tid } = event as Ev<'fence.timeout'>;
      const w = context.waiters.find((x) => x.tid === tid);
      if (!w) return;
      enqueue.assign({ waiters: context.waiters.filter((x) => x.tid !== tid) });
      for (const e of wakeWaiter(context, w, 0)) enqueue(e);
    }),
  },
}).createMachine({
  id: 'dmaFence',
  context: ({ input }) => ({
    id: input.id,
    context: input.context,
    seqno: input.seqno,
    error: 0,
    callbacks: [],
    waiters: [],
    signals: [],
  }),
  initial: 'unsignaled',
  states: {
    unsignaled: {
      initial: 'lazy',
      on: {
        'fence.signal': { target: 'signaled', actions: 'signalFence' },
        'fence.setError': [{ guard: 'errnoIsValid', actions: 'recordError' }, { actions: 'rejectBadErrno' }],
        'fence.addCallback': [
          { guard: 'callbackAlreadyPending', actions: 'rejectDuplicateCallback' },
          { target: '.enabled', actions: 'appendCallback' },
        ],
        'fence.removeCallback': { actions: 'removePendingCallback' },
        'fence.getStatus': { actions: 'reportPendingStatus' },
        'fence.wait': [
          { guard: 'timeoutIsNegative', actions: 'rejectNegativeTimeout' },
          { guard: 'tidAlreadyWaiting', actions: 'rejectSecondWaitByTid' },
          { guard: 'signalPendingForWait', target: '.enabled', actions: 'answerWaitInterrupted' },
          { guard: 'timeoutIsZero', target: '.enabled', actions: 'answerWaitTimedOut' },
          { target: '.enabled', actions: 'queueWaiter' },
        ],
        // A stray interrupt (no interruptible wait of that tid here) is consumed and does nothing.
        'fence.interrupt': [
          { guard: 'interruptibleWaiterPending', actions: 'interruptWaiter' },
          // A stray interrupt changes nothing. XState's `can` counts a transition as taken only
          // when it has a target or an action, so it gets an assign that changes nothing.
          { actions: assign({}) },
        ],
        'signal.pending': { actions: 'recordSignal' },
        'signal.handled': { actions: 'forgetSignal' },
        // A stale timer (its waiter already ended) finds no waiter and does nothing.
        'fence.timeout': { guard: 'waiterPending', actions: 'timeOutWaiter' },
      },
      states: {
        lazy: {
          on: { 'fence.enableSignaling': 'enabled' },
        },
        enabled: {
          meta: { ignore: { 'fence.enableSignaling': 'signalling is already enabled; enabling again does nothing' } },
        },
      },
    },
    signaled: {
      meta: {
        ignore: {
          'fence.enableSignaling': 'already signalled: there is nothing left to enable',
          'fence.interrupt': 'no wait can be pending on a signalled fence',
          'fence.timeout': 'every wait timer was cancelled at signal time',
          'signal.pending': 'a signalled fence answers every wait at once: a pending signal cannot matter',
        },
      },
      on: {
        'signal.handled': { actions: 'forgetSignal' },
        'fence.signal': { actions: 'rejectSecondSignal' },
        'fence.setError': { actions: 'rejectLateError' },
        'fence.addCallback': { actions: 'refuseCallbackAfterSignal' },
        'fence.removeCallback': { actions: 'removePendingCallback' },
        'fence.getStatus': { actions: 'reportSignaledStatus' },
        'fence.wait': [
          { guard: 'timeoutIsNegative', actions: 'rejectNegativeTimeout' },
          { actions: 'answerWaitSignaled' },
        ],
      },
    },
  },
});
