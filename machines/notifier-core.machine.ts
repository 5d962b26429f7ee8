/**
 * The per-mm notifier core: `struct mmu_notifier_subscriptions` and the interval half of
 * mm/mmu_notifier.c (kernel-model.md §1.1–§1.3): `mn_itree_inv_start_range` /
 * `mn_itree_inv_end` (the global `invalidate_seq` and `active_invalidate_ranges`), the walk
 * that calls each intersecting subscription's `invalidate` op (`mn_itree_invalidate`,
 * blocking and `_nonblock`), `mmu_interval_notifier_insert` and `_remove` with the
 * `deferred_list`, and the wake-up of the `wq` at the end of an epoch.
 *
 * In:  core.invalidateStart { replyTo, tid, start, end, event, owner, blockable }
 *      core.invalidateEnd { replyTo, tid }
 *      core.insert { replyTo, tid, sub, start, length }
 *      core.remove { replyTo, tid, sub }
 *      sub.callbackReturned { sub, ok }            (from the subscription being called)
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
 *     .settled         calling = null               no callback outstanding
 *     .delivering      calling ≠ null               sub `calling` runs its invalidate op
 *
 * Simplification: the kernel lets concurrent invalidations (different threads) walk the
 * tree in parallel. Here each start does its inv_start at once (so `active`, `seq` and the
 * set of subscriptions to call are exact), but the callback sequences run one at a time, in
 * arrival order: a start whose callbacks cannot begin waits in `starting` behind the one
 * being delivered. A start that intersects nothing is answered at once.
 *
 * Addresses: the kernel's overflow check is against 2^64 − 1; addresses here are JS numbers,
 * exact only up to 2^53 − 1, so `start + length − 1 > MAX_ADDR` (= 2^53 − 1) is the overflow.
 */
import { enqueueActions, setup } from 'xstate';
import { EAGAIN, EINVAL, EOVERFLOW } from './errno.ts';
import {
  EMPTY_INTERVAL_TREE,
  hasInterval,
  type IntervalTree,
  insertInterval,
  queryRange,
  removeInterval,
} from './interval-tree.ts';
import { type ActorId, type KSendParams, kernelActions, type Observation } from './kernel-actions.ts';

/** Largest address the model represents exactly (stands in for the kernel's ULONG_MAX). */
export const MAX_ADDR = 2 ** 53 - 1;

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
export interface InvalidateEndEvent {
  type: 'core.invalidateEnd';
  replyTo: ActorId;
  tid: string;
}
export interface InsertEvent {
  type: 'core.insert';
  replyTo: ActorId;
  tid: string;
  sub: ActorId;
  start: number;
  length: number;
}
export interface RemoveEvent {
  type: 'core.remove';
  replyTo: ActorId;
  tid: string;
  sub: ActorId;
}
export interface CallbackReturnedEvent {
  type: 'sub.callbackReturned';
  sub: ActorId;
  ok: boolean;
}
export type NotifierCoreEvent =
  | InvalidateStartEvent
  | InvalidateEndEvent
  | InsertEvent
  | RemoveEvent
  | CallbackReturnedEvent;

/** An invalidation that did inv_start and whose callbacks have not all returned yet. */
export interface PendingStart {
  replyTo: ActorId;
  tid: string;
  start: number;
  end: number;
  event: string;
  owner: string | null;
  blockable: boolean;
  /** The global seq after its inv_start: the `cur_seq` every callback of it gets. */
  curSeq: number;
  /** Subscriptions still to call, in tree order (the tree is frozen meanwhile). */
  targets: ActorId[];
}

/** A tree edit postponed while the tree was frozen (the kernel's `deferred_list`). */
export type DeferredEdit = { op: 'insert'; sub: ActorId; start: number; last: number } | { op: 'remove'; sub: ActorId };

/** A `remove` sleeping on the wq until the global seq moves away from `waitSeq`. */
export interface RemoveWaiter {
  replyTo: ActorId;
  tid: string;
  sub: ActorId;
  waitSeq: number;
}

/** WARN cases of mmu_notifier.c, and protocol misuse, recorded rather than thrown. */
export type CoreErrorKind =
  | 'notifier.falseOnBlockable'
  | 'notifier.removeUnknown'
  | 'notifier.endWithoutStart'
  | 'notifier.insertDuplicate'
  | 'notifier.strayCallbackReturn';

