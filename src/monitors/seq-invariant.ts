/**
 * `seq-invariant`: the notifier core's rules (docs/kernel-semantics.md §7 items 1–4, 8), checked on
 * every step that touches a core or a subscription:
 *   - the global seq is odd only while some invalidation is active (odd ⇒ active > 0);
 *   - it changes only by setting its low bit or by +1 from odd to even;
 *   - active never goes negative;
 *   - every attached subscription's seq is odd;
 *   - read_begin never answers while its subscription is invalidated in the current epoch
 *     (its seq equals the odd global seq).
 */
import type { Monitor } from './monitor.ts';
import { ctxOf, topology } from './topology.ts';

interface CoreCtx {
  seq: number;
  active: number;
}

function coreRule(before: CoreCtx, after: CoreCtx): string | null {
  if (after.active < 0) return `active invalidations went negative (${after.active})`;
  if (after.seq % 2 === 1 && after.active === 0) return `global seq ${after.seq} is odd with no active invalidation`;
  if (after.seq !== before.seq) {
    const setOdd = before.seq % 2 === 0 && after.seq === before.seq + 1;
    const endEpoch = before.seq % 2 === 1 && after.seq === before.seq + 1;
    if (!setOdd && !endEpoch) return `global seq moved from ${before.seq} to ${after.seq}`;
    if (endEpoch && after.active !== 0)
      return `epoch ended (seq ${after.seq}) with ${after.active} invalidation(s) still active`;
  }
  return null;
}

export const seqInvariantMonitor: Monitor = {
  name: 'seq-invariant',
  interest(world, record) {
    if (record.actor.startsWith('core:')) return record.before !== record.after ? 'local' : 'skip';
    if (!record.actor.startsWith('sub:')) return 'skip';
    // A read_begin answer is judged against the core's seq: another actor's state.
    return record.sends.some((s) => world.message(s.msg).event.type === 'sub.readBeginResult') ? 'global' : 'local';
  },
  reads: (world) => [...topology(world).cores, ...topology(world).subs],
  inFlight: [],
  // A core's seq and count of active ranges; a subscription's seq and the core it belongs to.
  fieldsRead: (world, actor) => (topology(world).cores.includes(actor) ? ['seq', 'active'] : ['seq', 'core']),
  onStep(ctx, record, before, after) {
    const { world } = ctx;
    const actor = record.actor;
    if (actor.startsWith('core:') && record.before !== record.after) {
      const broken = coreRule(ctxOf<CoreCtx>(world, before, actor), ctxOf<CoreCtx>(world, after, actor));
      if (broken) return { kind: 'seq-invariant', message: `${actor}: ${broken}` };
    }
    if (actor.startsWith('sub:')) {
      const sub = ctxOf<{ seq: number | null; core: string }>(world, after, actor);
      if (sub.seq !== null && sub.seq % 2 === 0)
        return { kind: 'seq-invariant', message: `${actor}: seq ${sub.seq} is even` };
      for (const s of record.sends) {
        if (world.message(s.msg).event.type !== 'sub.readBeginResult') continue;
        const core = ctxOf<CoreCtx>(world, after, sub.core);
        if (sub.seq !== null && sub.seq === core.seq) {
          return {
            kind: 'seq-invariant',
            message: `${actor}: read_begin returned to ${s.to} while the subscription is invalidated in the current epoch (seq ${sub.seq} = global)`,
          };
        }
      }
    }
    return null;
  },
};
