/**
 * The critical reordering of a failing schedule (README, "Using it"): two steps whose order, once
 * reversed, turns the failing schedule into a passing one. It names the race in the schedule's
 * own terms: "step 2 (counter ← counter.read from w1) before step 5 (counter ← counter.write
 * from w0)".
 *
 * The failing schedule is first followed on to a final state, as far as it goes: the step that
 * would have saved it may come after the report (an early return's zap still on its way to the
 * device); the first step of a pair is always one of the schedule as reported. Pairs come in
 * four tiers (`tierOf`): the driver's read_retry in one thread against its set_seq in another
 * first, then two of the driver's own steps (the actors of a driver's slot: its fault path
 * against its callback, two acquisitions of its lock, its callback's return against its
 * device's zap), then pairs with one of them, then the rest (a walk against a munmap is a race
 * of the environment, which every correct driver survives). A reversal found in a tier, even
 * one that changed later steps (below), is preferred to any of a later tier. Within a tier,
 * for steps i < j (nearest pairs first, so
 * adjacent steps come first; among equally near pairs the latest first, the last moment the
 * failure could still be avoided), two reversals are tried: i postponed to just after j, and j
 * brought forward to just before i. The
 * reversed schedule is executed in "follow" mode (at each point the earliest listed step that
 * can run, runs), so steps that depend on a moved step move with it; when no listed step can
 * run any more, or all ran, it goes on towards a final state, each time running the actor that
 * waited longest (the reversal may change what later steps carry: a retry instead of a result).
 * A reversal counts when j really ran before i (each as itself, not a step of its type that took
 * its place), the violation kind was not reported, no kind was
 * reported that the failing schedule did not report, and the schedule was judged:
 *   - it reached a final state (no step enabled): a whole passing schedule; or
 *   - every step of the failing schedule ran and the failing schedule was not judged at a final
 *     state (deadlocks and other end-state properties are judged only there, so for them "not
 *     reported" before the end would only mean "not judged yet").
 * A reversal that passes with the very same steps, only reordered, names the cause; one that
 * passes because later steps changed (a walk that now retries) is kept only if no such pure
 * reversal of its tier turns up within a bounded number of further executions (a read_retry
 * moved after the set_seq is such a reversal: the fault now retries, which is the point).
 * Pairs of deliveries over one channel (same sender, same receiver: FIFO) of one thread of
 * control are skipped. The number of executions is bounded, so the search is deterministic.
 */
import type { Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld, SemanticStep } from '../../runtime/controlled-world.ts';
import { runSchedule } from './run-schedule.ts';
import { sameStep } from './same-step.ts';

export interface CriticalReordering {
  /** 0-based indices into the failing schedule; `first` ran before `second` there. */
  first: { index: number; step: SemanticStep };
  second: { index: number; step: SemanticStep };
  /** The passing schedule, as executed (to a final state when the reversal got there). */
  passing: SemanticStep[];
  /** "the race: step 12 (drv:gpu0 ← sub.retryResult) before step 13 (sub:gpu0 ← sub.setSeq)". */
  text: string;
}

export interface CriticalReorderingOptions {
  /** Fresh monitors for one execution. */
  monitors: () => Monitor[];
  /** Schedule executions the search may spend (default 2 000). */
  maxRuns?: number;
}

