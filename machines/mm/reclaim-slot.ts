/**
 * Reclaim beside the mmap lock (mm/vmscan.c `shrink_folio_list` → `try_to_unmap_one` takes no
 * mmap lock): the mm machine keeps each reclaimer's operation by tid in `reclaims` and runs its
 * attempts and invalidations (mm/ops-access.ts `reclaim`) whatever holds the lock.
 */
import type { EventObject } from 'xstate';
import type { KSendParams, Observation } from '../kernel-actions.ts';
import { type MmContext, memoryOf, type PendingOp } from './context.ts';
import { handlerFor, replyFor } from './operations.ts';
import { beginTx } from './pages.ts';

/** A `kSend` to `to`, or nothing when the request named no `replyTo`. */
export function sendTo(to: string | undefined, event: EventObject): { type: 'kSend'; params: KSendParams }[] {
  return to ? [{ type: 'kSend', params: { to, event } }] : [];
}

type KAction = { type: 'kSend'; params: KSendParams } | { type: 'kObserve'; params: Observation };

/**
 * One attempt of a reclaim: the context change that records it (or drops it when it replies)
 * and the effects: its observations, then its invalidation start or its reply.
 */
export function reclaimAttempt(context: MmContext, op: PendingOp): { patch: Partial<MmContext>; effects: KAction[] } {
  const tid = op.req.tid;
  const tx = beginTx(context.id, memoryOf(context));
  const att = handlerFor(op.req)(tx, op.req, op.progress);
  const { [tid]: _done, ...others } = context.reclaims;
  const effects: KAction[] = tx.obs.map((o) => ({ type: 'kObserve', params: o }));
  if (att.kind === 'invalidate') {
    const pending = { inv: att.inv, mutation: att.mutation, progress: att.progress ?? null, progressIfRefused: null };
    const start = { type: 'core.invalidateStart', replyTo: context.id, tid, ...att.inv };
    effects.push(...sendTo(context.core, start));
    return { patch: { ...tx.m, reclaims: { ...others, [tid]: { ...op, outcome: 'invalidate', pending } } }, effects };
  }
  effects.push(...sendTo(op.req.replyTo, replyFor(context.id, op.req, att.result, att.value)));
  return { patch: { ...tx.m, reclaims: others }, effects };
}
