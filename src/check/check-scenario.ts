/**
 * Check one scenario: explore it with a strategy, run every monitor, and compare what was
 * found with the scenario's `expect:` (verdict.ts). A planted bug matches only when its
 * violation is found; a clean scenario matches only when a complete search finds nothing.
 */
import type { AnyStateMachine } from 'xstate';
import { contextSwitches, minimizeTrace } from '../explorer/counterexamples/minimize.ts';
import { schedulingPoints } from '../explorer/counterexamples/scheduling-points.ts';
import { type CheckedSearch, searchWithLiveness } from '../explorer/liveness/check-liveness.ts';
import type { Fairness } from '../explorer/liveness/fair-cycles.ts';
import type { LivenessStats } from '../explorer/liveness/livelock-search.ts';
import { exhaustiveSearch, samplingSearch } from '../explorer/node-search.ts';
import { ReturnFusion } from '../explorer/reduction/returns.ts';
import { defaultMaxMemoryMiB, MemoryBudget } from '../explorer/search/memory-budget.ts';
import {
  DEFAULT_MAX_STATES,
  type ExpansionRecorder,
  type FoundViolation,
  type SearchLimits,
  type SearchResult,
} from '../explorer/search-types.ts';
import { defaultMonitors } from '../monitors/index.ts';
import type { ControlledWorld } from '../runtime/controlled-world.ts';
import type { CompiledScenario } from '../scenario/compile.ts';
import { DEFAULT_TIME_SECONDS, Deadline } from '../scenario/deadline.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { ScenarioError } from '../scenario/load.ts';
import { type Charge, chargeViolation } from './charge.ts';
import { searchCatchingCrash } from './crash-step.ts';
import { driverMisfit } from './driver-fit.ts';
import { type LockOrderEdge, lockOrderShown } from './lock-order.ts';
import { sampleInWorkers } from './sample-workers.ts';
import { judgeScenario, type LimitsUsed, type ScenarioVerdict } from './verdict.ts';
import { worldFor } from './world-for.ts';

/**
 * How {@link checkScenario} explores: exhaustively (`bfs`, `dfs`) or by sampling schedules
 * (`random`, `pct`, `swarm`).
 *
 * @example
 * ```ts
 * import { checkScenario, type Strategy } from 'mirrorlab';
 *
 * const strategy: Strategy = 'pct';
 * await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { strategy, seed: 1 });
 * ```
 */
export type Strategy = 'bfs' | 'dfs' | 'random' | 'pct' | 'swarm';

/**
 * Options of {@link checkScenario}: the strategy and limits of the search, a driver to put in
 * every device slot, the scenario params, and the liveness pass.
 *
 * @example
 * ```ts
 * import { checkScenario, type CheckOptions } from 'mirrorlab';
 *
 * const options: CheckOptions = { strategy: 'dfs', maxStates: 50_000, params: { retries: 1 }, liveness: false };
 * const outcome = await checkScenario('scenarios/seeds/fault-vs-endless-remap.yaml', options);
 * ```
 */
export interface CheckOptions extends SearchLimits {
  strategy?: Strategy;
  driver?: { machine: AnyStateMachine; name: string };
  params?: Record<string, ParamValue>;
  /** `--allow-driver`: driver modules or folders outside the scenario's folder tree it may name. */
  allowDrivers?: readonly string[];
  /** Shrink each counterexample (`explorer/counterexamples/minimize.ts`); default: for random and pct, whose traces are long. */
  minimize?: boolean;
  /** The liveness pass after an exhaustive search (default on; `--no-liveness`), and its fairness. */
  liveness?: boolean;
  fairness?: Fairness;
}

/**
 * A counterexample as reported; `minimizedFrom` is the length the search found, when it was minimized.
 *
 * @example
 * ```ts
 * import { type CheckedViolation, checkScenario } from 'mirrorlab';
 *
 * const outcome = await checkScenario('scenarios/seeds/missing-set-seq.yaml');
 * const first: CheckedViolation = outcome.violations[0];
 * console.log(first.kind, `${first.trace.length} steps, ${first.contextSwitches} context switches`);
 * ```
 */
export interface CheckedViolation extends FoundViolation {
  minimizedFrom?: number;
  /**
   * An exhaustive search that took returns in the step that answered them: the counterexample's
   * scheduling points, its steps but those returns (the unit Spin's trail counts).
   */
  schedulingPoints?: number;
  contextSwitches: number;
  /** With a driver under test (`options.driver`): the driver's, or its scenario's environment's (charge.ts). */
  charge?: Charge;
}

/**
 * The result of {@link checkScenario}: the verdict against the scenario's `expect:`, the violations
 * and observations found (each with its counterexample), why it mismatched or is inconclusive, and
 * the search statistics.
 *
 * @example
 * ```ts
 * import { checkScenario, type CheckOutcome } from 'mirrorlab';
 *
 * const outcome: CheckOutcome = await checkScenario('scenarios/seeds/missing-set-seq.yaml');
 * if (!outcome.ok) console.log(outcome.mismatch ?? outcome.inconclusive);
 * outcome.violations.map((v) => v.kind); // ['stale-spte', 'use-after-free']
 * ```
 */
