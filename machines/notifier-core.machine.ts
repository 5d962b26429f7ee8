/**
 * The per-mm notifier core: `struct mmu_notifier_subscriptions` and the interval half of
 * mm/mmu_notifier.c (docs/kernel-semantics.md §1.1–§1.3): `mn_itree_inv_start_range` /
 * `mn_itree_inv_end` (the global `invalidate_seq` and `active_invalidate_ranges`), the walk
 * that calls each intersecting subscription's `invalidate` op (`mn_itree_invalidate`,
 * blocking and `_nonblock`), `mmu_interval_notifier_insert` and `_remove` with the
 * `deferred_list`, and the wake-up of the `wq` at the end of an epoch.
 *
 * In:  core.invalidateStart { replyTo, tid, start, end, event, owner, blockable }
 *      core.invalidateEnd { replyTo, tid }
 *      core.insert { replyTo, tid, sub, start, length }
 *      core.remove { replyTo, tid, sub }
 *      sub.callbackReturned { sub, ok, tid }       (from the subscription being called)
 * Out: core.startDone { tid, result: 0 | -EAGAIN }, core.endDone { tid },
 *      core.insertResult { tid, sub, result }, core.removeResult { tid, sub }   (to replyTo)
 *      sub.attach { seq, globalSeq }, sub.invalidate { start, end, curSeq, event, owner,
 *      blockable, tid }, sub.epochEnded { seq }                                 (to subs)
 * Observes: notifier.epochBegin / notifier.epochEnd { mm, seq }, notifier.seq { mm, seq,
 *      active } whenever they change; model errors under their own kind (see CoreErrorKind).
 *
 * States (§1.2), each a predicate over context; `always` transitions keep the active state
 * node equal to the predicate that holds after every event:
 *   idle               active = 0 ∧ seq even        tree may change
 *   partiallyExcluded  active > 0 ∧ seq even        tree may change; an insert forces seq odd
 *   fullyExcluded      seq odd (⇒ active > 0)       tree frozen: inserts/removes → deferred
 *     .settled         ∀ s ∈ starting: s.calling = null   no callback outstanding
 *     .delivering      ∃ s ∈ starting: s.calling ≠ null   sub `s.calling` runs its invalidate
 *                                                     op in thread `s.tid`
 *
 * Concurrent invalidations (different threads) walk the tree in parallel, as in the kernel:
 * each start does its inv_start at once and its thread calls its subscriptions one after
 * another, beside the other threads' calls, so two threads may be in callbacks of the same
 * subscription at once. A callback's return names its thread (`tid`), which tells the walks
 * apart. A start that intersects nothing is answered at once.
 *
 * Addresses: the kernel's overflow check is against 2^64 − 1; addresses here are JS numbers,
 * exact only up to 2^53 − 1, so `start + length − 1 > MAX_ADDR` (= 2^53 − 1) is the overflow.
 *
 * Files: the events and context are in notifier-core-types.ts (re-exported here), what each
 * named action does in notifier-core-steps.ts, callback delivery and the epoch end in
 * notifier-core-epoch.ts, and the Draft that turns a step into an action in
 * notifier-core-draft.ts. This file names the guards and actions and arranges the states.
 */
import { enqueueActions, setup } from 'xstate';
import { EMPTY_INTERVAL_TREE } from './interval-tree.ts';
import { kernelActions } from './kernel-actions.ts';
import { coreAction } from './notifier-core-draft.ts';
import { callerOf, deferredInsertOf, deferredRemoveOf, inTree } from './notifier-core-epoch.ts';
import * as step from './notifier-core-steps.ts';
import {
  type CallbackReturnedEvent,
  type InsertEvent,
  type InvalidateEndEvent,
  MAX_ADDR,
  type NotifierCoreContext,
  type NotifierCoreEvent,
  type NotifierCoreInput,
  type RemoveEvent,
} from './notifier-core-types.ts';

