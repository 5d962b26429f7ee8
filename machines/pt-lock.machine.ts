/**
 * The driver's page-table (update) lock: one `lock:<name>` actor.
 *
 * Models: `mutex_lock` / `mutex_trylock` / `mutex_unlock`, `spin_lock` / `spin_trylock` /
 * `spin_unlock`, and the rwsem calls `down_read` / `down_write`, their `_trylock` forms,
 * `up_read` / `up_write`; `mutex_lock_interruptible` / `_killable` and the rwsem
 * `down_*_interruptible` / `_killable` forms (`intr` on an acquire). A driver holds this lock both while it programs device PTEs and
 * inside its invalidate callback (docs/kernel-semantics.md §3.1, §3.2), which is what makes it the
 * serialisation point of the mirror.
 *
 * Config (input): `{ id, kind: 'mutex' | 'spinlock' | 'rwsem' }`.
 *
 * Events in:
 *   lock.acquire    { replyTo, tid, mode, intr? }  blocking acquire; granted now or when its turn
 *                                           comes; `intr: 'interruptible' | 'killable'` may end it
 *   lock.tryAcquire { replyTo, tid, mode }  never waits
 *   lock.release    { tid }                 unlock / up_read / up_write
 *   signal.pending { tid, fatal }, signal.handled { replyTo, tid }  (machines/signals.ts)
 * Events out (kSend to `replyTo`):
 *   lock.granted { lock, tid, mode }        on acquire or trylock success (mode as held)
 *   lock.busy    { lock, tid }              trylock failure
 *   lock.interrupted { lock, tid, result }  an interruptible / killable acquire ended by a
 *                                           signal: result -EINTR
 *   signal.cleared { actor, tid }           the answer to signal.handled
 * Observations (kObserve), all with `lock, lockKind, tid`:
 *   lock.acquired { mode }   at grant time      lock.released        at release
 *   lock.wait     { mode }   a request queues   lock.tryFailed { mode } a trylock failed
 *   lock.misuse   { reason } see "Misuse" below (also appended to `context.errors`)
 *   lock.interrupted { mode } an acquire ended by a signal
 *
 * Context: `holders` are `{ tid, mode }` sorted by tid (readers share, so their order means
 * nothing and equal states must serialise equally); `waiters` are `{ replyTo, tid, mode }`
 * in arrival order (with `intr` only when the acquire may be interrupted); `errors` lists every
 * misuse seen, oldest first; `signals` are the tids with a signal pending, sorted by tid.
 *
 * Signals. As in the kernel, an interruptible or killable acquire takes a free lock (or joins
 * readers) without looking at signals: only a contended one checks, before it sleeps (a signal
 * already pending: -EINTR at once, nothing queued) and while it sleeps (`signal.pending`
 * removes it from the queue with -EINTR). Interruptible acquires end on any signal, killable
 * ones on a fatal signal only, plain ones never. When a waiting writer leaves an rwsem held by
 * readers, the readers queued right behind it join them.
 *
 * Waiting is strict FIFO. A release that leaves no holder grants the head of the queue: a
 * writer alone, or the whole run of readers at the head. A reader that arrives while anyone
 * waits queues behind them (as rwsem does, so a waiting writer is not starved).
 *
 * States, as predicates over context:
 *   free            holders = [] (and then waiters = [] too: a release always hands off)
 *   held.exclusive  holders = [one writer]
 *   held.shared     holders ≠ [] and every holder reads (rwsem only)
 *
 * Misuse (recorded, never thrown: the explorer reports it from the observation):
 *   - `release-not-held`: `lock.release` by a tid that holds nothing here. No effect.
 *   - `self-deadlock`: `lock.acquire` by a tid that already holds the lock. The request
 *     still queues, so the runtime sees the thread blocked forever on itself. A recursive
 *     `down_read` is treated the same way: the kernel may let it through while no writer
 *     waits, but lockdep reports it because a writer arriving in between deadlocks it.
 *     A trylock by a holder simply fails (`lock.busy`), as trylock cannot deadlock.
 *   - `read-on-exclusive-lock`: `mode: 'read'` on a mutex or spinlock; served as `write`.
 *   - `intr-on-spinlock`: `intr` on a spinlock, which has no interruptible form; the acquire
 *     is served as a plain one.
 *
 * Not modelled here: a spinlock holder that sleeps. The lock cannot see it; the
 * `sleep-in-atomic` monitor finds it from `lock.acquired` / `lock.released` and the sleeps.
 */