export interface CoreModelError {
  kind: CoreErrorKind;
  tid: string | null;
  sub: ActorId | null;
}

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
  /** FIFO of starts whose callbacks are running (head) or waiting to run. */
  starting: PendingStart[];
  /** The subscription whose callback is outstanding, if any. */
  calling: ActorId | null;
  /** Tids whose start completed with 0 and that owe an invalidateEnd (sorted multiset). */
  started: string[];
  removing: RemoveWaiter[];
  errors: CoreModelError[];
}

export interface NotifierCoreInput {
  id: ActorId;
  mm: ActorId;
}

/** The effects of one event, gathered while computing the next context. */
class Draft {
  ctx: NotifierCoreContext;
  readonly sends: KSendParams[] = [];
  readonly notes: Observation[] = [];
  constructor(ctx: NotifierCoreContext) {
    this.ctx = { ...ctx };
  }
  send(to: ActorId, event: { type: string; [k: string]: unknown }): void {
    this.sends.push({ to, event });
  }
  error(kind: CoreErrorKind, tid: string | null, sub: ActorId | null): void {
    this.ctx.errors = [...this.ctx.errors, { kind, tid, sub }];
    this.notes.push({ kind, mm: this.ctx.mm, core: this.ctx.id, tid, sub });
  }
  touch(sub: ActorId): void {
    if (!this.ctx.touched.includes(sub)) this.ctx.touched = [...this.ctx.touched, sub].sort();
  }
}

/** Observations for changes of seq and active (the seq-invariant monitor reads them). */
function seqNotes(before: NotifierCoreContext, after: NotifierCoreContext): Observation[] {
  const notes: Observation[] = [];
  const wasOdd = before.seq % 2 === 1;
  const isOdd = after.seq % 2 === 1;
  if (!wasOdd && isOdd) notes.push({ kind: 'notifier.epochBegin', mm: after.mm, seq: after.seq });
  if (wasOdd && !isOdd) notes.push({ kind: 'notifier.epochEnd', mm: after.mm, seq: after.seq });
  if (before.seq !== after.seq || before.active !== after.active)
    notes.push({ kind: 'notifier.seq', mm: after.mm, seq: after.seq, active: after.active });
  return notes;
}

/** The part of XState's `enqueue` the core uses. */
interface CoreEnqueue {
  (action: { type: 'kSend'; params: KSendParams } | { type: 'kObserve'; params: Observation }): void;
  assign(assignment: () => NotifierCoreContext): void;
}

/** Turn a computation over a Draft into a named action: assign, then the effects in order. */
function coreAction<E extends NotifierCoreEvent>(compute: (d: Draft, event: E) => void) {
  return ({
    context,
    event,
    enqueue,
  }: {
    context: NotifierCoreContext;
    event: NotifierCoreEvent;
    enqueue: CoreEnqueue;
  }) => {
    const draft = new Draft(context);
    compute(draft, event as E);
    const next = draft.ctx;
    enqueue.assign(() => next);
    for (const params of draft.sends) enqueue({ type: 'kSend', params });
    for (const params of [...draft.notes, ...seqNotes(context, next)]) enqueue({ type: 'kObserve', params });
  };
}

/**
 * Deliver callbacks while none is outstanding: call the head start's next target, or, when
 * it has none left, answer it with 0 and move on to the next start in the FIFO.
 */
function runCallbacks(d: Draft): void {
  while (d.ctx.calling === null && d.ctx.starting.length > 0) {
    const [head, ...rest] = d.ctx.starting;
    if (head.targets.length === 0) {
      d.ctx.starting = rest;
      d.ctx.started = [...d.ctx.started, head.tid].sort();
      d.send(head.replyTo, { type: 'core.startDone', tid: head.tid, result: 0 });
      continue;
    }
    const [next, ...later] = head.targets;
    d.ctx.starting = [{ ...head, targets: later }, ...rest];
    d.ctx.calling = next;
    d.touch(next);
    const { start, end, curSeq, event, owner, blockable, tid } = head;
    d.send(next, { type: 'sub.invalidate', start, end, curSeq, event, owner, blockable, tid });
  }
}

/** inv_end: one range fewer; the last end of an epoch makes seq even, applies the deferred
 * tree edits in order, tells every touched subscription and wakes the sleeping removes. */
