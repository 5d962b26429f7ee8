/**
 * Signals sent to a thread, as the actors it may sleep in (fences and locks) see them.
 *
 * In the kernel a signal sets a per-task "signal pending" flag and wakes the task if it sleeps
 * interruptibly; every interruptible wait checks the flag before it sleeps and when it wakes,
 * and the flag stays set until the task returns to user space (a fatal signal then kills it).
 * Actors cannot read each other, so the thread copies its flag to every fence and lock of the
 * scenario: `signal.pending { tid, fatal }` when a signal arrives while the thread is inside a
 * request (in kernel), `signal.handled { replyTo, tid }` when the request returned to user space
 * and the thread will make another one (answered with `signal.cleared`, so the thread's next
 * request cannot overtake it). Each fence and lock keeps the copies in `signals`, sorted by tid.
 *
 * A tid is a thread of control: the callback of an invalidation runs with the invalidating
 * thread's tid (docs/driver-protocol.md rule 7), so a signal to that thread reaches its waits.
 */
import type { EventObject } from 'xstate';
import type { ActorId } from './kernel-actions.ts';

/**
 * A thread with a signal pending, as a fence or a lock keeps it (`signals`) to end its
 * interruptible waits.
 *
 * @example
 * ```ts
 * import type { PendingSignal } from 'mirrorlab';
 *
 * const signal: PendingSignal = { tid: 'thread:t1', fatal: true };
 * ```
 */
export interface PendingSignal {
  tid: string;
  /** SIGKILL (or a fatal group exit): also ends killable waits. */
  fatal: boolean;
}

/**
 * How a wait reacts to signals: not at all, to any signal, or to fatal ones only.
 *
 * @example
 * ```ts
 * import type { WaitInterruptibility } from 'mirrorlab';
 *
 * const intr: WaitInterruptibility = 'killable';
 * ```
 */
export type WaitInterruptibility = 'uninterruptible' | 'interruptible' | 'killable';

/**
 * `signal.pending`: from now until `signal.handled`, `tid` has a signal pending.
 *
 * @example
 * ```ts
 * import type { SignalPendingEvent } from 'mirrorlab';
 *
 * const pending: SignalPendingEvent = { type: 'signal.pending', tid: 'thread:t1', fatal: false };
 * ```
 */
export interface SignalPendingEvent {
  type: 'signal.pending';
  tid: string;
  fatal: boolean;
}

/**
 * `signal.handled`: `tid` returned to user space; forget its signal and answer `signal.cleared`.
 *
 * @example
 * ```ts
 * import type { SignalHandledEvent } from 'mirrorlab';
 *
 * const handled: SignalHandledEvent = { type: 'signal.handled', replyTo: 'thread:t1', tid: 'thread:t1' };
 * ```
 */
export interface SignalHandledEvent {
  type: 'signal.handled';
  replyTo: ActorId;
  tid: string;
}

/**
 * The signal notices a fence or a lock accepts (see {@link SignalPendingEvent}, {@link
 * SignalHandledEvent}).
 *
 * @example
 * ```ts
 * import type { SignalEvent } from 'mirrorlab';
 *
 * const notice: SignalEvent = { type: 'signal.pending', tid: 'thread:t1', fatal: true };
 * ```
 */
export type SignalEvent = SignalPendingEvent | SignalHandledEvent;

/** The list with `tid`'s signal recorded (a fatal signal stays fatal). */
export function withSignal(list: PendingSignal[], tid: string, fatal: boolean): PendingSignal[] {
  const old = list.find((s) => s.tid === tid);
  const rest = list.filter((s) => s.tid !== tid);
  return [...rest, { tid, fatal: fatal || (old?.fatal ?? false) }].sort((a, b) => (a.tid < b.tid ? -1 : 1));
}

export function withoutSignal(list: PendingSignal[], tid: string): PendingSignal[] {
  return list.filter((s) => s.tid !== tid);
}

/** Does a pending signal end a wait of this kind? Interruptible: any; killable: fatal only. */
export function signalEnds(intr: WaitInterruptibility, signal: PendingSignal | undefined): boolean {
  if (!signal || intr === 'uninterruptible') return false;
  return intr === 'interruptible' || signal.fatal;
}

export function pendingSignalOf(list: PendingSignal[], tid: string): PendingSignal | undefined {
  return list.find((s) => s.tid === tid);
}

/** The answer to `signal.handled`. */
export function signalClearedEvent(actor: ActorId, tid: string): EventObject {
  return { type: 'signal.cleared', actor, tid } as EventObject;
}

/** `signal.pending` to every target: `tid` has a signal pending (sent by the signalled thread). */
export function signalPendingNotices(targets: ActorId[], tid: string, fatal: boolean) {
  return targets.map((to) => ({ to, event: { type: 'signal.pending', tid, fatal } as SignalPendingEvent }));
}

/** `signal.handled` to every target, each answered with `signal.cleared` to `tid`. */
export function clearSignalRequests(targets: ActorId[], tid: string) {
  return targets.map((to) => ({ to, event: { type: 'signal.handled', replyTo: tid, tid } as SignalHandledEvent }));
}