export function findCriticalReordering(
  world: ControlledWorld,
  trace: readonly SemanticStep[],
  kind: string,
  options: CriticalReorderingOptions,
): CriticalReordering | null {
  const failing = runSchedule(world, trace, options.monitors(), { mode: 'strict', kind });
  if (failing.reachedAt === null || !failing.complete) return null;
  const allowed = new Set(failing.kinds);
  allowed.delete(kind);
  // The failing schedule and what follows it to a final state: the step that would have saved
  // it may come after the report (an early return's zap still on its way to the device).
  const steps = failing.terminal
    ? failing.executed
    : runSchedule(world, failing.executed, options.monitors(), { mode: 'follow', kind, extend: EXTEND_FAILING })
        .executed;
  const n = steps.length;
  let runs = 0;
  const maxRuns = options.maxRuns ?? 2_000;
  const extend = Math.max(100, 4 * n);
  let lenient: CriticalReordering | null = null;
  let lenientAt = 0;
  let lenientTier = 0;
  for (const [i, j, tier] of candidatePairs(steps, failing.executed.length)) {
    // A reversal of a higher tier, even one that changed later steps, is closer to the cause
    // than any pair of a lower tier.
    if (lenient && tier > lenientTier) return lenient;
    for (const order of [postpone(n, i, j), bringForward(n, i, j)]) {
      if (runs++ >= maxRuns || (lenient && runs - lenientAt > PURE_SEARCH_RUNS)) return lenient;
      const listed = order.map((k) => steps[k]);
      const r = runSchedule(world, listed, options.monitors(), { mode: 'follow', kind, extend });
      if (r.violation || r.kinds.some((k) => !allowed.has(k))) continue;
      if (!r.terminal && !(r.complete && !failing.terminal)) continue;
      // `r.order` indexes `order` (-1 for steps taken towards the end); back to the failing indices.
      const ran = r.order.map((k) => (k < 0 ? -1 : order[k]));
      const at = { i: ran.indexOf(i), j: ran.indexOf(j) };
      if (at.i < 0 || at.j < 0 || at.j > at.i) continue;
      // The pair ran as itself: not another step of the same type in its place (follow mode
      // takes one when the listed step cannot run, as a changed payload needs).
      if (!sameStep(r.executed[at.i], steps[i]) || !sameStep(r.executed[at.j], steps[j])) continue;
      const found = {
        first: { index: i, step: steps[i] },
        second: { index: j, step: steps[j] },
        passing: r.executed,
        text: raceText(steps, i, j, failing.executed.length),
      };
      // Every step of the failing schedule ran, only in another order: the pair is the cause.
      if (r.complete) return found;
      if (!lenient) {
        lenient = found;
        lenientAt = runs;
        lenientTier = tier;
      }
    }
  }
  return lenient;
}

/**
 * After a reversal that passes only because later steps changed (a walk that now retries),
 * how many more executions may look for one that passes with the very same steps.
 */
const PURE_SEARCH_RUNS = 600;

/** Steps the failing schedule may be followed by, towards a final state. */
const EXTEND_FAILING = 40;

/** The pairs (i, j), i < j, to try, in order (see the header). */
function candidatePairs(steps: SemanticStep[], shown: number): [number, number, number][] {
  const n = steps.length;
  const pairs: [number, number, number][] = [];
  for (let j = 1; j < n; j++)
    for (let i = 0; i < Math.min(j, shown); i++)
      if (reorderable(steps[i], steps[j])) pairs.push([i, j, tierOf(steps[i], steps[j])]);
  // By tier, then nearest first, then latest first.
  pairs.sort((a, b) => a[2] - b[2] || a[1] - a[0] - (b[1] - b[0]) || b[0] - a[0]);
  return pairs;
}

/**
 * The driver's own steps: deliveries to or from the actors of a driver's slot (its driver,
 * device, lock and subscription: the kernel code a driver author writes or calls into, the
 * device's fault and completion paths included), as opposed to the mm, the notifier core,
 * the user threads and the fences around it.
 */
function drivers(s: SemanticStep): boolean {
  return SLOT.test(s.actor) || SLOT.test(s.from ?? '');
}
const SLOT = /^(drv|dev|lock|sub):/;
/** The driver itself: the code its author writes. */
const DRIVER = /^drv:/;

/** The thread of control a step belongs to, when its event names one. */
function tidOf(s: SemanticStep): string | undefined {
  const tid = (s.event as { tid?: unknown }).tid;
  return typeof tid === 'string' ? tid : undefined;
}

