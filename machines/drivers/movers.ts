/**
 * Which replies to a built-in driver commute with everything else the driver could take while
 * they wait: the explorer delivers those in the step that sends them (left movers in Lipton's
 * sense; src/explorer/reduction/returns.ts cites the paper and checks the monitors' side).
 *
 * Only replies to the fault region qualify, and only two of them, each for the request it serves
 * (its tid; no invalidate callback runs in that thread):
 *   - `sub.readBeginResult` in readBegin: it writes `request.seq` and sends the walk (or the pin).
 *     Nothing else the driver does reads or writes `request.seq`, and the region stays busy, so
 *     the requests waiting behind it stay deferred.
 *   - `lock.granted` in locked.acquiring (the grant routed to the request: `lockWaiters` has it
 *     and no callback waits with that tid): it drops the request's entry from `lockWaiters` and
 *     sends read_retry. A callback adds or drops its own entries there, so the order of theirs is
 *     the same either way, and a grant for another tid finds the same region. Not with the bug
 *     `retry-outside-lock`, where the grant programs the device at once: programming writes
 *     `published`, `pinned` and `submitted`, which the callback and jobs regions read.
 * Everything else stays a scheduling point, for a reason: the walk's result (`hmm.rangeResult`)
 * races the invalidate callback; read_retry's result and the zap's confirmation release the
 * lock; a callback's grant collects `published`, which a job's fence callback shrinks (jobs
 * region); a module's own driver is code the explorer knows nothing of.
 */
import type { DriverContext } from './driver-types.ts';

/** Whether the built-in driver in `context` takes `event`, a reply just sent to it, as a left mover. */
export function replyCommutes(context: DriverContext, event: { type: string; tid?: unknown }): boolean {
  const r = context.request;
  if (r === null || event.tid !== r.tid || context.callbacks.some((c) => c.tid === r.tid)) return false;
  if (event.type === 'sub.readBeginResult') return r.seq === null;
  if (event.type === 'lock.granted')
    return context.lockWaiters.includes('request') && !context.bugs.includes('retry-outside-lock');
  return false;
}