function invEnd(d: Draft): void {
  d.ctx.active -= 1;
  if (d.ctx.active > 0 || d.ctx.seq % 2 === 0) return;
  d.ctx.seq += 1;
  let tree = d.ctx.tree;
  for (const edit of d.ctx.deferred) {
    tree =
      edit.op === 'insert'
        ? insertInterval(tree, { start: edit.start, last: edit.last, id: edit.sub })
        : removeInterval(tree, edit.sub);
  }
  d.ctx.tree = tree;
  d.ctx.deferred = [];
  for (const sub of d.ctx.touched) d.send(sub, { type: 'sub.epochEnded', seq: d.ctx.seq });
  d.ctx.touched = [];
  const woken = d.ctx.removing.filter((w) => w.waitSeq !== d.ctx.seq);
  d.ctx.removing = d.ctx.removing.filter((w) => w.waitSeq === d.ctx.seq);
  for (const w of woken) d.send(w.replyTo, { type: 'core.removeResult', tid: w.tid, sub: w.sub });
}

function inTree(ctx: NotifierCoreContext, sub: ActorId): boolean {
  return hasInterval(ctx.tree, sub);
}
function deferredInsertOf(ctx: NotifierCoreContext, sub: ActorId): boolean {
  return ctx.deferred.some((e) => e.op === 'insert' && e.sub === sub);
}
function deferredRemoveOf(ctx: NotifierCoreContext, sub: ActorId): boolean {
  return ctx.deferred.some((e) => e.op === 'remove' && e.sub === sub);
}

function attachAndReply(d: Draft, e: InsertEvent, subSeq: number): void {
  d.send(e.sub, { type: 'sub.attach', seq: subSeq, globalSeq: d.ctx.seq });
  d.send(e.replyTo, { type: 'core.insertResult', tid: e.tid, sub: e.sub, result: 0 });
}