/**
 * Which pairs come first: 0, the driver's read_retry in one thread against its set_seq in
 * another (the check the whole interval-notifier protocol rests on, docs/protocol.md: a fault
 * path that checks before the callback's set_seq, and maps after its zap); 1, the driver's
 * other pairs (its fault path against its callback, two acquisitions of its lock, its
 * callback's return against its device's zap); 2, one of its own; 3, the rest (the
 * environment's races).
 *
 * Tier 0 is kept to that one pair on purpose. Two acquisitions of one lock also race in
 * every correct driver (the lock makes each critical section atomic and a correct driver is
 * right in either order), so a nearer lock-order reversal would hide a check made outside
 * the lock; and a read_begin against a set_seq is the protocol's normal order (a later
 * read_begin waits for the invalidation), whose reversal only moves a whole submission past
 * the munmap. Where no read_retry races a set_seq (a callback that never calls set_seq, a
 * fence wait under the lock) the lock order is the cause, and tier 1 names it.
 */
function tierOf(a: SemanticStep, b: SemanticStep): number {
  if (seqCheckRace(a, b)) return 0;
  const own = (drivers(a) ? 1 : 0) + (drivers(b) ? 1 : 0);
  return 3 - own;
}

/** A read_retry and a set_seq of the driver, on one subscription, from two of its threads. */
function seqCheckRace(a: SemanticStep, b: SemanticStep): boolean {
  if (a.kind !== 'deliver' || b.kind !== 'deliver' || a.actor !== b.actor) return false;
  if (!DRIVER.test(a.from ?? '') || !DRIVER.test(b.from ?? '')) return false;
  const types = new Set([a.event.type, b.event.type]);
  if (!types.has('sub.readRetry') || !types.has('sub.setSeq')) return false;
  const [ta, tb] = [tidOf(a), tidOf(b)];
  return ta !== undefined && tb !== undefined && ta !== tb;
}

/**
 * Two deliveries over one channel (same sender, same receiver) keep their order (FIFO) when
 * they belong to one thread of control; for two threads of one sender the runtime decides
 * (per-thread program order), and a reversal it cannot run is simply not counted.
 */
function reorderable(a: SemanticStep, b: SemanticStep): boolean {
  if (a.actor !== b.actor || a.kind !== 'deliver' || b.kind !== 'deliver' || a.from !== b.from) return true;
  return tidOf(a) !== undefined && tidOf(b) !== undefined && tidOf(a) !== tidOf(b);
}

/** Indices 0..n-1 with i moved to just after j. */
function postpone(n: number, i: number, j: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    if (k !== i) out.push(k);
    if (k === j) out.push(i);
  }
  return out;
}

/** Indices 0..n-1 with j moved to just before i. */
function bringForward(n: number, i: number, j: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    if (k === i) out.push(j);
    if (k !== j) out.push(k);
  }
  return out;
}

function raceText(steps: SemanticStep[], i: number, j: number, shown: number): string {
  const [a, b] = [steps[i], steps[j]];
  const sameActor = a.actor === b.actor;
  // One sender's two threads (two acquisitions of one lock by the driver): name the threads.
  const threads = sameActor && a.from === b.from && tidOf(a) !== tidOf(b);
  const text = (s: SemanticStep) => stepText(s, sameActor) + (threads && tidOf(s) ? ` in ${tidOf(s)}` : '');
  // A step past the counterexample as printed: the schedule's continuation.
  const later = j >= shown ? ', which came after the report' : '';
  return `the race: step ${i + 1} (${text(a)}) before step ${j + 1} (${text(b)}${later})`;
}

/** `actor ← event`, with the sender when two steps of one actor race, or the step's own kind. */
export function stepText(s: SemanticStep, withSender = false): string {
  const how = s.kind === 'deliver' ? (withSender && s.from ? ` from ${s.from}` : '') : ` (${s.kind})`;
  return `${s.actor} ← ${s.event.type}${how}`;
}
