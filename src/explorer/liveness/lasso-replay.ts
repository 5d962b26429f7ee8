/**
 * Replaying a lasso (a livelock's counterexample): run the prefix, then the loop once, and check
 * that the loop came back to where it started, with a request pending all along that its own
 * actor never answered. "Came back" is up to the renaming of sequence numbers the liveness graph
 * uses (shift-keys.ts): one turn of the loop moves the epochs on, and the turn after behaves the
 * same. For the same reason the loop's steps are matched with their sequence numbers ignored.
 */
import { pendingRequest } from '../../monitors/liveness.ts';
import type { ControlledWorld, SemanticStep, Step, WorldState } from '../../runtime/controlled-world.ts';
import { ShiftKeys, withoutSeqs } from './shift-keys.ts';

/** The enabled step that matches `wanted` when sequence numbers are ignored, or null. */
export function matchRenamed(world: ControlledWorld, state: WorldState, wanted: SemanticStep): Step | null {
  const want = withoutSeqs(wanted.event, []);
  for (const step of world.enabled(state)) {
    const d = world.describe(state, step);
    if (d.actor !== wanted.actor || d.kind !== wanted.kind) continue;
    if (wanted.from !== undefined && d.from !== wanted.from) continue;
    if (wanted.thread !== undefined && d.thread !== wanted.thread) continue;
    if (withoutSeqs(d.event, []) === want) return step;
  }
  return null;
}

export interface LassoReplay {
  /** Steps replayed before the end or the divergence. */
  replayed: number;
  divergence: null | { at: number; wanted: SemanticStep };
  /** The loop ended in the state it started from (up to renamed sequence numbers). */
  closed: boolean;
  /** Requests pending in every state of the loop whose actor took no step in it. */
  starved: string[];
}

export function replayLasso(world: ControlledWorld, trace: SemanticStep[], loopFrom: number): LassoReplay {
  let state = world.initial;
  const keys = new ShiftKeys(world);
  const start = new Int32Array(2);
  const end = new Int32Array(2);
  let starved: Map<string, number> | null = null;
  const moved = new Set<number>();
  for (let i = 0; i < trace.length; i++) {
    if (i === loopFrom) {
      keys.key(state.vec, start);
      starved = pendingIn(world, state);
    }
    const step = i < loopFrom ? world.match(state, trace[i]) : matchRenamed(world, state, trace[i]);
    if (!step) return { replayed: i, divergence: { at: i, wanted: trace[i] }, closed: false, starved: [] };
    if (i >= loopFrom) moved.add(step.actor);
    state = world.apply(state, step).state;
    if (starved && i >= loopFrom) {
      const now = pendingIn(world, state);
      for (const name of starved.keys()) if (!now.has(name)) starved.delete(name);
    }
  }
  keys.key(state.vec, end);
  const closed = loopFrom < trace.length && start[0] === end[0] && start[1] === end[1];
  const names = [...(starved ?? new Map<string, number>())].filter(([, owner]) => !moved.has(owner)).map(([n]) => n);
  return { replayed: trace.length, divergence: null, closed, starved: names };
}

/** Pending requests by name, with the actor that waits. */
function pendingIn(world: ControlledWorld, state: WorldState): Map<string, number> {
  const out = new Map<string, number>();
  world.actors.forEach((a, i) => {
    const name = pendingRequest(a.id, world.snapshot(state, i));
    if (name !== null) out.set(name, i);
  });
  return out;
}
