/**
 * Verdicts and exit codes, for a scenario against its `expect:` and for a driver's properties
 * over a battery (docs/driver-protocol.md, "Verdicts and exit codes"). The rule: a violation
 * found is real however the search ended, but the absence of one is shown only by a complete
 * search. What a search cut short (or a sampling run) did not find is `inconclusive`, never a pass.
 */
import { pileUpText } from '../explorer/search/pile-up.ts';
import type { SearchLimit, SearchStats } from '../explorer/search-types.ts';

/**
 * A scenario's outcome against its `expect:`: `ok` as expected, `mismatch` something unexpected
 * found or something expected shown absent, `inconclusive` the search was cut short (or sampled)
 * before it could tell, `skipped` not checked.
 *
 * @example
 * ```ts
 * import { type ScenarioVerdict, judgeScenario } from 'mirrorlab';
 *
 * // As the HTML report colours it: only a mismatch is bad, an open question is not a pass.
 * function badge(verdict: ScenarioVerdict): 'ok' | 'open' | 'bad' {
 *   return verdict === 'ok' ? 'ok' : verdict === 'mismatch' ? 'bad' : 'open';
 * }
 * declare const findings: Parameters<typeof judgeScenario>[0];
 * badge(judgeScenario(findings).verdict);
 * ```
 */
export type ScenarioVerdict = 'ok' | 'mismatch' | 'inconclusive' | 'skipped';
/**
 * A property's verdict: `keeps` only after every run that fits the driver covered its whole
 * space, `BREAKS` when a run found it broken by the driver, else `inconclusive`.
 *
 * @example
 * ```ts
 * const v: PropertyVerdict = 'inconclusive';
 * ```
 */
export type PropertyVerdict = 'keeps' | 'BREAKS' | 'inconclusive';

/** 0 every outcome as expected, 1 a mismatch or a broken property, 2 bad input, 3 something inconclusive. */
export const EXIT = { ok: 0, mismatch: 1, badInput: 2, inconclusive: 3 } as const;

/**
 * The limits a search ran under, to say which one cut it short.
 *
 * @example
 * ```ts
 * import { checkScenario, type LimitsUsed } from 'mirrorlab';
 *
 * const outcome = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { maxStates: 1000 });
 * const limits: LimitsUsed = outcome.limits; // { maxStates: 1000, ... }
 * ```
 */
export interface LimitsUsed {
  maxStates?: number;
  maxDepth?: number;
  timeLimit?: number;
  maxMemoryMiB?: number;
}

/**
 * What a search covered, in words: `120 states, stopped at --max-states 100`, `400 schedules
 * sampled`.
 *
 * @example
 * ```ts
 * import { coverage, defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const { stats } = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 100 });
 * coverage(stats, { maxStates: 100 }); // e.g. '100 states, stopped at --max-states 100'
 * ```
 */
export function coverage(stats: SearchStats, limits: LimitsUsed = {}): string {
  if (stats.complete) return `${stats.states} states, every one explored`;
  const by = stats.stoppedBy ?? 'max-states';
  if (by === 'schedules') return `${stats.schedules} schedules sampled (${stats.states} states)`;
  const covered = stats.schedules > 0 ? `${stats.schedules} schedules sampled` : `${stats.states} states`;
  return `${covered}, stopped at ${limitText(by, limits)}`;
}

function limitText(by: SearchLimit, l: LimitsUsed): string {
  const value = (v: number | undefined) => (v === undefined ? '' : ` ${v}`);
  switch (by) {
    case 'max-states':
      return `--max-states${value(l.maxStates)}`;
    case 'max-depth':
      return `--max-depth${value(l.maxDepth)}`;
    case 'time':
      return `--time${value(l.timeLimit)}`;
    case 'memory':
      return `--max-memory${value(l.maxMemoryMiB)} (MiB)`;
    case 'heap':
      return "V8's heap limit";
    case 'first-violation':
      return 'the first violation';
    case 'schedules':
      return 'the last schedule';
    case 'interrupted':
      return 'an interrupt (SIGINT/SIGTERM)';
  }
}

