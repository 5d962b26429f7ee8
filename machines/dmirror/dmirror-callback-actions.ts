/**
 * dmirror's invalidate callback (docs/kernel-semantics.md §5.4), run in the invalidating thread
 * (`tid`, one entry of `callbacks` per thread): its own migrate_to_ram erase, or the lock
 * (try-lock when not blockable), set_seq, erasing the range, unlock, and the answer to the
 * subscription. A lock answer names the thread, which picks the callback it is for.
 */
import { assign, enqueueActions } from 'xstate';
import { eraseExact, eraseInclusive } from './device-table.ts';
import { dmirrorActions, type Ev, send, sleep } from './dmirror-action-support.ts';
import type { Callback, DmirrorContext, DmirrorEvent } from './dmirror-types.ts';

/** The callback of the thread an event names (a lock answer), or the one just begun. */
function callbackOf(context: DmirrorContext, event: DmirrorEvent): Callback {
  const tid = (event as { tid?: string }).tid;
  const cb = context.callbacks.find((c) => c.tid === tid);
  if (!cb) throw new Error(`dmirror '${context.id}': no invalidate callback in thread ${tid} (model bug)`);
  return cb;
}
const without = (context: DmirrorContext, cb: Callback) => context.callbacks.filter((c) => c.tid !== cb.tid);

export const callbackActions = dmirrorActions({
  // ---- the invalidate callback (§5.4) -----------------------------------------------
  beginCallback: enqueueActions(({ context, event, enqueue }) => {
    const e = event as Ev<'drv.invalidate'>;
    const cb = { sub: e.sub, tid: e.tid, start: e.start, end: e.end, curSeq: e.curSeq, blockable: e.blockable };
    enqueue.assign({ callbacks: [...context.callbacks, cb] });
  }),
  returnWithoutInvalidating: enqueueActions(({ event, enqueue }) => {
    const e = event as Ev<'drv.invalidate'>;
    enqueue(send(e.sub, { type: 'drv.invalidateReturned', sub: e.sub, ok: true, tid: e.tid }));
  }),
  /** migrate_to_ram's `xa_erase` of exactly the migrating page (no set_seq, no mutex). */
  eraseMigratedPage: assign(({ context, event }) => {
    const e = event as Ev<'drv.invalidate'>;
    return { table: eraseExact(context.table, e.start, e.end, context.pageSize) };
  }),
  trylockMirror: enqueueActions(({ context, event, enqueue }) => {
    const { tid } = event as Ev<'drv.invalidate'>;
    enqueue(send(context.lock, { type: 'lock.tryAcquire', replyTo: context.id, tid, mode: 'write' }));
  }),
  lockMirrorInCallback: enqueueActions(({ context, event, enqueue }) => {
    const { tid } = event as Ev<'drv.invalidate'>;
    enqueue(send(context.lock, { type: 'lock.acquire', replyTo: context.id, tid, mode: 'write' }));
    enqueue(sleep(tid, context.lock));
  }),
  setNotifierSeq: enqueueActions(({ context, event, enqueue }) => {
    const cb = callbackOf(context, event);
    enqueue(send(cb.sub, { type: 'sub.setSeq', curSeq: cb.curSeq, tid: cb.tid }));
  }),
  eraseInvalidatedRange: assign(({ context, event }) => {
    const cb = callbackOf(context, event);
    return { table: eraseInclusive(context.table, cb.start, cb.end, context.pageSize) };
  }),
  unlockMirrorInCallback: enqueueActions(({ context, event, enqueue }) => {
    enqueue(send(context.lock, { type: 'lock.release', tid: callbackOf(context, event).tid }));
  }),
  returnInvalidated: enqueueActions(({ context, event, enqueue }) => {
    const cb = callbackOf(context, event);
    enqueue(send(cb.sub, { type: 'drv.invalidateReturned', sub: cb.sub, ok: true, tid: cb.tid }));
    enqueue.assign({ callbacks: without(context, cb) });
  }),
  /** Non-blockable and the lock is taken: the range must be retried later (false). */
  returnBusy: enqueueActions(({ context, event, enqueue }) => {
    const cb = callbackOf(context, event);
    enqueue(send(cb.sub, { type: 'drv.invalidateReturned', sub: cb.sub, ok: false, tid: cb.tid }));
    enqueue.assign({ callbacks: without(context, cb) });
  }),
});
