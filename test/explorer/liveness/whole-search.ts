/** The stats of a search that explored a liveness graph whole, for judging a liveness pass alone. */
import type { StateGraph } from '../../../src/explorer/liveness/state-graph.ts';
import type { SearchStats } from '../../../src/explorer/search-types.ts';

export function wholeSearchStats(g: StateGraph): SearchStats {
  return {
    states: g.count,
    transitions: g.edgeTo.length,
    schedules: 0,
    elapsedMs: 0,
    complete: true,
    statesPerSecond: 0,
    maxDepthReached: 0,
    xstateSteps: 0,
  };
}