export {
  type CallbackReturnedEvent,
  type CoreErrorKind,
  type CoreModelError,
  type DeferredEdit,
  type InsertEvent,
  type InvalidateEndEvent,
  type InvalidateStartEvent,
  MAX_ADDR,
  type NotifierCoreContext,
  type NotifierCoreEvent,
  type NotifierCoreInput,
  type PendingStart,
  type RemoveEvent,
  type RemoveWaiter,
} from './notifier-core-types.ts';

/** Insert rejections come first in every state (step 1 of insert, and double insert). */
const insertRejections = [
  { guard: 'lengthOverflows', actions: 'rejectOverflowingInsert' },
  { guard: 'alreadySubscribed', actions: 'rejectDuplicateInsert' },
] as const;
const removeRejections = [{ guard: 'removeOfUnknownSubscription', actions: 'reportUnknownRemove' }] as const;

/**
 * The per-mm notifier core `core:<process>` (`struct mmu_notifier_subscriptions`): the global
 * invalidate sequence, the count of active invalidations, the interval tree of subscriptions and
 * the inserts and removes deferred while it is frozen. Its states are Idle, PartiallyExcluded and
 * FullyExcluded (docs/kernel-semantics.md §1.2).
 *
 * @example
 * ```ts
 * import { notifierCoreMachine, toMermaid } from 'mirrorlab';
 *
 * // Started by the scenario compiler with { id: 'core:p1', mm: 'mm:p1' }; its diagram:
 * console.log(toMermaid(notifierCoreMachine)); // idle, partiallyExcluded, fullyExcluded, ...
 * ```
 */
