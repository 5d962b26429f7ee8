/**
 * Whether chosen steps commute with the steps enabled beside them, checked over a whole state
 * graph (breadth-first, channel-canonical states) instead of argued: at every state, for each
 * step `mover` picks and each other enabled step `against` picks, the two orders must reach the
 * same state, each step must observe the same in either order, and neither may disable the other. That is what makes a step a left mover (Lipton
 * 1975; returns.ts), on this scenario. Used by `npm run bench:returns` to measure which kinds of
 * delivery qualify, and by the tests to check the ones the search takes
 * (machines/drivers/movers.ts). Bounded by states, not time.
 */
import type { ControlledWorld, Step, StepRecord, WorldState } from '../../runtime/controlled-world.ts';

/**
 * How a pair fails to commute: the mover is disabled by the other step, disables it, the orders
 * reach different states, or one of the two steps observes something else in the other order
 * (a monitor judging it would see a different step).
 */
export type NotCommuting = 'disabled by' | 'disables' | 'does not commute with' | 'changes what is observed of';

export interface CommutationAudit {
  /** Which enabled steps to check. */
  mover(s: WorldState, step: Step): boolean;
  /** Which other steps enabled beside a mover to check it against (default: all). */
  against?(s: WorldState, mover: Step, other: Step): boolean;
  /** Each pair checked, with how it fails (null: it commutes); return true to stop the audit. */
  pair(s: WorldState, mover: Step, other: Step, failure: NotCommuting | null): boolean | undefined;
  /** Stop exploring once this many states are known (default: the whole graph). */
  maxStates?: number;
}

const canonicalKey = (w: ControlledWorld, s: WorldState) => Array.from(s.vec, (v, i) => w.canonical(i, v)).join(',');

/** A step's identity across states: its actor and the message it delivers (or the option it takes). */
function identity(w: ControlledWorld, s: WorldState, step: Step): string {
  const d = w.describe(s, step);
  return `${step.kind} ${d.actor} ${d.from ?? ''} ${d.thread ?? ''} ${JSON.stringify(d.event)}`;
}

function find(w: ControlledWorld, s: WorldState, id: string): Step | null {
  return w.enabled(s).find((st) => identity(w, s, st) === id) ?? null;
}

/**
 * Visits the states of `world` breadth-first, each channel-canonical state once, with its enabled
 * steps, until `visit` returns true or `maxStates` states are known; returns how many are known.
 */
export function forEachState(
  world: ControlledWorld,
  visit: (s: WorldState, enabled: Step[]) => boolean | undefined,
  maxStates = Number.POSITIVE_INFINITY,
): number {
  const seen = new Set([canonicalKey(world, world.initial)]);
  let level = [world.initial];
  while (level.length && seen.size < maxStates) {
    const next: WorldState[] = [];
    for (const s of level) {
      const enabled = world.enabled(s);
      if (visit(s, enabled)) return seen.size;
      for (const b of enabled) {
        const t = world.apply(s, b).state;
        const k = canonicalKey(world, t);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(t);
        }
      }
    }
    level = next;
  }
  return seen.size;
}

const sameObservations = (a: StepRecord, b: StepRecord) =>
  JSON.stringify(a.observations) === JSON.stringify(b.observations);

/** Runs the audit over the graph of `world`; returns how many states it explored. */
export function auditCommutation(world: ControlledWorld, audit: CommutationAudit): number {
  return forEachState(
    world,
    (s, enabled) => {
      for (const e of enabled) {
        if (!audit.mover(s, e)) continue;
        const eId = identity(world, s, e);
        const { state: afterE, record: eFirst } = world.apply(s, e);
        for (const b of enabled) {
          if (b === e || (audit.against && !audit.against(s, e, b))) continue;
          const { state: afterB, record: bFirst } = world.apply(s, b);
          const e2 = find(world, afterB, eId);
          const b2 = find(world, afterE, identity(world, s, b));
          let failure: NotCommuting | null = !e2 ? 'disabled by' : !b2 ? 'disables' : null;
          if (e2 && b2) {
            const eSecond = world.apply(afterB, e2);
            const bSecond = world.apply(afterE, b2);
            if (canonicalKey(world, eSecond.state) !== canonicalKey(world, bSecond.state))
              failure = 'does not commute with';
            else if (!sameObservations(eFirst, eSecond.record) || !sameObservations(bFirst, bSecond.record))
              failure = 'changes what is observed of';
          }
          if (audit.pair(s, e, b, failure)) return true;
        }
      }
      return false;
    },
    audit.maxStates,
  );
}
