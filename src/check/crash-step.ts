/**
 * A machine that throws in a guard or an action (a user's driver module, typically) stops
 * the controlled runtime with a ModelError that says which actor crashed but not where in a
 * schedule. This turns it into a `model-error` violation with the shortest schedule that
 * reaches the throwing step, found by a breadth-first search that catches it, so the user
 * sees the step and can replay it instead of a stack trace.
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
    if (!(e instanceof ModelError)) throw e;
    const found = locateCrash(world);
    const violation: FoundViolation = found
      ? {
          kind: 'model-error',
          message: `${found.message}, at step ${found.trace.length}: ${describe(found.trace.at(-1)!)}`,
          steps: found.trace.length,
          trace: found.trace,
        }
      : { kind: 'model-error', message: `${e.message} (the step was not located)`, steps: 0, trace: [] };
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
        statesPerSecond: 0,
        maxDepthReached: found?.trace.length ?? 0,
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

/** The shortest schedule whose last step throws a ModelError, or null within the limit. */
export function locateCrash(
  world: ControlledWorld,
  limit = LOCATE_LIMIT,
): { trace: SemanticStep[]; message: string; states: number } | null {
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
        if (!(e instanceof ModelError)) throw e;
        return { trace: [...traceTo(i), semantic], message: e.message, states: nodes.length };
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