import { type EventObject, enqueueActions, setup } from 'xstate';
import { EINTR } from './errno.ts';
import type { ActorId, Observation } from './kernel-actions.ts';
import { kernelActions } from './kernel-actions.ts';
import {
  type PendingSignal,
  pendingSignalOf,
  type SignalEvent,
  signalClearedEvent,
  signalEnds,
  type WaitInterruptibility,
  withoutSignal,
  withSignal,
} from './signals.ts';

/**
 * Which kernel lock a ptLockMachine models: a `mutex`, a `spinlock` (no sleeping while held, not
 * interruptible) or an `rwsem` (shared readers).
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type LockKind, ptLockMachine } from 'mirrorlab';
 *
 * const kind: LockKind = 'rwsem';
 * const lock = createActor(ptLockMachine, { input: { id: 'lock:gpu0', kind } }).start();
 * ```
 */
export type LockKind = 'mutex' | 'spinlock' | 'rwsem';
/**
 * How a holder or waiter has the lock: exclusively (`write`; a mutex or spinlock has only this) or
 * shared (`read`, an rwsem's `down_read`). Exported as `PtLockMode`.
 *
 * @example
 * ```ts
 * import type { PtLockMode } from 'mirrorlab';
 *
 * const mode: PtLockMode = 'read';
 * ```
 */
export type LockMode = 'write' | 'read';

/**
 * A thread holding the lock (`PtLockContext.holders`), and how.
 *
 * @example
 * ```ts
 * import type { LockHolder } from 'mirrorlab';
 *
 * const holder: LockHolder = { tid: 'thread:t1', mode: 'write' };
 * ```
 */
export interface LockHolder {
  tid: string;
  mode: LockMode;
}

/**
 * How a waiting acquire may be interrupted; absent for a plain (uninterruptible) one.
 *
 * @example
 * ```ts
 * import type { AcquireIntr } from 'mirrorlab';
 *
 * const intr: AcquireIntr = 'killable'; // down_write_killable
 * ```
 */
export type AcquireIntr = Exclude<WaitInterruptibility, 'uninterruptible'>;

/**
 * A thread sleeping in an acquire (`PtLockContext.waiters`), in arrival order.
 *
 * @example
 * ```ts
 * import type { LockWaiter } from 'mirrorlab';
 *
 * const waiter: LockWaiter = { replyTo: 'drv:gpu0', tid: 'thread:t2', mode: 'read', intr: 'interruptible' };
 * ```
 */
export interface LockWaiter {
  replyTo: ActorId;
  tid: string;
  mode: LockMode;
  intr?: AcquireIntr;
}

/**
 * The input of ptLockMachine: the lock's id and kind.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type PtLockInput, ptLockMachine } from 'mirrorlab';
 *
 * const input: PtLockInput = { id: 'lock:gpu0', kind: 'mutex' };
 * const lock = createActor(ptLockMachine, { input }).start();
 * ```
 */
export interface PtLockInput {
  id: ActorId;
  kind: LockKind;
}

/**
 * The state of a lock (ptLockMachine): who holds it, who waits for it, and the misuse seen.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type PtLockContext, ptLockMachine } from 'mirrorlab';
 *
 * const lock = createActor(ptLockMachine, { input: { id: 'lock:gpu0', kind: 'mutex' } }).start();
 * const ctx: PtLockContext = lock.getSnapshot().context;
 * ctx.holders; // []: free
 * ```
 */
export interface PtLockContext {
  id: ActorId;
  kind: LockKind;
  /** Current owners, sorted by tid. */
  holders: LockHolder[];
  /** Blocked acquirers, oldest first. */
  waiters: LockWaiter[];
  /** Misuse seen so far, oldest first (`<reason>: <tid>`). */
  errors: string[];
  /** Tids with a signal pending (machines/signals.ts), sorted by tid. */
  signals: PendingSignal[];
}

