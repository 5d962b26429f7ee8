/**
 * Lockdep's lock-order edges across searches that each saw a share of the schedules (the
 * workers of `--workers N`, the shards of `--shard i/n`): a cycle may need edges that only
 * different shares showed, so the shares pass their edges on and the cycle is judged over their
 * union, as one search over every schedule would judge it (monitors/lockdep.ts).
 */
import type { FoundViolation } from '../explorer/search-types.ts';
import { LockdepMonitor, type LockOrderEdge, lockOrderVerdict } from '../monitors/lockdep.ts';
import type { Monitor } from '../monitors/monitor.ts';

export type { LockOrderEdge } from '../monitors/lockdep.ts';

/** The edges a search's lockdep monitor recorded (none if it ran without one). */
export function lockOrderShown(monitors: readonly Monitor[]): LockOrderEdge[] {
  const m = monitors.find((x): x is LockdepMonitor => x instanceof LockdepMonitor);
  return m ? m.shown() : [];
}

/** The edges of several shares, the first share's showing of each kept. */
export function unionLockOrder(shares: readonly (readonly LockOrderEdge[] | undefined)[]): LockOrderEdge[] {
  const seen = new Map<string, LockOrderEdge>();
  for (const share of shares)
    for (const e of share ?? []) {
      const key = `${e.from}→${e.to}`;
      if (!seen.has(key)) seen.set(key, e);
    }
  return [...seen.values()];
}

/**
 * The potential deadlock the union of the shares' edges shows when no share found one alone,
 * as a counterexample (the schedule of its last edge, the others as witnesses); else null.
 */
export function cycleAcrossShares(
  found: readonly { kind: string }[],
  edges: readonly LockOrderEdge[],
): FoundViolation | null {
  if (found.some((v) => v.kind === 'potential-deadlock')) return null;
  const v = lockOrderVerdict(edges);
  if (!v) return null;
  const trace = (v.details as { trace: FoundViolation['trace'] }).trace;
  return { severity: 'violation', ...v, steps: trace.length, trace };
}
