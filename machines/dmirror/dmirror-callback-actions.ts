/**
 * dmirror's invalidate callback (docs/kernel-semantics.md §5.4), run in the invalidating thread
 * (`callback.tid`): its own migrate_to_ram erase, or the lock (try-lock when not blockable),
 * set_seq, erasing the range, unlock, and the answer to the subscription.
 */
import { assign, enqueueActions } from 'xstate';
import { eraseExact, eraseInclusive } from './device-table.ts';
import { dmirrorActions, type Ev, send, sleep } from './dmirror-action-support.ts';

export const callbackActions = dmirrorActions({
  // ---- the invalidate callback (§5.4) -----------------------------------------------
  beginCallback: assign(({ event }) => {
    const e = event as Ev<'drv.invalidate'>;
    return {
      callback: { sub: e.sub, tid: e.tid, start: e.start, end: e.end, curSeq: e.curSeq, blockable: e.blockable },
    };
  }),
  returnWithoutInvalidating: enqueueActions(({ event, enqueue }) => {
    const e = event as Ev<'drv.invalidate'>;
    enqueue(send(e.sub, { type: 'drv.invalidateReturned', sub: e.sub, ok: true }));
  }),
  /** migrate_to_ram's `xa_erase` of exactly the migrating page (no set_seq, no mutex). */
  eraseMigratedPage: assign(({ context, event }) => {
    const e = event as Ev<'drv.invalidate'>;
    return { table: eraseExact(context.table, e.start, e.end, context.pageSize) };
  }),
  trylockMirror: enqueueActions(({ context, enqueue }) => {
    enqueue(
      send(context.lock, { type: 'lock.tryAcquire', replyTo: context.id, tid: context.callback!.tid, mode: 'write' }),
    );
  }),
  lockMirrorInCallback: enqueueActions(({ context, enqueue }) => {
    const { tid } = context.callback!;
    enqueue(send(context.lock, { type: 'lock.acquire', replyTo: context.id, tid, mode: 'write' }));
    enqueue(sleep(tid, context.lock));
  }),
  setNotifierSeq: enqueueActions(({ context, enqueue }) => {
    const cb = context.callback!;
    enqueue(send(cb.sub, { type: 'sub.setSeq', curSeq: cb.curSeq, tid: cb.tid }));
  }),
  eraseInvalidatedRange: assign(({ context }) => {
    const cb = context.callback!;
    return { table: eraseInclusive(context.table, cb.start, cb.end, context.pageSize) };
  }),
  unlockMirrorInCallback: enqueueActions(({ context, enqueue }) => {
    enqueue(send(context.lock, { type: 'lock.release', tid: context.callback!.tid }));
  }),
  returnInvalidated: enqueueActions(({ context, enqueue }) => {
    const cb = context.callback!;
    enqueue(send(cb.sub, { type: 'drv.invalidateReturned', sub: cb.sub, ok: true }));
    enqueue.assign({ callback: null });
  }),
  /** Non-blockable and the lock is taken: the range must be retried later (false). */
  returnBusy: enqueueActions(({ context, enqueue }) => {
    const cb = context.callback!;
    enqueue(send(cb.sub, { type: 'drv.invalidateReturned', sub: cb.sub, ok: false }));
    enqueue.assign({ callback: null });
  }),
});
