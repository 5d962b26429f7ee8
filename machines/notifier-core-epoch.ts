/**
 * The notifier core's epoch logic over a `Draft` (docs/kernel-semantics.md §1.2, §1.3): each
 * start's thread calling its subscriptions one after another (starts of different threads in
 * parallel), inv_end closing an epoch (seq even again, the deferred
 * list applied, touched subscriptions told, sleeping removes woken), and queries of the tree
 * and the deferred list.
 */
import { hasInterval, insertInterval, removeInterval } from './interval-tree.ts';
import type { ActorId } from './kernel-actions.ts';
import type { Draft } from './notifier-core-draft.ts';
import type { NotifierCoreContext } from './notifier-core-types.ts';

/**
 * The walk of start `k` (`mn_itree_invalidate` in its thread), its current callback having
 * returned: call its next target, or, when it has none left, answer it with 0.
 */
export function runCallbacks(d: Draft, k: number): void {
  const s = d.ctx.starting[k];
  if (s.targets.length === 0) {
    d.ctx.starting = d.ctx.starting.filter((_, i) => i !== k);
    d.ctx.started = [...d.ctx.started, s.tid].sort();
    d.send(s.replyTo, { type: 'core.startDone', tid: s.tid, result: 0 });
    return;
  }
  const [next, ...later] = s.targets;
  d.ctx.starting = d.ctx.starting.map((x, i) => (i === k ? { ...s, targets: later, calling: next } : x));
  d.touch(next);
  const { start, end, curSeq, event, owner, blockable, tid } = s;
  d.send(next, { type: 'sub.invalidate', start, end, curSeq, event, owner, blockable, tid });
}

/**
 * The start whose callback on `e.sub` returned: the one of thread `e.tid`, or, for a return
 * that names no thread, the oldest start in that callback; -1 when none is.
 */
export function callerOf(ctx: NotifierCoreContext, e: { sub: ActorId; tid?: string }): number {
  return ctx.starting.findIndex((s) => s.calling === e.sub && (e.tid === undefined || s.tid === e.tid));
}

/** inv_end: one range fewer; the last end of an epoch makes seq even, applies the deferred
 * tree edits in order, tells every touched subscription and wakes the sleeping removes. */
export function invEnd(d: Draft): void {
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

export function inTree(ctx: NotifierCoreContext, sub: ActorId): boolean {
  return hasInterval(ctx.tree, sub);
}
export function deferredInsertOf(ctx: NotifierCoreContext, sub: ActorId): boolean {
  return ctx.deferred.some((e) => e.op === 'insert' && e.sub === sub);
}
export function deferredRemoveOf(ctx: NotifierCoreContext, sub: ActorId): boolean {
  return ctx.deferred.some((e) => e.op === 'remove' && e.sub === sub);
}