export interface CheckOutcome {
  file: string;
  scenario: string;
  /** True for the verdicts `ok` and `skipped`: an inconclusive outcome is not ok. */
  ok: boolean;
  verdict: ScenarioVerdict;
  expected: string[];
  expectedObservations: string[];
  violations: CheckedViolation[];
  observations: FoundViolation[];
  /** Why the outcome differs from `expect:`, in words. */
  mismatch: string | null;
  /** Why the verdict is `inconclusive`: what stayed unproven, what the search covered, the limit it hit. */
  inconclusive: string | null;
  /** The limits the search ran under (the scenario's `check:` defaults filled in). */
  limits: LimitsUsed;
  /** With a driver override: why this scenario was not run (the driver does not fit its slot). */
  skipped: string | null;
  strategy: string;
  /** The params given to this check (`options.params`): what a saved trace and a re-run command repeat. */
  params: Record<string, ParamValue>;
  stats: SearchResult['stats'];
  /** The lock-order edges the search's schedules showed, for a merge of shards (lock-order.ts). */
  lockOrder: LockOrderEdge[];
  /** The liveness pass (null when none ran: sampling, or `--no-liveness`). */
  liveness: LivenessStats | null;
  world: ControlledWorld;
  compiled: CompiledScenario;
}

/** A search with every default monitor, and the lock-order edges its schedules showed (lock-order.ts). */
export function search(
  world: ControlledWorld,
  strategy: Strategy,
  limits: SearchLimits,
  /** Exhaustive search: told of each state expanded (the liveness graph, check-liveness.ts). */
  recorder?: ExpansionRecorder,
): SearchResult & { lockOrder: LockOrderEdge[] } {
  const monitors = defaultMonitors();
  const result =
    strategy === 'bfs' || strategy === 'dfs'
      ? exhaustiveSearch(world, strategy, { ...limits, monitors, recorder })
      : samplingSearch(world, strategy, { ...limits, monitors });
  return { ...result, lockOrder: lockOrderShown(monitors) };
}

/**
 * Check one scenario file, as `mirrorlab check` does: search its interleavings (breadth-first
 * unless the scenario or the options say otherwise) with every monitor, minimize and charge the
 * counterexamples, run the liveness pass, and judge the outcome against `expect:`.
 *
 * @example
 * ```ts
 * import { checkScenario, createDriverMachine } from 'mirrorlab';
 *
 * const outcome = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { strategy: 'pct', schedules: 2000, seed: 1 });
 * outcome.verdict; // 'inconclusive': a sample that finds nothing proves nothing ('ok' needs bfs or dfs)
 * const withDriver = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', {
 *   driver: { machine: createDriverMachine('svm'), name: 'svm' },
 * });
 * ```
 */
