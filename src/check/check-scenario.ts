/**
 * Check one scenario: explore it with a strategy, run every monitor, and compare what was
 * found with the scenario's `expect:`. A planted bug matches only when its violation is found;
 * a clean scenario matches only when nothing is.
 */
import type { AnyStateMachine } from 'xstate';
import { exhaustiveSearch } from '../explorer/exhaustive.ts';
import { searchWithLiveness } from '../explorer/liveness/check-liveness.ts';
import type { Fairness } from '../explorer/liveness/fair-cycles.ts';
import type { LivenessStats } from '../explorer/liveness/livelock-search.ts';
import { contextSwitches, minimizeTrace } from '../explorer/minimize.ts';
import { samplingSearch } from '../explorer/sampling.ts';
import type { FoundViolation, SearchLimits, SearchResult } from '../explorer/search-types.ts';
import { defaultMonitors } from '../monitors/index.ts';
import type { ControlledWorld } from '../runtime/controlled-world.ts';
import type { CompiledScenario } from '../scenario/compile.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { driverMisfit } from './driver-fit.ts';
import { worldFor } from './world-for.ts';

export type Strategy = 'bfs' | 'dfs' | 'random' | 'pct';

export interface CheckOptions extends SearchLimits {
  strategy?: Strategy;
  driver?: { machine: AnyStateMachine; name: string };
  params?: Record<string, ParamValue>;
  /** Shrink each counterexample (`explorer/minimize.ts`); default: for random and pct, whose traces are long. */
  minimize?: boolean;
  /** The liveness pass after an exhaustive search (default on; `--no-liveness`), and its fairness. */
  liveness?: boolean;
  fairness?: Fairness;
}

/** A counterexample as reported; `minimizedFrom` is the length the search found, when it was minimized. */
export interface CheckedViolation extends FoundViolation {
  minimizedFrom?: number;
  contextSwitches: number;
}

export interface CheckOutcome {
  file: string;
  scenario: string;
  ok: boolean;
  expected: string[];
  expectedObservations: string[];
  violations: CheckedViolation[];
  observations: FoundViolation[];
  /** Why `ok` is false, in words. */
  mismatch: string | null;
  /** With a driver override: why this scenario was not run (the driver does not fit its slot). */
  skipped: string | null;
  strategy: string;
  stats: SearchResult['stats'];
  /** The liveness pass (null when none ran: sampling, or `--no-liveness`). */
  liveness: LivenessStats | null;
  world: ControlledWorld;
  compiled: CompiledScenario;
}

export function search(world: ControlledWorld, strategy: Strategy, limits: SearchLimits): SearchResult {
  const monitors = defaultMonitors();
  if (strategy === 'bfs' || strategy === 'dfs') return exhaustiveSearch(world, strategy, { ...limits, monitors });
  return samplingSearch(world, strategy, { ...limits, monitors });
}

export async function checkScenario(file: string, options: CheckOptions = {}): Promise<CheckOutcome> {
  const { compiled, world } = await worldFor(file, options.driver, options.params);
  const misfit = options.driver ? driverMisfit(options.driver.machine, compiled) : null;
  if (misfit) return skippedOutcome(file, compiled, world, `the driver takes no ${misfit.join(', ')}`);
  const defaults = compiled.scenario.check;
  const strategy = options.strategy ?? defaults.strategy ?? 'bfs';
  const limits: SearchLimits = {
    ...options,
    maxDepth: options.maxDepth ?? defaults.maxDepth,
    maxStates: options.maxStates ?? defaults.maxStates ?? 2_000_000,
    schedules: options.schedules ?? defaults.schedules,
  };
  const loops = compiled.threads.some((t) => (t.input as { loop?: boolean }).loop === true);
  const result = searchWithLiveness(
    world,
    strategy,
    limits,
    { enabled: options.liveness !== false, fairness: options.fairness, loops },
    defaultMonitors,
    () => search(world, strategy, limits),
  );
  const minimize = options.minimize ?? (strategy === 'random' || strategy === 'pct');
  const violations = result.violations
    .filter((v) => v.severity !== 'observation')
    .map((v) => (minimize ? minimized(world, v) : { ...v, contextSwitches: contextSwitches(v.trace) }));
  const observations = result.violations.filter((v) => v.severity === 'observation');
  const expected = compiled.scenario.expect.violations;
  const expectedObservations = compiled.scenario.expect.observations;
  const found = new Set(violations.map((v) => v.kind));
  const seen = new Set(observations.map((v) => v.kind));
  const missing = expected.filter((k) => !found.has(k));
  const unexpected = [...found].filter((k) => !expected.includes(k as never));
  const missingObs = expectedObservations.filter((k) => !seen.has(k));
  const problems = [
    missing.length
      ? `expected but not found: ${missing.join(', ')}${result.stats.complete ? '' : ' (search incomplete)'}`
      : '',
    unexpected.length ? `found but not expected: ${unexpected.join(', ')}` : '',
    missingObs.length ? `expected observation not seen: ${missingObs.join(', ')}` : '',
  ].filter(Boolean);
  return {
    file,
    scenario: compiled.scenario.name ?? file,
    ok: problems.length === 0,
    expected,
    expectedObservations,
    violations,
    observations,
    mismatch: problems.length ? problems.join('; ') : null,
    skipped: null,
    strategy: loops ? result.strategy : strategy,
    stats: result.stats,
    liveness: result.liveness,
    world,
    compiled,
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

function skippedOutcome(file: string, compiled: CompiledScenario, world: ControlledWorld, why: string): CheckOutcome {
  return {
    file,
    scenario: compiled.scenario.name ?? file,
    ok: true,
    expected: compiled.scenario.expect.violations,
    expectedObservations: compiled.scenario.expect.observations,
    violations: [],
    observations: [],
    mismatch: null,
    skipped: why,
    strategy: 'none',
    liveness: null,
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