/**
 * The messages ptLockMachine accepts: acquire (blocking, optionally interruptible), try-acquire and
 * release, plus signal delivery.
 *
 * @example
 * ```ts
 * import type { PtLockEvent } from 'mirrorlab';
 *
 * const take: PtLockEvent = { type: 'lock.acquire', replyTo: 'drv:gpu0', tid: 'cpu', mode: 'write' };
 * const drop: PtLockEvent = { type: 'lock.release', tid: 'cpu' };
 * ```
 */
export type PtLockEvent =
  /** mutex_lock / spin_lock / down_read / down_write (with `intr`: their _interruptible / _killable forms). */
  | { type: 'lock.acquire'; replyTo: ActorId; tid: string; mode: LockMode; intr?: WaitInterruptibility }
  /** mutex_trylock / spin_trylock / down_read_trylock / down_write_trylock. */
  | { type: 'lock.tryAcquire'; replyTo: ActorId; tid: string; mode: LockMode }
  /** mutex_unlock / spin_unlock / up_read / up_write. */
  | { type: 'lock.release'; tid: string }
  | SignalEvent;

type RequestEvent = Extract<PtLockEvent, { type: 'lock.acquire' | 'lock.tryAcquire' }>;

/** The mode a request is served in: `read` only means something on an rwsem. */
function servedMode(ctx: PtLockContext, event: PtLockEvent): LockMode {
  return ctx.kind === 'rwsem' && 'mode' in event && event.mode === 'read' ? 'read' : 'write';
}

/** How the acquire may be interrupted (a spinlock cannot be: see `intr-on-spinlock`). */
function acquireIntr(ctx: PtLockContext, event: PtLockEvent): WaitInterruptibility {
  if (event.type !== 'lock.acquire' || ctx.kind === 'spinlock') return 'uninterruptible';
  return event.intr === 'interruptible' || event.intr === 'killable' ? event.intr : 'uninterruptible';
}

function holds(ctx: PtLockContext, tid: string): boolean {
  return ctx.holders.some((h) => h.tid === tid);
}

function sortedHolders(holders: LockHolder[]): LockHolder[] {
  return [...holders].sort((a, b) => (a.tid < b.tid ? -1 : a.tid > b.tid ? 1 : 0));
}

/** The waiters a lock with no holder admits next: a lone writer, or the run of readers at the head. */
function queueHead(waiters: LockWaiter[]): LockWaiter[] {
  const first = waiters[0];
  if (!first) return [];
  if (first.mode === 'write') return [first];
  const end = waiters.findIndex((w) => w.mode === 'write');
  return end === -1 ? [...waiters] : waiters.slice(0, end);
}

function interruptedObservation(ctx: PtLockContext, tid: string, mode: LockMode): Observation {
  return { kind: 'lock.interrupted', lock: ctx.id, lockKind: ctx.kind, tid, mode };
}

/** A misuse: the errors list with it appended, and the observation that reports it. */
function misuse(ctx: PtLockContext, tid: string, reason: string): { errors: string[]; observation: Observation } {
  return {
    errors: [...ctx.errors, `${reason}: ${tid}`],
    observation: { kind: 'lock.misuse', lock: ctx.id, lockKind: ctx.kind, tid, reason },
  };
}

/** `lock.granted`, sent to the requester when it becomes a holder. */
function grantedEvent(ctx: PtLockContext, tid: string, mode: LockMode): EventObject {
  return { type: 'lock.granted', lock: ctx.id, tid, mode } as EventObject;
}

/** `lock.interrupted`, the answer to an acquire a signal ended. */
function interruptedEvent(ctx: PtLockContext, tid: string): EventObject {
  return { type: 'lock.interrupted', lock: ctx.id, tid, result: EINTR } as EventObject;
}

/** `lock.busy`, the answer to a trylock that failed. */
function busyEvent(ctx: PtLockContext, tid: string): EventObject {
  return { type: 'lock.busy', lock: ctx.id, tid } as EventObject;
}

