/**
 * Types of the notifier core (notifier-core.machine.ts): the events it accepts, its context
 * (`struct mmu_notifier_subscriptions` plus the model's bookkeeping), and the records kept in
 * it (pending starts, the deferred list, sleeping removes, model errors).
 */
import type { IntervalTree } from './interval-tree.ts';
import type { ActorId } from './kernel-actions.ts';

/** Largest address the model represents exactly (stands in for the kernel's ULONG_MAX). */
export const MAX_ADDR = 2 ** 53 - 1;

/**
 * `core.invalidateStart`: the mm's `mmu_notifier_invalidate_range_start` for `[start, end)`, run
 * in thread `tid`.
 *
 * @example
 * ```ts
 * import type { InvalidateStartEvent } from 'mirrorlab';
 *
 * const start: InvalidateStartEvent = {
 *   type: 'core.invalidateStart',
 *   replyTo: 'mm:p1',
 *   tid: 'thread:t1',
 *   start: 0x10000,
 *   end: 0x11000,
 *   event: 'UNMAP',
 *   owner: null,
 *   blockable: true,
 * };
 * ```
 */
export interface InvalidateStartEvent {
  type: 'core.invalidateStart';
  replyTo: ActorId;
  tid: string;
  start: number;
  end: number;
  event: string;
  owner: string | null;
  blockable: boolean;
}
/**
 * `core.invalidateEnd`: `mmu_notifier_invalidate_range_end` of thread `tid`'s invalidation.
 *
 * @example
 * ```ts
 * import type { InvalidateEndEvent } from 'mirrorlab';
 *
 * const end: InvalidateEndEvent = { type: 'core.invalidateEnd', replyTo: 'mm:p1', tid: 'thread:t1' };
 * ```
 */
export interface InvalidateEndEvent {
  type: 'core.invalidateEnd';
  replyTo: ActorId;
  tid: string;
}
/**
 * `core.insert`: `mmu_interval_notifier_insert` of subscription `sub` over `[start, start +
 * length)`.
 *
 * @example
 * ```ts
 * import type { InsertEvent } from 'mirrorlab';
 *
 * const insert: InsertEvent = { type: 'core.insert', replyTo: 'drv:gpu0', tid: 'thread:t1', sub: 'sub:gpu0', start: 0, length: 0x10000 };
 * ```
 */
export interface InsertEvent {
  type: 'core.insert';
  replyTo: ActorId;
  tid: string;
  sub: ActorId;
  start: number;
  length: number;
}
/**
 * `core.remove`: `mmu_interval_notifier_remove` of subscription `sub` (it sleeps while an
 * invalidation holds the tree).
 *
 * @example
 * ```ts
 * import type { RemoveEvent } from 'mirrorlab';
 *
 * const remove: RemoveEvent = { type: 'core.remove', replyTo: 'drv:gpu0', tid: 'thread:t1', sub: 'sub:gpu0' };
 * ```
 */
export interface RemoveEvent {
  type: 'core.remove';
  replyTo: ActorId;
  tid: string;
  sub: ActorId;
}
/**
 * `sub.callbackReturned`: a subscription's invalidate callback returned (`ok: false` is a
 * non-blockable callback's refusal).
 *
 * @example
 * ```ts
 * import type { CallbackReturnedEvent } from 'mirrorlab';
 *
 * const returned: CallbackReturnedEvent = { type: 'sub.callbackReturned', sub: 'sub:gpu0', ok: true, tid: 'thread:t1' };
 * ```
 */
export interface CallbackReturnedEvent {
  type: 'sub.callbackReturned';
  sub: ActorId;
  ok: boolean;
  /** The invalidating thread whose callback returned (absent: the oldest call of `sub`). */
  tid?: string;
}
/**
 * The messages notifierCoreMachine accepts: invalidate start/end from the mm, insert/remove of
 * interval subscriptions, and a subscription's callback returning.
 *
 * @example
 * ```ts
 * import type { NotifierCoreEvent } from 'mirrorlab';
 *
 * const end: NotifierCoreEvent = { type: 'core.invalidateEnd', replyTo: 'mm:p1', tid: 'cpu' };
 * const insert: NotifierCoreEvent = {
 *   type: 'core.insert',
 *   replyTo: 'drv:gpu0',
 *   tid: 'setup',
 *   sub: 'sub:gpu0',
 *   start: 0,
 *   length: 0x10000,
 * };
 * ```
 */
export type NotifierCoreEvent =
  | InvalidateStartEvent
  | InvalidateEndEvent
  | InsertEvent
  | RemoveEvent
  | CallbackReturnedEvent;