/** How to get a conclusive answer after this limit. */
export function remedy(stats: SearchStats): string {
  if (stats.pileUp) return pileUpText(stats.pileUp);
  switch (stats.stoppedBy) {
    case 'schedules':
      return 'sampling never proves absence: use --strategy bfs, or set check.acceptSampling in the scenario';
    case 'max-depth':
      return 'raise --max-depth';
    case 'time':
      return 'raise --time';
    case 'interrupted':
      return 'let it run to the end';
    case 'memory':
      return 'raise --max-memory, or shrink the scenario';
    case 'heap':
      return 'raise the heap limit (NODE_OPTIONS=--max-old-space-size=<MiB>), or shrink the scenario';
    default:
      return 'raise --max-states';
  }
}

/**
 * The liveness pass of a run (`livelock`, src/explorer/liveness/): how far its graph got. It is
 * bounded by `--max-states` like the search, and shares the check's `--time`, so it can be cut
 * short where the search was not (`stoppedBy` says when time or an interrupt did it).
 *
 * @example
 * ```ts
 * import type { LivenessCoverage } from 'mirrorlab';
 *
 * const coverage: LivenessCoverage = { states: 1200, complete: true };
 * ```
 */
export interface LivenessCoverage {
  states: number;
  complete: boolean;
  /**
   * `--time` ran out, or SIGINT/SIGTERM came, during the graph build or the pass over it; or the
   * memory budget was reached while building a graph apart from the search (`memory`).
   */
  stoppedBy?: 'time' | 'interrupted' | 'memory';
}

/**
 * Whether `livelock`'s absence is still open: the pass ran and its graph was cut short, or it
 * did not run (`null`: `--no-liveness`, a sampling strategy, a search stopped by time or memory)
 * where `livelock` is asked for. `undefined`: the caller judges no liveness at all.
 */
function livelockOpen(liveness: LivenessCoverage | null | undefined, askedFor: boolean): boolean {
  if (liveness === undefined) return false;
  return liveness === null ? askedFor : !liveness.complete;
}

/** Why `livelock` stays open, in words (see `livelockOpen`). */
export function livenessGap(liveness: LivenessCoverage | null, limits: LimitsUsed = {}): string {
  if (liveness === null)
    return 'no liveness pass ran (--no-liveness, a sampling strategy, or a search stopped by time or memory)';
  switch (liveness.stoppedBy) {
    case 'time':
      return `the liveness pass ran out of time (${limitText('time', limits)}) with its graph at ${liveness.states} states; raise --time`;
    case 'interrupted':
      return `the liveness pass was stopped by ${limitText('interrupted', limits)} with its graph at ${liveness.states} states; let it run to the end`;
    case 'memory':
      return `the liveness graph, built apart from the search, reached ${limitText('memory', limits)} or V8's heap limit at ${liveness.states} states; raise --max-memory (or the heap: NODE_OPTIONS=--max-old-space-size=<MiB>), or shrink the scenario`;
    default:
      return `the liveness graph stopped at ${liveness.states} states (${limitText('max-states', limits)}); raise --max-states`;
  }
}

/**
 * What a search found, as {@link judgeScenario} weighs it against the scenario's `expect:`: the
 * kinds expected and found, the search's stats and limits, and the liveness pass.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { defaultMonitors, exhaustiveSearch, judgeScenario, parseScenario, type ScenarioFindings, scenarioWorld } from 'mirrorlab';
 *
 * const loaded = parseScenario(readFileSync('scenarios/seeds/missing-set-seq.yaml', 'utf8'), 'missing-set-seq.yaml');
 * const { world } = await scenarioWorld(loaded);
 * const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
 * const findings: ScenarioFindings = {
 *   expected: loaded.scenario.expect.violations,
 *   expectedObservations: loaded.scenario.expect.observations,
 *   found: new Set(r.violations.map((v) => v.kind)),
 *   seen: new Set(),
 *   stats: r.stats,
 * };
 * judgeScenario(findings).verdict;
 * ```
 */