/**
 * A driver's page-table (update) lock `lock:<device>`: a mutex, a spinlock or an rwsem, with FIFO
 * waiters, trylock, interruptible and killable waits, and misuse (a release by a non-holder)
 * recorded for the monitors.
 *
 * @example
 * ```ts
 * import { createLiveWorld, ptLockMachine, threadMachine } from 'mirrorlab';
 *
 * const world = createLiveWorld([
 *   { id: 'lock:gpu0', machine: ptLockMachine, input: { id: 'lock:gpu0', kind: 'mutex' } },
 *   {
 *     id: 'thread:a',
 *     machine: threadMachine,
 *     input: {
 *       id: 'thread:a',
 *       ops: [
 *         { to: 'lock:gpu0', event: { type: 'lock.acquire', mode: 'write' }, reply: 'lock.granted' },
 *         { to: 'lock:gpu0', event: { type: 'lock.release' }, reply: 'none' },
 *       ],
 *     },
 *   },
 * ]);
 * world.run();
 * world.snapshot('lock:gpu0').value; // 'free' again
 * ```
 */
export const ptLockMachine = setup({
  types: {
    context: {} as PtLockContext,
    input: {} as PtLockInput,
    events: {} as PtLockEvent,
  },
  guards: {
    /** An rwsem request for read mode (the only way to share the lock). */
    wantsSharedHold: ({ context, event }) => servedMode(context, event) === 'read',
    /** A reader may join the current readers: nobody queued ahead of it, and it is not
     * already a holder (that would be a recursive read, a self-deadlock). */
    readerMayShare: ({ context, event }) =>
      servedMode(context, event) === 'read' &&
      context.waiters.length === 0 &&
      !holds(context, (event as RequestEvent).tid),
    /** A contended interruptible / killable acquire by a tid whose pending signal ends it. */
    signalEndsAcquire: ({ context, event }) =>
      signalEnds(acquireIntr(context, event), pendingSignalOf(context.signals, (event as RequestEvent).tid)),
    releaserIsNotHolder: ({ context, event }) => !holds(context, (event as { tid: string }).tid),
    /** After this release, other readers still hold the lock. */
    otherHoldersRemain: ({ context }) => context.holders.length > 1,
    noWaiters: ({ context }) => context.waiters.length === 0,
    writerWaitsFirst: ({ context }) => context.waiters[0]?.mode === 'write',
  },
  actions: {
    ...kernelActions,

    /** Give the lock to the requester right away and tell it. */
    grantRequest: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      const mode = servedMode(context, event);
      enqueue.assign({ holders: sortedHolders([...context.holders, { tid: req.tid, mode }]) });
      enqueue({ type: 'kSend', params: { to: req.replyTo, event: grantedEvent(context, req.tid, mode) } });
      enqueue({
        type: 'kObserve',
        params: { kind: 'lock.acquired', lock: context.id, lockKind: context.kind, tid: req.tid, mode },
      });
    }),

    /** Block the requester at the tail of the FIFO. */
    queueRequest: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      const mode = servedMode(context, event);
      const intr = acquireIntr(context, event);
      const waiter: LockWaiter = { replyTo: req.replyTo, tid: req.tid, mode };
      if (intr !== 'uninterruptible') waiter.intr = intr;
      enqueue.assign({ waiters: [...context.waiters, waiter] });
      enqueue({
        type: 'kObserve',
        params: { kind: 'lock.wait', lock: context.id, lockKind: context.kind, tid: req.tid, mode },
      });
    }),

    /** A contended acquire of a tid with a signal pending: -EINTR before it sleeps. */
    refuseInterruptedAcquire: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      enqueue({ type: 'kSend', params: { to: req.replyTo, event: interruptedEvent(context, req.tid) } });
      enqueue({ type: 'kObserve', params: interruptedObservation(context, req.tid, servedMode(context, event)) });
    }),

    /** tid has a signal pending: remember it; its waits that the signal ends leave the queue. */
    recordSignal: enqueueActions(({ context, event, enqueue }) => {
      const { tid, fatal } = event as Extract<SignalEvent, { type: 'signal.pending' }>;
      const signals = withSignal(context.signals, tid, fatal);
      const signal = pendingSignalOf(signals, tid);
      const ended = context.waiters.filter((w) => w.tid === tid && signalEnds(w.intr ?? 'uninterruptible', signal));
      let waiters = context.waiters.filter((w) => !ended.includes(w));
      let holders = context.holders;
      // Readers held up only by a writer that left may now join the readers holding the lock.
      const readersHold = holders.length > 0 && holders.every((h) => h.mode === 'read');
      const joining = readersHold && ended.length > 0 && waiters[0]?.mode === 'read' ? queueHead(waiters) : [];
      if (joining.length) {
        holders = sortedHolders([...holders, ...joining.map((w) => ({ tid: w.tid, mode: w.mode }))]);
        waiters = waiters.slice(joining.length);
      }
      enqueue.assign({ signals, waiters, holders });
      for (const w of ended) {
        enqueue({ type: 'kSend', params: { to: w.replyTo, event: interruptedEvent(context, w.tid) } });
        enqueue({ type: 'kObserve', params: interruptedObservation(context, w.tid, w.mode) });
      }
      for (const w of joining) {
        enqueue({ type: 'kSend', params: { to: w.replyTo, event: grantedEvent(context, w.tid, w.mode) } });
        enqueue({
          type: 'kObserve',
          params: { kind: 'lock.acquired', lock: context.id, lockKind: context.kind, tid: w.tid, mode: w.mode },
        });
      }
    }),

    /** tid returned to user space: its signal is handled. */
    forgetSignal: enqueueActions(({ context, event, enqueue }) => {
      const { replyTo, tid } = event as Extract<SignalEvent, { type: 'signal.handled' }>;
      enqueue.assign({ signals: withoutSignal(context.signals, tid) });
      enqueue({ type: 'kSend', params: { to: replyTo, event: signalClearedEvent(context.id, tid) } });
    }),

    /** A trylock that cannot be granted now. */
    refuseTrylock: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      enqueue({ type: 'kSend', params: { to: req.replyTo, event: busyEvent(context, req.tid) } });
      enqueue({
        type: 'kObserve',
        params: {
          kind: 'lock.tryFailed',
          lock: context.id,
          lockKind: context.kind,
          tid: req.tid,
          mode: servedMode(context, event),
        },
      });
    }),

    /** Drop the releaser's hold (the guards have checked it holds). */
    releaseHold: enqueueActions(({ context, event, enqueue }) => {
      const { tid } = event as { tid: string };
      enqueue.assign({ holders: context.holders.filter((h) => h.tid !== tid) });
      enqueue({ type: 'kObserve', params: { kind: 'lock.released', lock: context.id, lockKind: context.kind, tid } });
    }),

    /** The lock has no holder left: admit the head of the queue (runs after `releaseHold`). */
    grantQueueHead: enqueueActions(({ context, enqueue }) => {
      const admitted = queueHead(context.waiters);
      enqueue.assign({
        holders: sortedHolders(admitted.map((w) => ({ tid: w.tid, mode: w.mode }))),
        waiters: context.waiters.slice(admitted.length),
      });
      for (const w of admitted) {
        enqueue({
          type: 'kSend',
          params: { to: w.replyTo, event: grantedEvent(context, w.tid, w.mode) },
        });
        enqueue({
          type: 'kObserve',
          params: { kind: 'lock.acquired', lock: context.id, lockKind: context.kind, tid: w.tid, mode: w.mode },
        });
      }
    }),

    /** Misuse: read mode asked of a mutex or spinlock (served as write). */
    flagReadOnExclusiveLock: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      if (context.kind === 'rwsem' || req.mode !== 'read') return;
      const m = misuse(context, req.tid, 'read-on-exclusive-lock');
      enqueue.assign({ errors: m.errors });
      enqueue({ type: 'kObserve', params: m.observation });
    }),

    /** Misuse: an interruptible / killable acquire of a spinlock (served as a plain one). */
    flagIntrOnSpinlock: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      if (context.kind !== 'spinlock' || req.type !== 'lock.acquire' || !req.intr || req.intr === 'uninterruptible')
        return;
      const m = misuse(context, req.tid, 'intr-on-spinlock');
      enqueue.assign({ errors: m.errors });
      enqueue({ type: 'kObserve', params: m.observation });
    }),

    /** Misuse: a blocking acquire by a tid that already holds the lock. */
    flagSelfDeadlock: enqueueActions(({ context, event, enqueue }) => {
      const req = event as RequestEvent;
      if (!holds(context, req.tid)) return;
      const m = misuse(context, req.tid, 'self-deadlock');
      enqueue.assign({ errors: m.errors });
      enqueue({ type: 'kObserve', params: m.observation });
    }),

    /** Misuse: unlock by a tid that does not hold the lock. */
    flagReleaseByNonHolder: enqueueActions(({ context, event, enqueue }) => {
      const m = misuse(context, (event as { tid: string }).tid, 'release-not-held');
      enqueue.assign({ errors: m.errors });
      enqueue({ type: 'kObserve', params: m.observation });
    }),
  },
}).createMachine({
  id: 'ptLock',
  context: ({ input }) => ({ id: input.id, kind: input.kind, holders: [], waiters: [], errors: [], signals: [] }),
  initial: 'free',
  on: {
    'signal.pending': { actions: 'recordSignal' },
    'signal.handled': { actions: 'forgetSignal' },
  },
  states: {
    free: {
      on: {
        // The fast path: a free lock is taken without looking at signals.
        'lock.acquire': [
          { guard: 'wantsSharedHold', target: 'held.shared', actions: 'grantRequest' },
          { target: 'held.exclusive', actions: ['flagReadOnExclusiveLock', 'flagIntrOnSpinlock', 'grantRequest'] },
        ],
        'lock.tryAcquire': [
          { guard: 'wantsSharedHold', target: 'held.shared', actions: 'grantRequest' },
          { target: 'held.exclusive', actions: ['flagReadOnExclusiveLock', 'grantRequest'] },
        ],
        'lock.release': { actions: 'flagReleaseByNonHolder' },
      },
    },
    held: {
      // Entered only through explicit targets (`held.exclusive` / `held.shared`).
      initial: 'exclusive',
      states: {
        exclusive: {
          on: {
            'lock.acquire': [
              { guard: 'signalEndsAcquire', actions: 'refuseInterruptedAcquire' },
              { actions: ['flagReadOnExclusiveLock', 'flagIntrOnSpinlock', 'flagSelfDeadlock', 'queueRequest'] },
            ],
            'lock.tryAcquire': { actions: ['flagReadOnExclusiveLock', 'refuseTrylock'] },
            'lock.release': [
              { guard: 'releaserIsNotHolder', actions: 'flagReleaseByNonHolder' },
              { guard: 'noWaiters', target: '#ptLock.free', actions: 'releaseHold' },
              { guard: 'writerWaitsFirst', actions: ['releaseHold', 'grantQueueHead'] },
              { target: 'shared', actions: ['releaseHold', 'grantQueueHead'] },
            ],
          },
        },
        shared: {
          on: {
            'lock.acquire': [
              { guard: 'readerMayShare', actions: 'grantRequest' },
              { guard: 'signalEndsAcquire', actions: 'refuseInterruptedAcquire' },
              { actions: ['flagSelfDeadlock', 'queueRequest'] },
            ],
            'lock.tryAcquire': [{ guard: 'readerMayShare', actions: 'grantRequest' }, { actions: 'refuseTrylock' }],
            'lock.release': [
              { guard: 'releaserIsNotHolder', actions: 'flagReleaseByNonHolder' },
              { guard: 'otherHoldersRemain', actions: 'releaseHold' },
              { guard: 'noWaiters', target: '#ptLock.free', actions: 'releaseHold' },
              { guard: 'writerWaitsFirst', target: 'exclusive', actions: ['releaseHold', 'grantQueueHead'] },
              { actions: ['releaseHold', 'grantQueueHead'] },
            ],
          },
        },
      },
    },
  },
});
