/**
 * Which messages to a subscription and to the notifier core commute with everything else the
 * receiver could take while they wait: the explorer delivers those in the step that sends them
 * (left movers in Lipton's sense; src/explorer/reduction/returns.ts cites the paper and checks the
 * monitors' side), as machines/drivers/movers.ts does for the built-in driver.
 *
 * A subscription's sends are FIFO per thread (it is `concurrent`, src/scenario/compile.ts): its
 * answers run on the reader's stack and its invalidate op on the invalidating thread's, so one
 * thread's reply never queues behind another's call. Two of its calls qualify, and since the
 * subscription may have other messages waiting, its rule is told their types (`others`):
 *   - `sub.readRetry` from a built-in driver that checks under its update lock (no
 *     `retry-outside-lock`: `retriesUnderLock`). It reads `seq` and answers the reader. Only a
 *     set_seq writes `seq`, and only the driver's callback sends one, as its first call once
 *     granted the lock, releasing the lock after that call is taken: while the reader holds the
 *     lock none is on its way or can be sent. Everything else the subscription takes (read_begin,
 *     the epoch's end, a walk's call or return, a double attach) leaves `seq` alone and answers
 *     other threads.
 *   - `sub.invalidate`, a walk's call (where no two walks overlap): it adds the thread's callback
 *     and notes the epoch (`epochSeq`), then calls the driver in that thread. A read_begin reads
 *     `epochSeq`: the rule asks that it answer alike before and after (`readBeginWaitsAlike`;
 *     `seq` cannot move meanwhile: the set_seq of this epoch comes from the callback this call
 *     starts, and a walk's set_seq is taken before its return). A set_seq, a read_retry, another
 *     thread's return commute with it; another walk's call or an epoch's end beside it would not.
 *
 * The returns are links of one thread's invalidation walk (`mn_itree_invalidate` calling each
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
 * The walk's rules hold only while no other thread's walk runs beside: the core's sends to one
 * receiver keep their order (src/runtime/delivery.ts), so two threads' returns taken in either
 * order leave their next calls (to the next subscription, to the mm) queued in either order, and
 * the walks go on differently. The mm runs one invalidation at a time under
 * its mmap lock; only reclaim and the OOM reaper invalidate beside the lock holder (mm.machine.ts).
 * So these replies are taken only where nothing in the world can ask that mm for either
 * (`walksMayOverlap`): test/explorer/movers-audit.test.ts shows the pair failing where reclaim runs.
 */
import { isBuiltInDriverMachine } from './drivers/driver.machine.ts';
import type { ActorId } from './kernel-actions.ts';
import { callerOf } from './notifier-core-epoch.ts';
import type { NotifierCoreContext } from './notifier-core-types.ts';
import type { RangeNotifierContext } from './range-notifier.machine.ts';

/**
 * What a subscription's rule needs to know of the world around it: whether no two walks of its
 * core overlap (`walksMayOverlap`), and whether its driver is a built-in one whose read_retry
 * runs under the update lock (`retriesUnderLock`).
 */
export interface SubscriptionWorld {
  walksAlone: boolean;
  retriesUnderLock: boolean;
}

/**
 * Whether the subscription in `context` takes `event`, a message just sent to it, as a left
 * mover, where it could take messages of the types `others` too (the same subscription's other
 * steps now).
 */
export function subscriptionReplyCommutes(
  context: RangeNotifierContext,
  event: { type: string; tid?: unknown; curSeq?: unknown },
  around: SubscriptionWorld,
  others: readonly string[] = [],
): boolean {
  const { tid } = event;
  if (typeof tid !== 'string' || context.seq === null) return false;
  const inCallback = context.callbacks.some((c) => c.tid === tid);
  switch (event.type) {
    case 'drv.invalidateReturned':
      return around.walksAlone && inCallback && !others.includes('sub.invalidate');
    case 'sub.readRetry':
      return around.retriesUnderLock && !others.includes('sub.setSeq');
    case 'sub.invalidate':
      return (
        around.walksAlone &&
        !inCallback &&
        typeof event.curSeq === 'number' &&
        readBeginWaitsAlike(context, event.curSeq) &&
        !others.some((t) => t === 'sub.invalidate' || t === 'sub.epochEnded')
      );
    default:
      return false;
  }
}

/**
 * Whether actor `driver` of `actors` is a built-in driver whose read_retry runs under its update
 * lock (no `retry-outside-lock`): then no set_seq reaches its subscription while a read_retry
 * waits, since its callbacks send set_seq as their first call once granted the lock, and release
 * it only after.
 */
export function retriesUnderLock(
  actors: readonly { id: string; machine: unknown; input?: unknown }[],
  driver: ActorId,
): boolean {
  const a = actors.find((x) => x.id === driver);
  return (
    a !== undefined &&
    isBuiltInDriverMachine(a.machine) &&
    !((a.input as { bugs?: string[] } | undefined)?.bugs ?? []).includes('retry-outside-lock')
  );
}

/**
 * Whether a read_begin answers the same before and after the subscription learns that the epoch
 * of `curSeq` is open: it sleeps while the subscription's seq is the epoch's it was last told of.
 */
function readBeginWaitsAlike(context: RangeNotifierContext, curSeq: number): boolean {
  const before = context.epochSeq !== null && context.seq === context.epochSeq;
  return before === (context.seq === curSeq);
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