export interface ScenarioFindings {
  expected: readonly string[];
  expectedObservations: readonly string[];
  /** Kinds of the violations found. */
  found: ReadonlySet<string>;
  /** Kinds of the observations seen. */
  seen: ReadonlySet<string>;
  stats: SearchStats;
  limits?: LimitsUsed;
  /** The scenario accepts a clean sampling run as a pass (`check.acceptSampling`). */
  acceptSampling?: boolean;
  /** The liveness pass: null when none ran; absent when the caller judges no liveness. */
  liveness?: LivenessCoverage | null;
}

/**
 * The verdict of {@link judgeScenario}, and why it is not `ok`, in words.
 *
 * @example
 * ```ts
 * import type { ScenarioJudgement } from 'mirrorlab';
 *
 * const explain = (j: ScenarioJudgement) => (j.verdict === 'ok' ? 'as expected' : (j.mismatch ?? j.inconclusive));
 * ```
 */
export interface ScenarioJudgement {
  verdict: Exclude<ScenarioVerdict, 'skipped'>;
  /** Why the outcome differs from `expect:`, in words. */
  mismatch: string | null;
  /** What stayed unproven and where the search stopped, in words. */
  inconclusive: string | null;
}

/**
 * A scenario against its `expect:`. An unexpected violation is a mismatch wherever it was found;
 * every expected one found and nothing else is a match even if the search stopped early (found
 * violations are real); anything still missing, or a clean result, needs the whole space.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, judgeScenario, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const result = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
 * const judgement = judgeScenario({
 *   expected: ['stale-spte', 'use-after-free'],
 *   expectedObservations: [],
 *   found: new Set(result.violations.map((v) => v.kind)),
 *   seen: new Set(),
 *   stats: result.stats,
 * });
 * judgement.verdict; // 'ok': found what the scenario expects, and nothing else
 * ```
 */
