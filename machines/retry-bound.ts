/**
 * The bound on a fault loop's read_begin restarts, shared by the built-in drivers.
 *
 * The kernel bounds the loop by time (HMM_RANGE_DEFAULT_TIMEOUT, 1000 ms); the model, which has
 * no time, bounds it by a number of restarts, after which the fault gives up with -EBUSY. A
 * count is a variable of the driver's state, so each value tells states apart that are
 * otherwise the same. `'unbounded'` is a loop that restarts as often as it collides (the Spin
 * yardstick's driver, and drivers whose deadline no finite race reaches): it never gives up,
 * and it keeps no count, since none would decide anything. A scenario whose invalidations
 * recur forever then livelocks, which the liveness pass reports.
 */
export type RetryBound = number | 'unbounded';

export const DEFAULT_MAX_RETRIES = 8;

/** The bound an input asks for (default 8), or a thrown message naming the field and the fix. */
export function retryBound(value: unknown, where: string): RetryBound {
  const bound = value ?? DEFAULT_MAX_RETRIES;
  if (bound === 'unbounded' || (typeof bound === 'number' && Number.isInteger(bound) && bound >= 0)) return bound;
  throw new Error(`${where} 'maxRetries' must be a non-negative integer or 'unbounded', got ${JSON.stringify(bound)}`);
}

/** Whether a loop that restarted `restarts` times must now give up. */
export function retriesExhausted(restarts: number, bound: RetryBound): boolean {
  return bound !== 'unbounded' && restarts >= bound;
}

/** The restart count after one more restart: unchanged without a bound (nothing reads it then). */
export function countRestart(restarts: number, bound: RetryBound): number {
  return bound === 'unbounded' ? restarts : restarts + 1;
}