export const notifierCoreMachine = setup({
  types: {
    context: {} as NotifierCoreContext,
    input: {} as NotifierCoreInput,
    events: {} as NotifierCoreEvent,
  },
  guards: {
    /** §1.2 Idle: no invalidation active (so the seq is even). */
    isIdle: ({ context }) => context.active === 0 && context.seq % 2 === 0,
    /** §1.2 PartiallyExcluded: ranges active, none intersected a subscription. */
    isPartiallyExcluded: ({ context }) => context.active > 0 && context.seq % 2 === 0,
    /** §1.2 FullyExcluded: an active range intersected a subscription; the tree is frozen. */
    isFullyExcluded: ({ context }) => context.seq % 2 === 1,
    callbackOutstanding: ({ context }) => context.starting.some((s) => s.calling !== null),
    noCallbackOutstanding: ({ context }) => context.starting.every((s) => s.calling === null),
    lengthOverflows: ({ event }) => {
      const e = event as InsertEvent;
      // `start + length - 1 > MAX_ADDR`, written so that no intermediate exceeds 2^53 (where
      // JS numbers stop being exact and the sum would round down below the cap).
      if (!Number.isSafeInteger(e.start) || !Number.isSafeInteger(e.length) || e.start < 0) return true;
      return e.length <= 0 || e.length - 1 > MAX_ADDR - e.start;
    },
    alreadySubscribed: ({ context, event }) => {
      const sub = (event as InsertEvent).sub;
      return inTree(context, sub) || deferredInsertOf(context, sub);
    },
    removeOfUnknownSubscription: ({ context, event }) => {
      const sub = (event as RemoveEvent).sub;
      const known = inTree(context, sub) || deferredInsertOf(context, sub);
      return !known || deferredRemoveOf(context, sub);
    },
    insertStillDeferred: ({ context, event }) => deferredInsertOf(context, (event as RemoveEvent).sub),
    returnFromOtherThanCalled: ({ context, event }) => callerOf(context, event as CallbackReturnedEvent) < 0,
    callbackRefusedNonBlockable: ({ context, event }) =>
      !(event as CallbackReturnedEvent).ok &&
      !context.starting[callerOf(context, event as CallbackReturnedEvent)].blockable,
    callbackRefusedBlockable: ({ context, event }) =>
      !(event as CallbackReturnedEvent).ok &&
      context.starting[callerOf(context, event as CallbackReturnedEvent)].blockable,
    endWithoutStart: ({ context, event }) => !context.started.includes((event as InvalidateEndEvent).tid),
  },
  actions: {
    ...kernelActions,
    beginInvalidation: enqueueActions(coreAction(step.beginInvalidation)),
    continueCallbacks: enqueueActions(coreAction(step.continueCallbacks)),
    abortStartWithEagain: enqueueActions(coreAction(step.abortStartWithEagain)),
    reportFalseOnBlockable: enqueueActions(coreAction(step.reportFalseOnBlockable)),
    reportStrayCallbackReturn: enqueueActions(coreAction(step.reportStrayCallbackReturn)),
    endInvalidation: enqueueActions(coreAction(step.endInvalidation)),
    reportEndWithoutStart: enqueueActions(coreAction(step.reportEndWithoutStart)),
    rejectOverflowingInsert: enqueueActions(coreAction(step.rejectOverflowingInsert)),
    rejectDuplicateInsert: enqueueActions(coreAction(step.rejectDuplicateInsert)),
    insertWithStableSeq: enqueueActions(coreAction(step.insertWithStableSeq)),
    insertForcingEpoch: enqueueActions(coreAction(step.insertForcingEpoch)),
    deferInsert: enqueueActions(coreAction(step.deferInsert)),
    reportUnknownRemove: enqueueActions(coreAction(step.reportUnknownRemove)),
    removeFromTree: enqueueActions(coreAction(step.removeFromTree)),
    dropDeferredInsert: enqueueActions(coreAction(step.dropDeferredInsert)),
    deferRemoval: enqueueActions(coreAction(step.deferRemoval)),
  },
}).createMachine({
  id: 'notifierCore',
  context: ({ input }) => ({
    id: input.id,
    mm: input.mm,
    seq: 2,
    active: 0,
    tree: EMPTY_INTERVAL_TREE,
    deferred: [],
    touched: [],
    starting: [],
    started: [],
    removing: [],
    errors: [],
  }),
  initial: 'idle',
  on: {
    'core.invalidateStart': { actions: 'beginInvalidation' },
    'core.invalidateEnd': [
      { guard: 'endWithoutStart', actions: 'reportEndWithoutStart' },
      { actions: 'endInvalidation' },
    ],
    'sub.callbackReturned': { actions: 'reportStrayCallbackReturn' },
  },
  states: {
    idle: {
      always: [
        { guard: 'isFullyExcluded', target: 'fullyExcluded' },
        { guard: 'isPartiallyExcluded', target: 'partiallyExcluded' },
      ],
      on: {
        'core.insert': [...insertRejections, { actions: 'insertWithStableSeq' }],
        'core.remove': [...removeRejections, { actions: 'removeFromTree' }],
      },
    },
    partiallyExcluded: {
      always: [
        { guard: 'isFullyExcluded', target: 'fullyExcluded' },
        { guard: 'isIdle', target: 'idle' },
      ],
      on: {
        'core.insert': [...insertRejections, { actions: 'insertForcingEpoch' }],
        'core.remove': [...removeRejections, { actions: 'removeFromTree' }],
      },
    },
    fullyExcluded: {
      initial: 'settled',
      always: [
        { guard: 'isIdle', target: 'idle' },
        { guard: 'isPartiallyExcluded', target: 'partiallyExcluded' },
      ],
      on: {
        'core.insert': [...insertRejections, { actions: 'deferInsert' }],
        'core.remove': [
          ...removeRejections,
          { guard: 'insertStillDeferred', actions: 'dropDeferredInsert' },
          { actions: 'deferRemoval' },
        ],
      },
      states: {
        settled: { always: { guard: 'callbackOutstanding', target: 'delivering' } },
        delivering: {
          always: { guard: 'noCallbackOutstanding', target: 'settled' },
          on: {
            'sub.callbackReturned': [
              { guard: 'returnFromOtherThanCalled', actions: 'reportStrayCallbackReturn' },
              { guard: 'callbackRefusedNonBlockable', actions: 'abortStartWithEagain' },
              { guard: 'callbackRefusedBlockable', actions: ['reportFalseOnBlockable', 'continueCallbacks'] },
              { actions: 'continueCallbacks' },
            ],
          },
        },
      },
    },
  },
});
