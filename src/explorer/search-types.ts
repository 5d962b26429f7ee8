/** What every search strategy takes and returns. */
import type { Monitor, Violation } from '../monitors/monitor.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import type { ReductionMode } from './reduction/state-key.ts';
import type { SymmetryStats } from './reduction/symmetry.ts';
import type { MonitorAuditSummary } from './search/monitor-audit.ts';
import type { PileUp } from './search/pile-up.ts';
import type { SearchHost } from './search/search-host.ts';
import type { ShardSpec, ShardSplit } from './search/shard.ts';

/**
 * How many states a check explores when neither `--max-states` nor the scenario's
 * `check.maxStates` says. High enough that a driver module's own protocol at a few threads and
 * rounds gets its verdict (seq-retry 2×3 with examples/drivers/minimal-driver.ts: 3.7 M states,
 * 0.54 GB, 6.5 s); a bigger search meets the memory budget (`--max-memory`) or `--time` first
 * on most machines, each of which says how to go on. 2 M until 2026-12-07.
 */
export const DEFAULT_MAX_STATES = 20_000_000;

export interface SearchLimits {
  maxDepth?: number;
  /** Under `check`: DEFAULT_MAX_STATES unless given. */
  maxStates?: number;
  /** Seconds. */
  timeLimit?: number;
  /** Stop with a partial result once the process uses this many MiB (memory-budget.ts has the default). */
  maxMemoryMiB?: number;
  /** For sampling strategies: how many schedules. */
  schedules?: number;
  seed?: number;
  /** PCT's bug depth d (number of priority change points + 1); default: from the scenario. */
  pctDepth?: number;
  /** Sampling strategies: worker threads that share the schedules (the result is the same for any number). */
  workers?: number;
  /** Stop at the first violation instead of collecting one per kind. */
  stopOnFirst?: boolean;
  /**
   * Exhaustive strategies: the reduction (src/explorer/reduction/state-key.ts). 'canonical', the
   * default, identifies states equal up to how different senders' messages interleave in an
   * inbox (bisimilar: delivery is FIFO per channel); 'none' searches the exact states; 'sleep'
   * adds sleep sets (partial-order reduction, reduction/sleep-sets.ts) to the canonical key.
   */
  reduction?: ReductionMode;
  /** Exhaustive strategies: the old name of `reduction: 'sleep'` (sleep sets). */
  por?: boolean;
  /**
   * Exhaustive strategies: symmetry reduction over identical replicas (reduction/symmetry.ts), or
   * refused with the reason in `stats.symmetry`. Off by default.
   */
  symmetry?: boolean;
  /**
   * Exhaustive breadth-first search without sleep sets: 2 moves the visited set to a second thread
   * once the search passes 2 M states (visited-pipeline.ts); 1 (the default) stays on one.
   * Same states, transitions and counterexamples either way.
   */
  threads?: number;
  /**
   * Exhaustive strategies: the checking mode of the monitor plan (monitor-audit.ts): every
   * monitor at every step, compared with what the plan would have skipped. Slow; for tests.
   */
  checkMonitors?: boolean;
  /** With two threads: how many states before the second takes the visited set (tests lower it). */
  pipelineFrom?: number;
  /** Called now and then (a few times a second at most) with progress: states so far. */
  onProgress?: (states: number, elapsedMs: number, detail?: ProgressDetail) => void;
  /** One shard of a campaign split among n jobs (`--shard i/n`, shard.ts). */
  shard?: ShardSpec;
}

/**
 * What cut a search short: a limit (`--max-states`, `--max-depth`, `--time`, `--max-memory`),
 * V8's heap limit (memory-budget.ts), the end of a sampling run's schedules (sampling never
 * covers the whole space), `stopOnFirst`, or a signal.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type SearchLimit, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 100 });
 * const stoppedBy: SearchLimit | undefined = r.stats.stoppedBy; // 'max-states' unless the space is smaller
 * ```
 */
export type SearchLimit =
  | 'max-states'
  | 'max-depth'
  | 'time'
  | 'memory'
  | 'heap'
  | 'schedules'
  | 'first-violation'
  /** SIGINT or SIGTERM (explorer/search/interrupt.ts). */
  | 'interrupted';

/**
 * A violation with the schedule that reaches it (`trace`, replayable with {@link replayTrace}); for
 * a livelock, `loopFrom` marks where the lasso loops.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, renderLadder, worldFor, type FoundViolation } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const found: FoundViolation[] = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations;
 * console.log(renderLadder(world, found[0].trace, found[0].loopFrom));
 * ```
 */
export interface FoundViolation extends Violation {
  /** Number of steps in the counterexample. */
  steps: number;
  trace: SemanticStep[];
  /** A lasso (livelock): `trace[loopFrom ..]` is a loop back to the state after `trace[.. loopFrom)`. */
  loopFrom?: number;
  /**
   * For a sampling search: the schedule that found it (its index in the run, its own seed, and
   * its configuration in words); `--seed <seed> --schedules 1` runs that schedule again.
   */
  schedule?: { index: number; seed: number; config: string };
}

/**
 * What a search did: states and transitions explored, schedules sampled, time taken, and whether it
 * was complete (or which limit stopped it). A clean result proves something only when `complete` is
 * true.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type SearchStats, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const stats: SearchStats = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).stats;
 * console.log(`${stats.states} states in ${stats.elapsedMs} ms`, stats.complete ? 'complete' : stats.stoppedBy);
 * ```
 */
