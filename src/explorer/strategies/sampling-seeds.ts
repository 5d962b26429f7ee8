/**
 * Per-schedule seeds. Schedule k of a sampling run with base seed `b` uses its own seed, a
 * function of (b, k) only, and everything random about the schedule (its configuration and
 * every choice) comes from that seed alone. So a schedule is the same whichever worker runs it
 * and whatever ran before it (`--workers N` gives the same result for every N), and schedule k
 * can be re-run on its own: schedule 0's seed is the base seed itself, so
 * `--seed <schedule seed> --schedules 1` runs exactly the schedule that found a violation.
 */
export function scheduleSeed(base: number, k: number): number {
  if (k === 0) return base >>> 0;
  // splitmix32-style finaliser of (base, k): unrelated seeds for neighbouring k.
  let h = (Math.imul(base >>> 0, 0x9e3779b1) + Math.imul(k, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x21f0aaad);
  h ^= h >>> 15;
  h = Math.imul(h, 0x735a2d97);
  h ^= h >>> 15;
  return h >>> 0 || 1;
}