/** Insert rejections come first in every state (step 1 of insert, and double insert). */
const insertRejections = [
  { guard: 'lengthOverflows', actions: 'rejectOverflowingInsert' },
  { guard: 'alreadySubscribed', actions: 'rejectDuplicateInsert' },
] as const;
const removeRejections = [{ guard: 'removeOfUnknownSubscription', actions: 'reportUnknownRemove' }] as const;

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
    callbackOutstanding: ({ context }) => context.calling !== null,
    noCallbackOutstanding: ({ context }) => context.calling === null,
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
    returnFromOtherThanCalled: ({ context, event }) => (event as CallbackReturnedEvent).sub !== context.calling,
    callbackRefusedNonBlockable: ({ context, event }) =>
      !(event as CallbackReturnedEvent).ok && !context.starting[0].blockable,
    callbackRefusedBlockable: ({ context, event }) =>
      !(event as CallbackReturnedEvent).ok && context.starting[0].blockable,
    endWithoutStart: ({ context, event }) => !context.started.includes((event as InvalidateEndEvent).tid),
  },
  actions: {
    ...kernelActions,
    /** inv_start: active++, seq |= 1 if any node intersects; queue its callbacks. */
    beginInvalidation: enqueueActions(
      coreAction<InvalidateStartEvent>((d, e) => {
        const targets = queryRange(d.ctx.tree, e.start, e.end).map((n) => n.id);
        d.ctx.active += 1;
        if (targets.length > 0) d.ctx.seq |= 1;
        const { replyTo, tid, start, end, event, owner, blockable } = e;
        const pending = { replyTo, tid, start, end, event, owner, blockable, curSeq: d.ctx.seq, targets };
        if (targets.length === 0) {
          d.ctx.started = [...d.ctx.started, tid].sort();
          d.send(replyTo, { type: 'core.startDone', tid, result: 0 });
          return;
        }
        d.ctx.starting = [...d.ctx.starting, pending];
        runCallbacks(d);
      }),
    ),
    /** The called subscription returned true (or false on a blockable range, already reported). */
    continueCallbacks: enqueueActions(
      coreAction<CallbackReturnedEvent>((d) => {
        d.ctx.calling = null;
        runCallbacks(d);
      }),
    ),
    /** `_nonblock` failure: skip the rest, inv_end this range now, answer -EAGAIN. The caller
     * must not change PTEs in the range nor send invalidateEnd. */
    abortStartWithEagain: enqueueActions(
      coreAction<CallbackReturnedEvent>((d) => {
        const [head, ...rest] = d.ctx.starting;
        d.ctx.starting = rest;
        d.ctx.calling = null;
        invEnd(d);
        d.send(head.replyTo, { type: 'core.startDone', tid: head.tid, result: EAGAIN });
        runCallbacks(d);
      }),
    ),
    reportFalseOnBlockable: enqueueActions(
      coreAction<CallbackReturnedEvent>((d, e) => {
        d.error('notifier.falseOnBlockable', d.ctx.starting[0].tid, e.sub);
      }),
    ),
    reportStrayCallbackReturn: enqueueActions(
      coreAction<CallbackReturnedEvent>((d, e) => {
        d.error('notifier.strayCallbackReturn', null, e.sub);
      }),
    ),
    endInvalidation: enqueueActions(
      coreAction<InvalidateEndEvent>((d, e) => {
        const i = d.ctx.started.indexOf(e.tid);
        d.ctx.started = [...d.ctx.started.slice(0, i), ...d.ctx.started.slice(i + 1)];
        invEnd(d);
        d.send(e.replyTo, { type: 'core.endDone', tid: e.tid });
      }),
    ),
    reportEndWithoutStart: enqueueActions(
      coreAction<InvalidateEndEvent>((d, e) => {
        d.error('notifier.endWithoutStart', e.tid, null);
        d.send(e.replyTo, { type: 'core.endDone', tid: e.tid });
      }),
    ),
    rejectOverflowingInsert: enqueueActions(
      coreAction<InsertEvent>((d, e) => {
        d.send(e.replyTo, { type: 'core.insertResult', tid: e.tid, sub: e.sub, result: EOVERFLOW });
      }),
    ),
    rejectDuplicateInsert: enqueueActions(
      coreAction<InsertEvent>((d, e) => {
        d.error('notifier.insertDuplicate', e.tid, e.sub);
        d.send(e.replyTo, { type: 'core.insertResult', tid: e.tid, sub: e.sub, result: EINVAL });
      }),
    ),
    /** Idle: into the tree now; sub seq = global − 1 (odd, never equal to the even global). */
    insertWithStableSeq: enqueueActions(
      coreAction<InsertEvent>((d, e) => {
        d.ctx.tree = insertInterval(d.ctx.tree, { start: e.start, last: e.start + e.length - 1, id: e.sub });
        attachAndReply(d, e, d.ctx.seq - 1);
      }),
    ),
    /** PartiallyExcluded: an in-flight range may cover it, so open an epoch (seq |= 1), insert
     * now and mark the sub as invalidated in it (sub seq = global). */
    insertForcingEpoch: enqueueActions(
      coreAction<InsertEvent>((d, e) => {
        d.ctx.seq |= 1;
        d.ctx.tree = insertInterval(d.ctx.tree, { start: e.start, last: e.start + e.length - 1, id: e.sub });
        d.touch(e.sub);
        attachAndReply(d, e, d.ctx.seq);
      }),
    ),
    /** FullyExcluded: the tree is frozen; insert at the epoch end; sub seq = global (odd). */
    deferInsert: enqueueActions(
      coreAction<InsertEvent>((d, e) => {
        d.ctx.deferred = [
          ...d.ctx.deferred,
          { op: 'insert', sub: e.sub, start: e.start, last: e.start + e.length - 1 },
        ];
        d.touch(e.sub);
        attachAndReply(d, e, d.ctx.seq);
      }),
    ),
    reportUnknownRemove: enqueueActions(
      coreAction<RemoveEvent>((d, e) => {
        d.error('notifier.removeUnknown', e.tid, e.sub);
        d.send(e.replyTo, { type: 'core.removeResult', tid: e.tid, sub: e.sub });
      }),
    ),
    /** Seq even: out of the tree now; no callback can be running for it. */
    removeFromTree: enqueueActions(
      coreAction<RemoveEvent>((d, e) => {
        d.ctx.tree = removeInterval(d.ctx.tree, e.sub);
        d.send(e.replyTo, { type: 'core.removeResult', tid: e.tid, sub: e.sub });
      }),
    ),
    /** Seq odd, its insert still deferred: it never reached the tree, so nothing to wait for. */
    dropDeferredInsert: enqueueActions(
      coreAction<RemoveEvent>((d, e) => {
        d.ctx.deferred = d.ctx.deferred.filter((x) => !(x.op === 'insert' && x.sub === e.sub));
        d.send(e.replyTo, { type: 'core.removeResult', tid: e.tid, sub: e.sub });
      }),
    ),
    /** Seq odd, in the tree: a callback may be running; remove at the epoch end and answer then. */
    deferRemoval: enqueueActions(
      coreAction<RemoveEvent>((d, e) => {
        d.ctx.deferred = [...d.ctx.deferred, { op: 'remove', sub: e.sub }];
        d.ctx.removing = [...d.ctx.removing, { replyTo: e.replyTo, tid: e.tid, sub: e.sub, waitSeq: d.ctx.seq }];
      }),
    ),
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
    calling: null,
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
