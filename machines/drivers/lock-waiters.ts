/**
 * The driver's regions waiting for its update lock (`DriverContext.lockWaiters`), which route a
 * `lock.granted` to the region that asked for it. Entries name the region and the thread it asked
 * in, and the list is kept sorted by tid, each tid's entries in the order they asked: a grant
 * names a tid, so only the order among one tid's entries can matter (a fault and an invalidate
 * callback of one thread both waiting: the first to ask gets it). The order between different
 * threads' entries tells nothing, and keeping one order for it makes a driver that took the
 * requests of two threads in either order the same state (which lets the search take the walk's
 * result at once: machines/drivers/movers.ts).
 */
import type { DriverContext, Region } from './driver-types.ts';

type Waiter = DriverContext['lockWaiters'][number];

/** `list` with `region` of thread `tid` waiting too: after every entry of a tid up to `tid`. */
export function withWaiter(list: readonly Waiter[], region: Region, tid: string): Waiter[] {
  let at = list.length;
  while (at > 0 && list[at - 1].tid > tid) at--;
  return [...list.slice(0, at), { region, tid }, ...list.slice(at)];
}

/** `list` without the first entry of `region` in thread `tid` (its wait ended). */
export function withoutWaiter(list: readonly Waiter[], region: Region, tid: string): Waiter[] {
  const i = list.findIndex((w) => w.region === region && w.tid === tid);
  return i < 0 ? [...list] : [...list.slice(0, i), ...list.slice(i + 1)];
}

/** Whether `region` has a wait outstanding in thread `tid`. */
function waitsWith(context: DriverContext, region: Region, tid: string): boolean {
  return region === 'request'
    ? context.request?.tid === tid
    : context.callbacks.some((c) => c.tid === tid && (c.step === 'locking' || c.step === 'tryLocking'));
}

/** The region a grant for `tid` goes to: the first that asked among those waiting in that thread. */
export function grantedTo(context: DriverContext, tid: string): Region | undefined {
  return context.lockWaiters.find((w) => w.tid === tid && waitsWith(context, w.region, tid))?.region;
}
