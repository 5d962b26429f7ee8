/**
 * src/explorer/liveness/: livelocks (a request pending forever on a fair cycle), found on the
 * explored graph with its edges after the safety search; this file is its entry.
 *
 * How a check gets its liveness verdict, kept apart from the safety search it follows:
 *   - a scenario whose threads end: the usual search, which records the liveness graph as it
 *     goes (graph-recorder.ts), then the liveness pass over it; where the search cannot record
 *     the whole graph (see there), the pass builds a graph of its own (bounded by `maxStates`,
 *     like the search);
 *   - a scenario with a thread that loops forever has no end under exact states (every epoch
 *     moves the sequence numbers on), so it is searched once, on the liveness graph, which
 *     identifies states up to a renaming of those numbers (shift-keys.ts), with the monitors
 *     watching every transition as in the usual search (breadth-first, shortest traces).
 * Sampling strategies (random, pct) get no liveness verdict: a cycle needs the graph.
 */
import type { Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld } from '../../runtime/controlled-world.ts';
import { ViolationLog } from '../counterexamples/violation-log.ts';
import { ReturnFusion } from '../reduction/returns.ts';
import { stateKeyOf } from '../reduction/state-key.ts';
import { worstPileUp } from '../search/pile-up.ts';
import type { MemoryWatch } from '../search/search-host.ts';
import { DEFAULT_MAX_STATES, type ExpansionRecorder, type SearchLimits, type SearchResult } from '../search-types.ts';
import type { Fairness } from './fair-cycles.ts';
import { graphRecorder } from './graph-recorder.ts';
import { type LivenessStats, livelocksIn } from './livelock-search.ts';
import { buildStateGraph } from './state-graph.ts';

export interface LivenessChoice {
  /** false: no liveness pass (`--no-liveness`). */
  enabled: boolean;
  fairness?: Fairness;
  /** Some thread loops forever (`loop: forever`). */
  loops: boolean;
  /**
   * The process's memory budget, which a graph built apart from the search (a recording that did
   * not serve, or a scenario that loops forever) keeps too; none: bounded by states and time only.
   */
  memory?: MemoryWatch;
}

export type CheckedSearch = SearchResult & { liveness: LivenessStats | null };

export function searchWithLiveness(
  world: ControlledWorld,
  strategy: string,
  limits: SearchLimits,
  choice: LivenessChoice,
  monitors: () => Monitor[],
  /** The safety search, telling `recorder` (when given) of every state it expands. */
  safety: (recorder?: ExpansionRecorder) => SearchResult,
): CheckedSearch {
  const exhaustive = strategy === 'bfs' || strategy === 'dfs';
  if (!exhaustive) return { ...safety(), liveness: null };
  // The graph builds and the pass over the graph answer to the search's time budget too.
  const stopAt = performance.now() + (limits.timeLimit ?? Number.POSITIVE_INFINITY) * 1000;
  if (!choice.loops) {
    // One pass: the search records the liveness graph as it goes (graph-recorder.ts), unless
    // no liveness pass is wanted; half the memory budget at most (the search's own arrays, which
    // take less than the recording, have the other half: seq-retry 3×2, 43 M states, needs ~3 GB
    // of recording and ~1.5 GB of search).
    const recorder = choice.enabled
      ? graphRecorder(world.actors.length, ((limits.maxMemoryMiB ?? 3072) * 2 ** 20) / 2)
      : undefined;
    const result = safety(recorder);
    // A search stopped by time or memory would only be stopped again by building the graph:
    // no liveness pass then, and `livelock` stays open (src/check/verdict.ts).
    const stopped = ['time', 'memory', 'heap', 'interrupted'].includes(result.stats.stoppedBy ?? '');
    if (!choice.enabled || stopped) return { ...result, liveness: null };
    const t0 = performance.now();
    // Not recorded whole (a reduction, a shard, a search cut short by its state or depth bound,
    // or stopped at its first violation; no time left): a graph of its own, as the pass did before.
    const g =
      recorder?.graph(result.stats, stopAt) ??
      buildStateGraph(
        world,
        limits.maxStates ?? DEFAULT_MAX_STATES,
        false,
        undefined,
        stopAt,
        result.stats,
        // The states the search identified (sleep sets prune steps, not states: canonical too).
        stateKeyOf(world, result.stats.reduction === 'none' ? 'none' : 'canonical'),
        choice.memory,
        // The search took returns at once: so does the graph (the same states).
        result.stats.returnsTaken !== undefined ? ReturnFusion.for(world, monitors()) : null,
      );
    const live = livelocksIn(world, g, { fairness: choice.fairness }, t0, stopAt);
    return { ...result, violations: [...result.violations, ...live.violations], liveness: live.stats };
  }
  const t0 = performance.now();
  const log = new ViolationLog(monitors(), { world });
  let observed = 0;
  const g = buildStateGraph(
    world,
    limits.maxStates ?? DEFAULT_MAX_STATES,
    true,
    {
      step: (record, before, after, trace) => {
        observed++;
        log.step(record, before, after, trace);
      },
      terminal: (state, trace) => log.terminal(state, trace),
    },
    stopAt,
    undefined,
    undefined,
    choice.memory,
  );
  log.finish();
  const elapsedMs = Math.round(performance.now() - t0);
  const live = choice.enabled ? livelocksIn(world, g, { fairness: choice.fairness }, performance.now(), stopAt) : null;
  let depth = 0;
  for (let s = g.count - 1; s > 0; s = g.parent[s]) depth++;
  // Cut short: the last states reached (breadth-first, so about `depth` deep) tell whether
  // messages pile up without end (pile-up.ts).
  let last = g.count;
  const pileUp = g.complete
    ? null
    : worstPileUp(world, new Int32Array(g.n), (vec) => {
        if (last === 0) return null;
        last--;
        vec.set(g.vecs.subarray(last * g.n, (last + 1) * g.n));
        return depth;
      });
  return {
    strategy: 'bfs, sequence numbers renamed',
    violations: [...log.found, ...(live?.violations ?? [])],
    stats: {
      states: g.count,
      transitions: g.edgeTo.length,
      schedules: 0,
      elapsedMs,
      complete: g.complete,
      ...(g.complete ? {} : { stoppedBy: g.stoppedBy ?? ('max-states' as const) }),
      statesPerSecond: Math.round(g.count / Math.max(elapsedMs / 1000, 1e-6)),
      maxDepthReached: depth,
      xstateSteps: world.xstateSteps,
      // No monitor plan here: every monitor runs at every step, so nothing is skipped to audit.
      ...(limits.checkMonitors ? { monitorChecks: { steps: observed, calls: 0, discrepancies: [] } } : {}),
      ...(pileUp ? { pileUp } : {}),
    },
    liveness: live?.stats ?? null,
  };
}
