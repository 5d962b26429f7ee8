/**
 * What each named action of the notifier core does to a `Draft` (docs/kernel-semantics.md §1.1–§1.3):
 * inv_start and inv_end of a range, the answers to a subscription's callback, and insert and
 * remove in each exclusion state. notifier-core.machine.ts decides which step runs when.
 */
import { EAGAIN, EINVAL, EOVERFLOW } from './errno.ts';
import { insertInterval, queryRange, removeInterval } from './interval-tree.ts';
import type { Draft } from './notifier-core-draft.ts';
import { callerOf, invEnd, runCallbacks } from './notifier-core-epoch.ts';
import type {
  CallbackReturnedEvent,
  InsertEvent,
  InvalidateEndEvent,
  InvalidateStartEvent,
  RemoveEvent,
} from './notifier-core-types.ts';

function attachAndReply(d: Draft, e: InsertEvent, subSeq: number): void {
  d.send(e.sub, { type: 'sub.attach', seq: subSeq, globalSeq: d.ctx.seq });
  d.send(e.replyTo, { type: 'core.insertResult', tid: e.tid, sub: e.sub, result: 0 });
}

/** inv_start: active++, seq |= 1 if any node intersects; queue its callbacks. */
export function beginInvalidation(d: Draft, e: InvalidateStartEvent): void {
  const targets = queryRange(d.ctx.tree, e.start, e.end).map((n) => n.id);
  d.ctx.active += 1;
  if (targets.length > 0) d.ctx.seq |= 1;
  const { replyTo, tid, start, end, event, owner, blockable } = e;
  const pending = { replyTo, tid, start, end, event, owner, blockable, curSeq: d.ctx.seq, targets, calling: null };
  if (targets.length === 0) {
    d.ctx.started = [...d.ctx.started, tid].sort();
    d.send(replyTo, { type: 'core.startDone', tid, result: 0 });
    return;
  }
  // Its thread walks at once, beside the walks of other threads' starts.
  d.ctx.starting = [...d.ctx.starting, pending];
  runCallbacks(d, d.ctx.starting.length - 1);
}

/** The called subscription returned true (or false on a blockable range, already reported). */
export function continueCallbacks(d: Draft, e: CallbackReturnedEvent): void {
  const k = callerOf(d.ctx, e);
  d.ctx.starting = d.ctx.starting.map((s, i) => (i === k ? { ...s, calling: null } : s));
  runCallbacks(d, k);
}

/** `_nonblock` failure: skip the rest, inv_end this range now, answer -EAGAIN. The caller
 * must not change PTEs in the range nor send invalidateEnd. */
export function abortStartWithEagain(d: Draft, e: CallbackReturnedEvent): void {
  const k = callerOf(d.ctx, e);
  const s = d.ctx.starting[k];
  d.ctx.starting = d.ctx.starting.filter((_, i) => i !== k);
  invEnd(d);
  d.send(s.replyTo, { type: 'core.startDone', tid: s.tid, result: EAGAIN });
}

export function reportFalseOnBlockable(d: Draft, e: CallbackReturnedEvent): void {
  d.error('notifier.falseOnBlockable', d.ctx.starting[callerOf(d.ctx, e)].tid, e.sub);
}

export function reportStrayCallbackReturn(d: Draft, e: CallbackReturnedEvent): void {
  d.error('notifier.strayCallbackReturn', null, e.sub);
}

export function endInvalidation(d: Draft, e: InvalidateEndEvent): void {
  const i = d.ctx.started.indexOf(e.tid);
  d.ctx.started = [...d.ctx.started.slice(0, i), ...d.ctx.started.slice(i + 1)];
  invEnd(d);
  d.send(e.replyTo, { type: 'core.endDone', tid: e.tid });
}

export function reportEndWithoutStart(d: Draft, e: InvalidateEndEvent): void {
  d.error('notifier.endWithoutStart', e.tid, null);
  d.send(e.replyTo, { type: 'core.endDone', tid: e.tid });
}

export function rejectOverflowingInsert(d: Draft, e: InsertEvent): void {
  d.send(e.replyTo, { type: 'core.insertResult', tid: e.tid, sub: e.sub, result: EOVERFLOW });
}

export function rejectDuplicateInsert(d: Draft, e: InsertEvent): void {
  d.error('notifier.insertDuplicate', e.tid, e.sub);
  d.send(e.replyTo, { type: 'core.insertResult', tid: e.tid, sub: e.sub, result: EINVAL });
}

/** Idle: into the tree now; sub seq = global − 1 (odd, never equal to the even global). */
export function insertWithStableSeq(d: Draft, e: InsertEvent): void {
  d.ctx.tree = insertInterval(d.ctx.tree, { start: e.start, last: e.start + e.length - 1, id: e.sub });
  attachAndReply(d, e, d.ctx.seq - 1);
}

/** PartiallyExcluded: an in-flight range may cover it, so open an epoch (seq |= 1), insert
 * now and mark the sub as invalidated in it (sub seq = global). */
export function insertForcingEpoch(d: Draft, e: InsertEvent): void {
  d.ctx.seq |= 1;
  d.ctx.tree = insertInterval(d.ctx.tree, { start: e.start, last: e.start + e.length - 1, id: e.sub });
  d.touch(e.sub);
  attachAndReply(d, e, d.ctx.seq);
}

/** FullyExcluded: the tree is frozen; insert at the epoch end; sub seq = global (odd). */
export function deferInsert(d: Draft, e: InsertEvent): void {
  d.ctx.deferred = [...d.ctx.deferred, { op: 'insert', sub: e.sub, start: e.start, last: e.start + e.length - 1 }];
  d.touch(e.sub);
  attachAndReply(d, e, d.ctx.seq);
}

export function reportUnknownRemove(d: Draft, e: RemoveEvent): void {
  d.error('notifier.removeUnknown', e.tid, e.sub);
  d.send(e.replyTo, { type: 'core.removeResult', tid: e.tid, sub: e.sub });
}

/** Seq even: out of the tree now; no callback can be running for it. */
export function removeFromTree(d: Draft, e: RemoveEvent): void {
  d.ctx.tree = removeInterval(d.ctx.tree, e.sub);
  d.send(e.replyTo, { type: 'core.removeResult', tid: e.tid, sub: e.sub });
}

/** Seq odd, its insert still deferred: it never reached the tree, so nothing to wait for. */
export function dropDeferredInsert(d: Draft, e: RemoveEvent): void {
  d.ctx.deferred = d.ctx.deferred.filter((x) => !(x.op === 'insert' && x.sub === e.sub));
  d.send(e.replyTo, { type: 'core.removeResult', tid: e.tid, sub: e.sub });
}

/** Seq odd, in the tree: a callback may be running; remove at the epoch end and answer then. */
export function deferRemoval(d: Draft, e: RemoveEvent): void {
  d.ctx.deferred = [...d.ctx.deferred, { op: 'remove', sub: e.sub }];
  d.ctx.removing = [...d.ctx.removing, { replyTo: e.replyTo, tid: e.tid, sub: e.sub, waitSeq: d.ctx.seq }];
}
