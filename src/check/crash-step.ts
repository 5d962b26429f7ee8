/**
 * A machine that throws in a guard or an action (a user's driver module, typically) stops
 * the controlled runtime: with a ModelError naming the actor when XState caught it, or with
 * the machine's own error when it escaped the transition. Neither says where in a schedule.
 * This turns it into a `model-error` violation with the shortest schedule that reaches the
 * throwing step, found by a breadth-first search that catches it, so the user sees the step
 * and can replay it instead of a stack trace.
 */
import type { FoundViolation, SearchResult } from '../explorer/search-types.ts';
import type { ControlledWorld, SemanticStep, WorldState } from '../runtime/controlled-world.ts';
import { ModelError } from '../runtime/pure-step.ts';

/** Enough to find a throw near the start; a search that hit it later says where in its message. */
const LOCATE_LIMIT = 200_000;

export function searchCatchingCrash(world: ControlledWorld, run: () => SearchResult, strategy: string): SearchResult {
  const started = Date.now();
  try {
    return run();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const found = locateCrash(world);
    // The trace stops before the throwing step, so ladders and replays of it run.
    const violation: FoundViolation = found
      ? {
          kind: 'model-error',
          message: `${found.message}, at step ${found.trace.length + 1}: ${describe(found.step)} (the trace is the ${found.trace.length} steps before it)`,
          steps: found.trace.length,
          trace: found.trace,
        }
      : { kind: 'model-error', message: `${errorText(e)} (the step was not located)`, steps: 0, trace: [] };
    const elapsedMs = Date.now() - started;
    return {
      strategy,
      violations: [violation],
      stats: {
        states: found?.states ?? 0,
        transitions: 0,
        schedules: 0,
        elapsedMs,
        complete: false,
        // The search ended at the crash: nothing after it was explored.
        stoppedBy: 'first-violation',
        statesPerSecond: 0,
        maxDepthReached: found ? found.trace.length + 1 : 0,
        xstateSteps: 0,
      },
    };
  }
}

interface Node {
  state: WorldState;
  parent: number;
  step: SemanticStep | null;
}

/** The shortest schedule to a state where `step` throws, or null within the limit. */
export function locateCrash(
  world: ControlledWorld,
  limit = LOCATE_LIMIT,
): { trace: SemanticStep[]; step: SemanticStep; message: string; states: number } | null {
  const nodes: Node[] = [{ state: world.initial, parent: -1, step: null }];
  const seen = new Set<string>([world.initial.vec.join(',')]);
  const traceTo = (i: number): SemanticStep[] => {
    const out: SemanticStep[] = [];
    for (let n = i; n > 0; n = nodes[n].parent) out.push(nodes[n].step!);
    return out.reverse();
  };
  for (let i = 0; i < nodes.length && nodes.length < limit; i++) {
    const { state } = nodes[i];
    for (const step of world.enabled(state)) {
      const semantic = world.describe(state, step);
      let next: WorldState;
      try {
        next = world.apply(state, step).state;
      } catch (e) {
        if (!(e instanceof Error)) throw e;
        const message = e instanceof ModelError ? e.message : `${semantic.actor} threw ${errorText(e)}`;
        return { trace: traceTo(i), step: semantic, message, states: nodes.length };
      }
      const key = next.vec.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      nodes.push({ state: next, parent: i, step: semantic });
    }
  }
  return null;
}

function describe(step: SemanticStep): string {
  const from = step.from ? ` from ${step.from}` : '';
  return `${step.actor} ${step.kind === 'deliver' ? 'got' : step.kind} ${step.event.type}${from}`;
}

function errorText(e: Error): string {
  return e instanceof ModelError ? e.message : `${e.name}: ${e.message}`;
}
