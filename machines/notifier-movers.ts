/**
 * Which replies to a subscription and to the notifier core commute with everything else the
 * receiver could take while they wait: the explorer delivers those in the step that sends them
 * (left movers in Lipton's sense; src/explorer/reduction/returns.ts cites the paper and checks the
 * monitors' side), as machines/drivers/movers.ts does for the built-in driver.
 *
 * Both are links of one thread's invalidation walk (`mn_itree_invalidate` calling each
 * subscription's op in turn): the driver's callback returns to the subscription, which returns
 * to the core, which calls the next subscription or answers the mm. Each names the thread whose
 * walk it is (its tid), and touches that thread's entries alone:
 *   - `drv.invalidateReturned` at a subscription: it drops the thread's entry from `callbacks`
 *     (the state `invalidating` / `idle` follows that list) and returns to the core. Everything
 *     else the subscription could take meanwhile reads or writes other fields (`seq`, `epochSeq`,
 *     `readers`, `errors`: read_begin, read_retry, set_seq, the epoch's end, a double attach), or
 *     adds or drops another thread's entry, which leaves the list the same in either order. A
 *     return that names no thread ends the oldest callback, whichever thread's it is: with one of
 *     those on its way the order would matter, so the rule asks for a world of shipped machines,
 *     whose drivers always name it (returns.ts requires one for these kinds).
 *   - `sub.callbackReturned` with `ok` at the core: it marks the thread's walk as back from that
 *     subscription and calls the next one (touching it: a sorted set) or, with none left, moves
 *     the thread from `starting` to `started` (sorted) and answers the mm. It leaves `seq` and
 *     `active` alone. The thread's start counts in `active`, so no other thread's end can close the
 *     epoch before it (seq stays odd): another thread's start or end, another walk's return, a
 *     deferred insert or remove all read and write what this return does not, or another
 *     thread's entries. Not a refusal: on a blockable range it records a model error (a list whose
 *     order would depend on it), on a non-blockable one it ends the range at once, which may end
 *     the epoch.
 * Both hold only while no other thread's walk runs beside: a kernel object's sends to one
 * receiver keep their order (src/runtime/delivery.ts), so two threads' returns taken in either
 * order leave their next calls (to the core, to the next subscription, to the mm) queued in
 * either order, and the walks go on differently. The mm runs one invalidation at a time under
 * its mmap lock; only reclaim and the OOM reaper invalidate beside the lock holder (mm.machine.ts).
 * So these replies are taken only where nothing in the world can ask that mm for either
 * (`walksMayOverlap`): test/explorer/movers-audit.test.ts shows the pair failing where reclaim runs.
 */
import type { ActorId } from './kernel-actions.ts';
import { callerOf } from './notifier-core-epoch.ts';
import type { NotifierCoreContext } from './notifier-core-types.ts';
import type { RangeNotifierContext } from './range-notifier.machine.ts';

/** Whether the subscription in `context` takes `event`, a reply just sent to it, as a left mover. */
export function subscriptionReplyCommutes(
  context: RangeNotifierContext,
  event: { type: string; tid?: unknown },
): boolean {
  const { tid } = event;
  return (
    event.type === 'drv.invalidateReturned' && typeof tid === 'string' && context.callbacks.some((c) => c.tid === tid)
  );
}

/** Whether the notifier core in `context` takes `event`, a reply just sent to it, as a left mover. */
export function coreReplyCommutes(
  context: NotifierCoreContext,
  event: { type: string; tid?: unknown; sub?: unknown; ok?: unknown },
): boolean {
  if (event.type !== 'sub.callbackReturned' || typeof event.tid !== 'string' || typeof event.sub !== 'string')
    return false;
  return event.ok === true && callerOf(context, { sub: event.sub, tid: event.tid }) >= 0;
}

/**
 * Whether two threads' invalidations of `mm` may walk its notifier core at once: some actor of
 * the world, by its input (`inputs`, the actors' inputs), may send it a reclaim or an OOM reap,
 * which run beside the mmap lock holder. A thread does by its ops; a device by an allocation on
 * its fence-signalling path that may enter reclaim. No other shipped machine sends either.
 */
export function walksMayOverlap(inputs: readonly unknown[], mm: ActorId): boolean {
  return inputs.some((input) => {
    const { ops, completion } = (input ?? {}) as {
      ops?: { to?: string; event?: { type?: string } }[];
      completion?: { allocates?: { mm?: string } | null };
    };
    if (completion?.allocates?.mm === mm) return true;
    return (
      Array.isArray(ops) &&
      ops.some((op) => op.to === mm && (op.event?.type === 'mm.reclaim' || op.event?.type === 'mm.oomReap'))
    );
  });
}