export function judgeScenario(f: ScenarioFindings): ScenarioJudgement {
  const missing = f.expected.filter((k) => !f.found.has(k));
  const unexpected = [...f.found].filter((k) => !f.expected.includes(k));
  const missingObs = f.expectedObservations.filter((k) => !f.seen.has(k));
  const exhaustive = f.stats.complete || (f.acceptSampling === true && f.stats.stoppedBy === 'schedules');
  // `livelock` is shown absent only by a liveness pass over the whole graph, on top of the search.
  const liveOpen = !f.found.has('livelock') && livelockOpen(f.liveness, f.expected.includes('livelock'));
  const decided = missing.filter((k) => k !== 'livelock' || !liveOpen);
  const unproven =
    (f.expected.length === 0 ? !exhaustive : missing.length > 0 && !exhaustive) ||
    (liveOpen && (f.expected.length === 0 || missing.includes('livelock')));
  const problems = [
    unexpected.length ? `found but not expected: ${unexpected.join(', ')}` : '',
    exhaustive && decided.length ? `expected but not found: ${decided.join(', ')}` : '',
    exhaustive && missingObs.length ? `expected observation not seen: ${missingObs.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length) return { verdict: 'mismatch', mismatch: problems.join('; '), inconclusive: null };
  if (!unproven && missingObs.length === 0) return { verdict: 'ok', mismatch: null, inconclusive: null };
  const open = missing.length
    ? `expected but not found yet (${missing.join(', ')})`
    : missingObs.length
      ? `expected observation not seen yet (${missingObs.join(', ')})`
      : 'nothing violated';
  const why =
    !exhaustive || !liveOpen
      ? `${open} in ${coverage(f.stats, f.limits)}; ${remedy(f.stats)}`
      : `${missing.length ? open : 'livelock not ruled out'}: ${livenessGap(f.liveness ?? null, f.limits)}`;
  return { verdict: 'inconclusive', mismatch: null, inconclusive: why };
}

/** Why an `ok` from a search that did not cover the space is still a pass; null for a complete one. */
export function passNote(expected: readonly string[], stats: SearchStats, limits: LimitsUsed = {}): string | null {
  if (stats.complete) return null;
  return expected.length
    ? `every expected violation found (real, though the search stopped: ${coverage(stats, limits)})`
    : `nothing violated in ${coverage(stats, limits)}: enough for this scenario (check.acceptSampling)`;
}

/** The exit code of a run of scenarios: any mismatch 1, else anything inconclusive 3, else 0. */
export function scenariosExitCode(verdicts: readonly ScenarioVerdict[]): number {
  if (verdicts.includes('mismatch')) return EXIT.mismatch;
  if (verdicts.includes('inconclusive')) return EXIT.inconclusive;
  return EXIT.ok;
}

/** What the property summary needs of one scenario run with the driver under test. */
export interface DriverRun {
  scenario: string;
  skipped: string | null;
  /**
   * `charge` says who caused each violation (charge.ts). Only the driver's count as BREAKS; one
   * charged to the environment is reported apart. One without a charge counts as the driver's:
   * nothing is excused that was not charged elsewhere.
   */
  violations: readonly { kind: string; charge?: { to: 'driver' | 'environment' } }[];
  stats: SearchStats;
  /** The liveness pass (see `ScenarioFindings.liveness`). */
  liveness?: LivenessCoverage | null;
}

/**
 * One property's verdict over a driver battery (`checkDriver(...).properties`): keeps, BREAKS or
 * inconclusive, and the scenarios that decided it.
 *
 * @example
 * ```ts
 * const judged: PropertyJudgement = { property: 'stale-spte', verdict: 'keeps', scenarios: ['seq-retry'] };
 * ```
 */
export interface PropertyJudgement {
  property: string;
  verdict: PropertyVerdict;
  /** BREAKS: where it broke; inconclusive: the runs cut short; keeps: every run (all complete). */
  scenarios: string[];
  /** Where the scenario's environment, not the driver, violated it (present when there is any). */
  environment?: string[];
}

/** A violation that counts against the driver under test (its own, or not charged at all). */
export const chargedToDriver = (v: { charge?: { to: 'driver' | 'environment' } }): boolean =>
  v.charge?.to !== 'environment';

/**
 * Per property over the battery: BREAKS where any run found it broken by the driver (a found
 * violation is real; one the environment caused is not the driver's); keeps only when every run
 * that fits the driver covered its whole space (and one ran), for `livelock` with its liveness
 * pass complete too; inconclusive otherwise.
 */
export function judgeProperties(properties: readonly string[], runs: readonly DriverRun[]): PropertyJudgement[] {
  const ran = runs.filter((r) => !r.skipped);
  const cutShort = ran.filter((r) => !r.stats.complete).map((r) => r.scenario);
  // `livelock` also needs each run's liveness pass over its whole graph.
  const livenessCut = ran.filter((r) => !r.stats.complete || livelockOpen(r.liveness, true)).map((r) => r.scenario);
  const where = (property: string, driver: boolean) =>
    ran
      .filter((r) => r.violations.some((v) => v.kind === property && chargedToDriver(v) === driver))
      .map((r) => r.scenario);
  return properties.map((property) => {
    const env = where(property, false);
    const environment = env.length ? { environment: env } : {};
    const broken = where(property, true);
    if (broken.length) return { property, verdict: 'BREAKS', scenarios: broken, ...environment };
    const open = property === 'livelock' ? livenessCut : cutShort;
    if (ran.length === 0 || open.length) return { property, verdict: 'inconclusive', scenarios: open, ...environment };
    return { property, verdict: 'keeps', scenarios: ran.map((r) => r.scenario), ...environment };
  });
}

/** The exit code of a driver check: a property broken 1, else one inconclusive 3, else 0. */
export function propertiesExitCode(judged: readonly PropertyJudgement[]): number {
  if (judged.some((p) => p.verdict === 'BREAKS')) return EXIT.mismatch;
  if (judged.some((p) => p.verdict === 'inconclusive')) return EXIT.inconclusive;
  return EXIT.ok;
}
