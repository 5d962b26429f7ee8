/**
 * Operations that run beside the mmap lock holder, kept by tid in the mm's `beside`:
 * - reclaim, which takes no mmap lock (mm/vmscan.c `shrink_folio_list` → `try_to_unmap_one`
 *   works from the page through the rmap);
 * - the OOM reaper, which holds the lock for READ, taken by `mmap_read_trylock`
 *   (mm/oom_kill.c `oom_reap_task_mm`; mm/mmap-lock.ts says when that succeeds).
 * The mm machine runs their attempts and invalidations (mm/ops-access.ts `reclaim`,
 * mm/ops-life.ts `oomReap`) whatever holds the lock. Their PTE changes re-read the entries
 * (mm/mutations.ts), so one that lost a race to another change does nothing for that page.
 */
import type { EventObject } from 'xstate';
import type { KSendParams, Observation } from '../kernel-actions.ts';
import { type MmContext, memoryOf, type PendingOp } from './context.ts';
import { applyMutation } from './mutations.ts';
import { handlerFor, replyFor } from './operations.ts';
import { cacheSyncSends } from './page-cache-sync.ts';
import { beginTx } from './pages.ts';

/** A `kSend` to `to`, or nothing when the request named no `replyTo`. */
export function sendTo(to: string | undefined, event: EventObject): { type: 'kSend'; params: KSendParams }[] {
  return to ? [{ type: 'kSend', params: { to, event } }] : [];
}

type KAction = { type: 'kSend'; params: KSendParams } | { type: 'kObserve'; params: Observation };

/** The OOM reaper holds the mmap lock for read (a writer must wait for it). */
export function reaperReading(context: MmContext): boolean {
  return Object.values(context.beside).some((op) => op.req.type === 'mm.oomReap');
}

/**
 * One attempt of an operation beside the lock: the context change that records it (or drops
 * it when it replies) and the effects: its observations, then its invalidation start or its reply.
 */
export function besideAttempt(context: MmContext, op: PendingOp): { patch: Partial<MmContext>; effects: KAction[] } {
  const tid = op.req.tid;
  const tx = beginTx(context.id, memoryOf(context));
  const att = handlerFor(op.req)(tx, op.req, op.progress);
  const { [tid]: _done, ...others } = context.beside;
  const effects: KAction[] = tx.obs.map((o) => ({ type: 'kObserve', params: o }));
  for (const s of cacheSyncSends(context.peers, context, tx)) effects.push({ type: 'kSend', params: s });
  if (att.kind === 'invalidate') {
    const progress = att.progress ?? null;
    const pending = {
      inv: att.inv,
      mutation: att.mutation,
      progress,
      progressIfRefused: att.progressIfRefused ?? progress,
    };
    const start = { type: 'core.invalidateStart', replyTo: context.id, tid, ...att.inv };
    effects.push(...sendTo(context.core, start));
    return { patch: { ...tx.m, beside: { ...others, [tid]: { ...op, outcome: 'invalidate', pending } } }, effects };
  }
  effects.push(...sendTo(op.req.replyTo, replyFor(context.id, op.req, att.result, att.value)));
  return { patch: { ...tx.m, beside: others }, effects };
}

/**
 * `core.startDone` for an operation beside the lock: change the PTEs and end the range, or,
 * after -EAGAIN from a non-blockable start (the reaper's), go on without either.
 */
export function besideStartDone(
  context: MmContext,
  tid: string,
  result: number,
): { patch: Partial<MmContext>; effects: KAction[] } {
  const op = context.beside[tid];
  if (result < 0) return besideAttempt(context, { ...op, progress: op.pending!.progressIfRefused, pending: null });
  const tx = beginTx(context.id, memoryOf(context));
  applyMutation(tx, op.pending!.mutation);
  const effects: KAction[] = tx.obs.map((o) => ({ type: 'kObserve', params: o }));
  for (const s of cacheSyncSends(context.peers, context, tx)) effects.push({ type: 'kSend', params: s });
  const end = { type: 'core.invalidateEnd', replyTo: context.id, tid };
  effects.push(...sendTo(context.core, end));
  return { patch: { ...tx.m }, effects };
}
