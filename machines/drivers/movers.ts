/**
 * Which replies (and one call) to a built-in driver commute with everything else the driver could
 * take while they wait: the explorer delivers those in the step that sends them (left movers in
 * Lipton's sense; src/explorer/reduction/returns.ts cites the paper and checks the monitors' side).
 *
 * Each reply names the thread it answers (its tid). Everything else the driver could take before
 * it belongs to other threads: their requests (deferred while the fault region is busy), their
 * invalidate callbacks and the replies to those, and the jobs region's fence callbacks. These
 * replies qualify:
 *   - `sub.readBeginResult` to the fault region's request: it writes `request.seq` and sends the
 *     walk (or the pin). Nothing else the driver does reads or writes `request.seq`, and the
 *     region stays busy, so the requests waiting behind it stay deferred.
 *   - `hmm.rangeResult` to the request: it records the walk, then restarts (read_begin again),
 *     fails (answers its caller) or goes on to take the lock: the request's entry joins
 *     `lockWaiters`, which keeps one order whoever asked first across threads (lock-waiters.ts),
 *     so a callback that asks meanwhile leaves the same list either way. Nothing else the
 *     driver does reads the request's pages or result.
 *   - `lock.granted` routed to the request (no callback waits in that thread): it drops the
 *     request's entry from `lockWaiters` and sends read_retry. A callback adds or drops its own
 *     entries there, and a grant for another tid is routed the same way. Not with the bug
 *     `retry-outside-lock`, where the grant programs the device at once: programming writes
 *     `published`, `pinned` and `submitted`, which the other regions read.
 *   - `lock.granted` routed to a callback, when no fence is `published`: it marks the callback's
 *     run as holding the lock, drops a 'callback' entry, sends set_seq and the zap (no fence to
 *     wait for). The lock is held by the grant's thread until it is delivered, so no other
 *     thread can publish a fence meanwhile: `published` stays empty whatever the jobs region
 *     takes. With a fence published, the grant collects it and a fence callback may drop it
 *     first: the order matters, and the grant stays a scheduling point.
 *   - `sub.retryResult` to the request: under the lock it either restarts (drops the lock and the
 *     attempt's pins, read_begin again) or programs the device (writes `published`, `pinned`,
 *     `submitted`, `signalling`, releases the lock and finishes the request, which lets the
 *     deferred requests in). The callback region reads `published` only when its grant comes,
 *     and `pinned` only when its zap completes, both under the lock the request holds; the jobs
 *     region drops a job's fence from `published` and `submitted`, which the request only adds
 *     to (sorted sets: the same either way). With `retry-outside-lock` the check runs without
 *     the lock and only moves the request on to take it.
 *   - `dev.zapped` to a callback: it drops the zapped range's pins (a registration cache, whose
 *     zap runs under the lock), releases the lock if held, answers the subscription and ends the
 *     callback's run; other threads' runs, the request and the jobs are left alone.
 *   - `drv.fault`, a thread's call, while the fault region is idle, where by the world's ops
 *     every request the driver can get is a fault of that one thread (`faultsFromOneThread`: no
 *     other thread calls it, no submissions, no jobs on its device that could fault into it). It
 *     sets `request` and calls read_begin (or mmget) in that thread: no other region reads the
 *     request for its own thread's events, and no other request can arrive first, so which
 *     request is served first is fixed.
 * Everything else stays a scheduling point: the answers to pins, mmget, fence waits, trylocks and
 * job fences, which no search has needed yet; and a module's own driver is code the explorer
 * knows nothing of.
 *
 * Other actors' steps do not always commute with these as the runtime's rules suggest: a failed
 * walk answers a device's fault on the device's ring, and another thread's step (a set_seq
 * consumed) can let the driver's callback post its zap to the same ring, so the two posts land in
 * the order the two steps ran (test/explorer/movers-audit.test.ts found it on the shadow-pte
 * profile). The order the search skips is still reached: the step that sent the reply (the mm's
 * walk) touches nothing the other step does, so another schedule runs the other step first.
 * The audit checks such pairs for the rule's stability only (the reply stays one it takes).
 */

import { postedByThreads } from '../device-movers.ts';
import type { DriverContext } from './driver-types.ts';
import { grantedTo } from './lock-waiters.ts';

/**
 * Whether the built-in driver in `context` takes `event`, a message just sent to it, as a left
 * mover. `oneFaulter`: whether its requests can only be faults of one thread
 * (`faultsFromOneThread` below), which lets it take that thread's `drv.fault` too.
 */
export function replyCommutes(
  context: DriverContext,
  event: { type: string; tid?: unknown },
  oneFaulter = false,
): boolean {
  const { tid } = event;
  if (typeof tid !== 'string') return false;
  const r = context.request;
  const forRequest = r !== null && r.tid === tid;
  const callback = context.callbacks.find((c) => c.tid === tid);
  if (event.type === 'drv.fault') return oneFaulter && r === null && callback === undefined;
  if (event.type === 'sub.readBeginResult') return forRequest && r.seq === null && callback === undefined;
  if (event.type === 'sub.retryResult') return forRequest && r.seq !== null && callback === undefined;
  if (event.type === 'dev.zapped') return !forRequest && callback?.step === 'zapping';
  if (event.type === 'hmm.rangeResult') return forRequest && r.seq !== null && callback === undefined;
  if (event.type !== 'lock.granted') return false;
  const region = grantedTo(context, tid);
  if (region === 'request') return callback === undefined && !context.bugs.includes('retry-outside-lock');
  return region === 'callback' && !forRequest && context.published.length === 0;
}

/**
 * Whether every request driver `driver` can get is a `drv.fault` of one and the same thread:
 * by the ops of the actors of the world (`inputs`), one thread sends it faults and nothing else
 * sends it requests, and no one posts to its device `device` (a job there could fault into it).
 */
export function faultsFromOneThread(inputs: readonly unknown[], driver: string, device: string): boolean {
  if (postedByThreads(inputs, device)) return false;
  const senders = new Set<unknown>();
  for (const input of inputs) {
    const ops = (input as { ops?: { to?: string; event?: { type?: string } }[] } | undefined)?.ops;
    if (!Array.isArray(ops)) continue;
    for (const op of ops) {
      if (op.to !== driver) continue;
      if (op.event?.type !== 'drv.fault') return false;
      senders.add(input);
    }
  }
  return senders.size === 1;
}