export interface SearchStats {
  states: number;
  transitions: number;
  schedules: number;
  elapsedMs: number;
  /** True when the whole reachable space was explored (a state left unexpanded at maxDepth makes it false). */
  complete: boolean;
  /** Why the search is not complete; absent when it is. */
  stoppedBy?: SearchLimit;
  statesPerSecond: number;
  maxDepthReached: number;
  /** Exhaustive strategies: the reduction the search ran with (`SearchLimits.reduction`). */
  reduction?: ReductionMode;
  /**
   * With the canonical reduction: returns (threads' replies, and a built-in driver's that
   * machines/drivers/movers.ts names) taken in the step that answered them
   * (explorer/reduction/returns.ts), deliveries that `transitions` does not count.
   */
  returnsTaken?: number;
  /** 2 when the visited set moved to a second thread (visited-pipeline.ts), else 1. */
  threads?: number;
  /** How many steps ran XState's transition (the rest came from the cache). */
  xstateSteps: number;
  visitedBytes?: number;
  omissionProbability?: number;
  /** Sampling with `--workers N`: the worker threads that ran the schedules. */
  workers?: number;
  /** Sampling with `--workers N`: each worker's own search time (its world building and start-up excluded). */
  workerElapsedMs?: number[];
  /** Sampling: schedules run per second. */
  schedulesPerSecond?: number;
  /** Sampling (pct, swarm): the scenario's shape the choosers used (strategies/choosers.ts). */
  sampleShape?: { steps: number; threads: number };
  /** Cut short while messages pile up unread, which makes the space endless (pile-up.ts). */
  pileUp?: PileUp;
  /** A sharded breadth-first search: its prefix and the part of the split level it kept (shard.ts). */
  shard?: ShardSplit;
  /** With `symmetry`: the group used (its order, the actors it moves), or why it was refused. */
  symmetry?: SymmetryStats;
  /** With `checkMonitors`: what the checking mode compared and found. */
  monitorChecks?: MonitorAuditSummary;
}

/**
 * What a search returns: the violations found (one per kind, the first found: the shortest under
 * breadth-first search) and its statistics.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor, type SearchResult } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const r: SearchResult = exhaustiveSearch(world, 'dfs', { monitors: defaultMonitors() });
 * console.log(r.strategy, r.stats.states, r.stats.complete, r.violations.length);
 * ```
 */
export interface SearchResult {
  /**
   * The strategy that ran: `bfs`, `dfs`, `random`, `pct`, `swarm`; with sleep sets `bfs+por` or
   * `dfs+por` (`stats.reduction` names the reduction of every exhaustive search).
   */
  strategy: string;
  violations: FoundViolation[];
  stats: SearchStats;
}

/**
 * How far a search has got, for a progress line.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type ProgressDetail, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * exhaustiveSearch(world, 'bfs', {
 *   monitors: defaultMonitors(),
 *   onProgress: (states: number, ms: number, detail?: ProgressDetail) =>
 *     console.log(`${states} states in ${ms} ms, depth ${detail?.depth}, frontier ${detail?.frontier}`),
 * });
 * ```
 */
export interface ProgressDetail {
  /** The deepest schedule so far. */
  depth: number;
  /** Exhaustive search: states waiting to be expanded. */
  frontier?: number;
  /** Sampling: schedules run so far, of how many. */
  schedules?: number;
  of?: number;
}

/**
 * Options of {@link exhaustiveSearch} and {@link samplingSearch}: the monitors, the limits (states,
 * depth, time, memory, schedules) and the search's own knobs.
 *
 * @example
 * ```ts
 * import { defaultMonitors, type SearchOptions } from 'mirrorlab';
 *
 * const options: SearchOptions = {
 *   monitors: defaultMonitors(),
 *   maxStates: 500_000,
 *   timeLimit: 60, // seconds
 *   onProgress: (states, ms) => console.log(`${states} states in ${ms} ms`),
 * };
 * ```
 */
export interface SearchOptions extends SearchLimits {
  monitors: Monitor[];
  /** The platform's memory watch and second thread (search-host.ts); default: the portable host. */
  host?: SearchHost;
  /**
   * Exhaustive search without sleep sets, a shard or symmetry: told of every state expanded, for
   * the liveness pass (liveness/graph-recorder.ts); ignored otherwise. Plumbing between the
   * search and `check`'s liveness pass, not an extension point.
   *
   * @internal
   */
  recorder?: ExpansionRecorder;
}

/**
 * Told by an exhaustive search of each state it expands: its vector and fingerprint, and its
 * children's fingerprints (`kidFp[2c]`, `kidFp[2c + 1]`) and local steps (`kidStep[c]`) for
 * c < `kids`, in step order. The arrays are the search's own, valid only during the call.
 *
 * @internal
 */
export interface ExpansionRecorder {
  /** Returns the number of the expansion's first edge (its children's edges follow in order). */
  expanded(vec: Int32Array, h1: number, h2: number, kidFp: Int32Array, kidStep: Int32Array, kids: number): number;
  /**
   * Edge `edge` leads to the `state`-th state expanded (breadth-first, where states are expanded
   * in the order they are first reached): its target needs no lookup later.
   */
  target(edge: number, state: number): void;
  /** Edge `edge` leads where the earlier edge `as` leads (a repeat of that child). */
  sameTarget(edge: number, as: number): void;
  /**
   * Said before the first expansion by a search that will tell every edge's target (`target`,
   * `sameTarget`): the recorder need keep no fingerprint per edge to look targets up.
   */
  everyTargetTold(): void;
  /**
   * Said before the first expansion by a search whose steps take returns at once
   * (reduction/returns.ts): `steps(vec, step)` lists the semantic steps of the edge taken by local
   * step `step` from the state with vector `vec`, for the graph's traces (`StateGraph.expand`).
   */
  stepsOfEdges?(steps: (vec: Int32Array, step: number) => SemanticStep[]): void;
}
