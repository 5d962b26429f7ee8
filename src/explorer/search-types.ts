/** What every search strategy takes and returns. */
import type { Monitor, Violation } from '../monitors/monitor.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';

export interface SearchLimits {
  maxDepth?: number;
  maxStates?: number;
  /** Seconds. */
  timeLimit?: number;
  /** For sampling strategies: how many schedules. */
  schedules?: number;
  seed?: number;
  /** PCT's bug depth d (number of priority change points + 1). */
  pctDepth?: number;
  /** Stop at the first violation instead of collecting one per kind. */
  stopOnFirst?: boolean;
  /** Exhaustive strategies: partial-order reduction (sleep sets, src/explorer/por.ts). */
  por?: boolean;
  /**
   * Exhaustive breadth-first search without POR: 2 moves the visited set to a second thread
   * once the search passes 2 M states (visited-pipeline.ts); 1 (the default) stays on one.
   * Same states, transitions and counterexamples either way.
   */
  threads?: number;
  /** With two threads: how many states before the second takes the visited set (tests lower it). */
  pipelineFrom?: number;
}

export interface FoundViolation extends Violation {
  /** Number of steps in the counterexample. */
  steps: number;
  trace: SemanticStep[];
  /** A lasso (livelock): `trace[loopFrom ..]` is a loop back to the state after `trace[.. loopFrom)`. */
  loopFrom?: number;
}

export interface SearchStats {
  states: number;
  transitions: number;
  schedules: number;
  elapsedMs: number;
  /** True when the whole reachable space (within maxDepth) was explored. */
  complete: boolean;
  statesPerSecond: number;
  maxDepthReached: number;
  /** 2 when the visited set moved to a second thread (visited-pipeline.ts), else 1. */
  threads?: number;
  /** How many steps ran XState's transition (the rest came from the cache). */
  xstateSteps: number;
  visitedBytes?: number;
  omissionProbability?: number;
}

export interface SearchResult {
  strategy: string;
  violations: FoundViolation[];
  stats: SearchStats;
}

export interface SearchOptions extends SearchLimits {
  monitors: Monitor[];
  /** Called now and then with progress (states so far). */
  onProgress?: (states: number, elapsedMs: number) => void;
}
