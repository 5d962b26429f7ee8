/**
 * Rules for what an invalidate callback, and a thread holding a spinlock, may do:
 *   - `false-on-blockable`: a callback returned false on a blockable range (§7 item 6);
 *   - `sleep-in-nonblock`: a thread of control inside a non-blockable invalidation blocks
 *     (waits for a lock, a fence or read_begin) (§7 item 18);
 *   - `sleep-in-atomic`: a thread of control that holds a spinlock blocks.
 * Blocking is read from the observations `lock.wait`, `fence.waitBegin` and `sleep`.
 */
import type { Observation } from '../../machines/kernel-actions.ts';
import type { ControlledWorld, StepRecord } from '../runtime/controlled-world.ts';
import type { Monitor } from './monitor.ts';
import { callbackTids, ctxOf, heldLocks, NO_OTHER_ACTOR, topology } from './topology.ts';

function blocking(o: Observation): { tid: string; on: string } | null {
  if (o.kind === 'lock.wait' || o.kind === 'fence.waitBegin' || o.kind === 'sleep') {
    return { tid: String(o.tid), on: String(o.lock ?? o.fence ?? o.on ?? '?') };
  }
  return null;
}

/**
 * The locks the step itself releases for the sleeping thread before its call to what it sleeps
 * on: a step's calls take effect in the order it makes them (docs/protocol.md, program order per
 * transition), so a driver that drops its spinlock and then calls read_begin sleeps without it.
 */
function releasedBefore(world: ControlledWorld, record: StepRecord, sleep: { tid: string; on: string }): Set<string> {
  const released = new Set<string>();
  for (const send of record.sends) {
    if (send.to === sleep.on) break;
    const e = world.message(send.msg).event as { type: string; tid?: unknown };
    if (e.type === 'lock.release' && e.tid === sleep.tid) released.add(send.to);
  }
  return released;
}

export const falseOnBlockableMonitor: Monitor = {
  name: 'false-on-blockable',
  ...NO_OTHER_ACTOR,
  interest: (_world, record) =>
    record.actor.startsWith('sub:') && record.message.event.type === 'drv.invalidateReturned' ? 'local' : 'skip',
  onStep(ctx, record: StepRecord, before) {
    if (!record.actor.startsWith('sub:')) return null;
    const ev = record.message.event as { type: string; ok?: boolean; tid?: string };
    if (ev.type !== 'drv.invalidateReturned' || ev.ok !== false) return null;
    const running = ctxOf<{ callbacks: { tid: string; blockable: boolean }[] }>(
      ctx.world,
      before,
      record.actor,
    ).callbacks;
    const cb = running.find((c) => ev.tid === undefined || c.tid === ev.tid);
    if (!cb?.blockable) return null;
    return {
      kind: 'false-on-blockable',
      message: `${record.message.from}'s invalidate callback on ${record.actor} returned false on a blockable range (for ${cb.tid})`,
    };
  },
};

export const sleepInNonblockMonitor: Monitor = {
  name: 'sleep-in-nonblock',
  // It judges the blocking tids of the step only: whether they run a non-blockable callback.
  threadScoped: true,
  interest: (_world, record) =>
    record.observations.some((o) => blocking(o) !== null) ||
    (record.message.event.type === 'lock.acquire' && record.actor.startsWith('lock:'))
      ? 'global'
      : 'skip',
  // Besides the step itself (which fixes the acting lock's own situation), only the
  // subscriptions' callbacks decide the verdict.
  reads: (world) => topology(world).subs,
  inFlight: [],
  fieldsRead: () => ['callbacks'],
  onStep(ctx, record, before) {
    const sleeps = record.observations.map(blocking).filter((b) => b !== null);
    // A blocking acquire of a sleeping lock is a might_sleep() even when it is uncontended.
    const ev = record.message.event as { type: string; tid?: string };
    if (ev.type === 'lock.acquire' && record.actor.startsWith('lock:')) {
      const kind = ctxOf<{ kind: string }>(ctx.world, before, record.actor).kind;
      if (kind !== 'spinlock' && ev.tid) sleeps.push({ tid: ev.tid, on: record.actor });
    }
    if (sleeps.length === 0) return null;
    const callbacks = callbackTids(ctx.world, before);
    for (const s of sleeps) {
      const cb = callbacks.get(s.tid);
      if (cb && !cb.blockable) {
        return {
          kind: 'sleep-in-nonblock',
          message: `${s.tid} blocks on ${s.on} inside a non-blockable invalidation of ${cb.sub} (the OOM reaper must not sleep)`,
        };
      }
    }
    return null;
  },
};

export const sleepInAtomicMonitor: Monitor = {
  name: 'sleep-in-atomic',
  // It judges the blocking tids of the step only: the spinlocks they hold.
  threadScoped: true,
  interest: (_world, record) => (record.observations.some((o) => blocking(o) !== null) ? 'global' : 'skip'),
  reads: (world) => topology(world).locks,
  inFlight: ['lock.release'],
  onStep(ctx, record, before) {
    const sleeps = record.observations.map(blocking).filter((b) => b !== null);
    if (sleeps.length === 0) return null;
    const held = heldLocks(ctx.world, before);
    const spin = new Set(
      topology(ctx.world)
        .locks.filter((i) => ctxOf<{ kind: string }>(ctx.world, before, i).kind === 'spinlock')
        .map((i) => ctx.world.actors[i].id),
    );
    for (const s of sleeps) {
      const released = releasedBefore(ctx.world, record, s);
      const spinHeld = (held.get(s.tid) ?? []).filter((l) => spin.has(l) && l !== s.on && !released.has(l));
      if (spinHeld.length) {
        return {
          kind: 'sleep-in-atomic',
          message: `${s.tid} blocks on ${s.on} while holding spinlock ${spinHeld.join(', ')}`,
        };
      }
    }
    return null;
  },
};