export async function checkScenario(file: string, options: CheckOptions = {}): Promise<CheckOutcome> {
  // One budget for loading, set-up and the search (deadline.ts); DEFAULT_TIME_SECONDS when none is given.
  const deadline = Deadline.after(options.timeLimit ?? DEFAULT_TIME_SECONDS);
  const { compiled, world } = await worldFor(
    file,
    options.driver,
    options.params,
    { allowDrivers: options.allowDrivers },
    deadline,
  );
  const misfit = options.driver ? driverMisfit(options.driver.machine, compiled) : null;
  if (misfit)
    return skippedOutcome(file, compiled, world, `the driver takes no ${misfit.join(', ')}`, options.params ?? {});
  const defaults = compiled.scenario.check;
  const strategy = options.strategy ?? defaults.strategy ?? 'bfs';
  const limits: SearchLimits = {
    ...options,
    maxDepth: options.maxDepth ?? defaults.maxDepth,
    maxStates: options.maxStates ?? defaults.maxStates ?? DEFAULT_MAX_STATES,
    schedules: options.schedules ?? defaults.schedules,
    maxMemoryMiB: options.maxMemoryMiB ?? defaultMaxMemoryMiB(),
    timeLimit: deadline.remainingSeconds(),
  };
  const loops = compiled.threads.some((t) => (t.input as { loop?: boolean }).loop === true);
  const workers = limits.workers ?? 1;
  const sampled = strategy !== 'bfs' && strategy !== 'dfs';
  if (limits.shard && strategy === 'dfs')
    throw new ScenarioError(
      `${file}: --shard splits a breadth-first search or a sampling campaign, and this scenario's check.strategy is dfs: pass --strategy bfs`,
    );
  // A throwing driver ends either pass with a located model-error (crash-step.ts); the liveness
  // pass is then not run (nothing to say about livelock: it stays open).
  let lockOrder: LockOrderEdge[] = [];
  const result: CheckedSearch & { lockOrder?: LockOrderEdge[] } =
    workers > 1 && sampled && !limits.stopOnFirst
      ? {
          liveness: null,
          ...(await sampleInWorkers(
            { file, driver: options.driver?.name, params: options.params, allowDrivers: options.allowDrivers },
            strategy,
            limits,
            workers,
          )),
        }
      : {
          liveness: null,
          ...searchCatchingCrash(
            world,
            () =>
              searchWithLiveness(
                world,
                strategy,
                limits,
                // A shard holds part of the graph, so no livelock pass, except where the search
                // is the liveness graph itself (threads that loop forever: searched whole).
                {
                  enabled: options.liveness !== false && (!limits.shard || loops),
                  fairness: options.fairness,
                  loops,
                  memory: new MemoryBudget(limits.maxMemoryMiB),
                },
                defaultMonitors,
                (recorder) => {
                  const r = search(world, strategy, limits, recorder);
                  lockOrder = r.lockOrder;
                  return r;
                },
              ),
            strategy,
          ),
        };
  const minimize = options.minimize ?? sampled;
  const environment = compiled.scenario.environment;
  const violations = result.violations
    .filter((v) => v.severity !== 'observation')
    .map((v) => (minimize ? minimized(world, v) : { ...v, contextSwitches: contextSwitches(v.trace) }))
    // Under a driver override, each counterexample as reported is charged to the driver or to the environment.
    .map((v) => (options.driver ? { ...v, charge: chargeViolation(world, environment, v) } : v))
    .map(withSchedulingPoints(world, result.stats.returnsTaken !== undefined));
  const observations = result.violations.filter((v) => v.severity === 'observation');
  const expected = compiled.scenario.expect.violations;
  const expectedObservations = compiled.scenario.expect.observations;
  const used: LimitsUsed = {
    maxStates: limits.maxStates,
    maxDepth: limits.maxDepth,
    timeLimit: options.timeLimit ?? DEFAULT_TIME_SECONDS,
    maxMemoryMiB: limits.maxMemoryMiB,
  };
  const judged = judgeScenario({
    expected,
    expectedObservations,
    found: new Set(violations.map((v) => v.kind)),
    seen: new Set(observations.map((v) => v.kind)),
    stats: result.stats,
    limits: used,
    acceptSampling: defaults.acceptSampling,
    liveness: result.liveness,
  });
  return {
    file,
    scenario: compiled.scenario.name ?? file,
    ok: judged.verdict === 'ok',
    verdict: judged.verdict,
    expected,
    expectedObservations,
    violations,
    observations,
    mismatch: judged.mismatch,
    inconclusive: judged.inconclusive,
    limits: used,
    skipped: null,
    strategy: loops ? result.strategy : strategy,
    params: options.params ?? {},
    stats: result.stats,
    lockOrder: result.lockOrder ?? lockOrder,
    liveness: result.liveness,
    world,
    compiled,
  };
}

/** A counterexample with its scheduling points, when the search took returns at once (returns.ts). */
function withSchedulingPoints(world: ControlledWorld, tookReturns: boolean): (v: CheckedViolation) => CheckedViolation {
  let fusion: ReturnFusion | null | undefined; // made at the first counterexample: most checks have none
  return (v) => {
    if (!tookReturns || !v.trace.length) return v;
    fusion ??= ReturnFusion.for(world, defaultMonitors());
    return fusion ? { ...v, schedulingPoints: schedulingPoints(world, fusion, v.trace) } : v;
  };
}

/** The counterexample shrunk to the fewest steps, then switches; as found when it cannot be replayed alone. */
function minimized(world: ControlledWorld, v: FoundViolation): CheckedViolation {
  const m = v.trace.length ? minimizeTrace(world, v.trace, v.kind, { monitors: defaultMonitors }) : null;
  if (!m?.reproduced || !m.violation) return { ...v, contextSwitches: contextSwitches(v.trace) };
  const { message, details } = m.violation;
  return {
    ...v,
    message,
    details,
    trace: m.trace,
    steps: m.steps,
    minimizedFrom: v.steps,
    contextSwitches: m.contextSwitches,
  };
}

function skippedOutcome(
  file: string,
  compiled: CompiledScenario,
  world: ControlledWorld,
  why: string,
  params: Record<string, ParamValue>,
): CheckOutcome {
  return {
    file,
    scenario: compiled.scenario.name ?? file,
    ok: true,
    verdict: 'skipped',
    expected: compiled.scenario.expect.violations,
    expectedObservations: compiled.scenario.expect.observations,
    violations: [],
    observations: [],
    mismatch: null,
    inconclusive: null,
    limits: {},
    skipped: why,
    strategy: 'none',
    params,
    liveness: null,
    lockOrder: [],
    stats: {
      states: 0,
      transitions: 0,
      schedules: 0,
      elapsedMs: 0,
      complete: false,
      statesPerSecond: 0,
      maxDepthReached: 0,
      xstateSteps: 0,
    },
    world,
    compiled,
  };
}