/**
 * An invalidation that did inv_start and whose callbacks have not all returned yet. Its
 * thread walks the tree itself (`mn_itree_invalidate`), in parallel with other threads' walks.
 *
 * @example
 * ```ts
 * import type { PendingStart } from 'mirrorlab';
 *
 * // The threads still inside the callbacks of some subscription.
 * const calling = (starting: PendingStart[]) => starting.filter((p) => p.calling !== null).map((p) => p.tid);
 * ```
 */
export interface PendingStart extends Omit<InvalidateStartEvent, 'type'> {
  /** The global seq after its inv_start: the `cur_seq` every callback of it gets. */
  curSeq: number;
  /** Subscriptions still to call, in tree order (the tree is frozen meanwhile). */
  targets: ActorId[];
  /** The subscription whose callback this thread is in, if any. */
  calling: ActorId | null;
}

/**
 * A tree edit postponed while the tree was frozen (the kernel's `deferred_list`).
 *
 * @example
 * ```ts
 * import type { DeferredEdit } from 'mirrorlab';
 *
 * const edit: DeferredEdit = { op: 'remove', sub: 'sub:gpu0' };
 * ```
 */
export type DeferredEdit = { op: 'insert'; sub: ActorId; start: number; last: number } | { op: 'remove'; sub: ActorId };

/**
 * A `remove` sleeping on the wq until the global seq moves away from `waitSeq`.
 *
 * @example
 * ```ts
 * import type { RemoveWaiter } from 'mirrorlab';
 *
 * const waiter: RemoveWaiter = { replyTo: 'drv:gpu0', tid: 'thread:t1', sub: 'sub:gpu0', waitSeq: 3 };
 * ```
 */
export interface RemoveWaiter {
  replyTo: ActorId;
  tid: string;
  sub: ActorId;
  waitSeq: number;
}

/**
 * WARN cases of mmu_notifier.c, and protocol misuse, recorded rather than thrown.
 *
 * @example
 * ```ts
 * import type { CoreErrorKind } from 'mirrorlab';
 *
 * const kind: CoreErrorKind = 'notifier.endWithoutStart';
 * ```
 */
export type CoreErrorKind =
  | 'notifier.falseOnBlockable'
  | 'notifier.removeUnknown'
  | 'notifier.endWithoutStart'
  | 'notifier.insertDuplicate'
  | 'notifier.strayCallbackReturn';

/**
 * A misuse the notifier core recorded (`NotifierCoreContext.errors`): what, in which thread, on
 * which subscription.
 *
 * @example
 * ```ts
 * import type { CoreModelError } from 'mirrorlab';
 *
 * const error: CoreModelError = { kind: 'notifier.removeUnknown', tid: 'thread:t1', sub: 'sub:gpu0' };
 * ```
 */
export interface CoreModelError {
  kind: CoreErrorKind;
  tid: string | null;
  sub: ActorId | null;
}

/**
 * The state of the notifier core (notifierCoreMachine): `struct mmu_notifier_subscriptions` (the
 * global invalidate seq, active ranges, interval tree, deferred list) plus the model's bookkeeping
 * and recorded errors.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type NotifierCoreContext, notifierCoreMachine } from 'mirrorlab';
 *
 * const core = createActor(notifierCoreMachine, { input: { id: 'core:p1', mm: 'mm:p1' } }).start();
 * const ctx: NotifierCoreContext = core.getSnapshot().context;
 * ctx.active; // 0: no invalidation in progress
 * ```
 */
export interface NotifierCoreContext {
  id: ActorId;
  mm: ActorId;
  /** Global `invalidate_seq`: even = no subscription invalidated in an open epoch. */
  seq: number;
  /** `active_invalidate_ranges`: started (inv_start done) and not yet ended. */
  active: number;
  tree: IntervalTree;
  deferred: DeferredEdit[];
  /** Subscriptions invalidated or inserted in the current epoch (sorted): each gets
   * `sub.epochEnded` when it ends. */
  touched: ActorId[];
  /** Starts whose callbacks are running, in arrival order; each calls its own targets. */
  starting: PendingStart[];
  /** Tids whose start completed with 0 and that owe an invalidateEnd (sorted multiset). */
  started: string[];
  removing: RemoveWaiter[];
  errors: CoreModelError[];
}

/**
 * The input of notifierCoreMachine: its id (`core:<proc>`) and the mm it serves.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type NotifierCoreInput, notifierCoreMachine } from 'mirrorlab';
 *
 * const input: NotifierCoreInput = { id: 'core:p1', mm: 'mm:p1' };
 * const core = createActor(notifierCoreMachine, { input }).start();
 * ```
 */
export interface NotifierCoreInput {
  id: ActorId;
  mm: ActorId;
}
