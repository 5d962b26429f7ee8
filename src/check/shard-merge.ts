/**
 * `mirrorlab merge`: the n shard results of one campaign (shard-result.ts) → one verdict per
 * scenario, judged as `check` judges (verdict.ts), with the same exit codes.
 *   - Violations: per kind the one a single run reports: sampling, the lowest schedule index
 *     (the found-by schedule of the unsharded campaign); exhaustive, the shortest
 *     counterexample (each shard's breadth-first search keeps its own shortest, explorer/search/shard.ts).
 *   - Complete only when every shard 1..n is there and complete: a shard's search covers its part.
 *   - Mixed campaigns are refused: another mirrorlab version, shard count, option, scenario or
 *     driver content, or a shard given twice or missing, each said with the files concerned.
 */

import type { ShardSplit } from '../explorer/search/shard.ts';
import type { SearchStats } from '../explorer/search-types.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { ScenarioError } from '../scenario/load.ts';
import type { EnvironmentFault } from '../scenario/schema.ts';
import { chargeLockOrderCycle } from './charge.ts';
import { cycleAcrossShares, type LockOrderEdge, unionLockOrder } from './lock-order.ts';
import { type ShardFile, type ShardScenario, type ShardViolation, shardViolation } from './shard-result.ts';
import { judgeScenario, type LimitsUsed, type LivenessCoverage, type ScenarioVerdict } from './verdict.ts';

export interface LoadedShard {
  path: string;
  data: ShardFile;
}

/** A counterexample of the merged result, with the shard that found it (0: a lock-order cycle of several shards' edges). */
export type MergedViolation = ShardViolation & { shard: number };

export interface ShardPart {
  index: number;
  states: number;
  transitions: number;
  schedules: number;
  elapsedMs: number;
  complete: boolean;
  stoppedBy: string | null;
  split: ShardSplit | null;
}

export interface MergedScenario {
  file: string;
  /** The scenario file's content hash when the shards ran. */
  sha256: string;
  scenario: string;
  verdict: ScenarioVerdict;
  ok: boolean;
  expected: string[];
  mismatch: string | null;
  inconclusive: string | null;
  skipped: string | null;
  strategy: string;
  /** The params the scenario was checked with: its part's, or (an older part) the campaign's. */
  params: Record<string, ParamValue>;
  limits: LimitsUsed;
  /** Summed over the shards (states counted by each shard that searched them); elapsedMs: the slowest shard. */
  stats: SearchStats;
  liveness: LivenessCoverage | null;
  violations: MergedViolation[];
  observations: MergedViolation[];
  /** Each shard's part, in shard order. */
  parts: ShardPart[];
  /**
   * Exhaustive: the states every shard searched alike (the breadth-first prefix, n−1 times too
   * many) and the rest: `stats.states − repeatedPrefix` is the work a single search would do,
   * plus the states reached from several shards' parts.
   */
  repeatedPrefix: number;
}

export interface MergedCampaign {
  count: number;
  mirrorlab: string;
  campaign: ShardFile['campaign'];
  scenarios: MergedScenario[];
  errors: ShardFile['errors'];
  files: string[];
}

export function mergeShards(shards: readonly LoadedShard[]): MergedCampaign {
  if (shards.length === 0) throw new ScenarioError('merge: give the shard result files (mirrorlab merge FILE...)');
  const ordered = checkOneCampaign(shards);
  const first = ordered[0].data;
  const scenarios = first.scenarios.map((_, k) =>
    mergeScenario(
      ordered.map((s) => s.data.scenarios[k]),
      first.campaign.params as Record<string, ParamValue>,
      first.campaign.driver !== null,
    ),
  );
  return {
    count: first.shard.count,
    mirrorlab: first.mirrorlab,
    campaign: first.campaign,
    scenarios,
    errors: first.errors,
    files: ordered.map((s) => s.path),
  };
}

/** The shards in index order, once each, all of one campaign; otherwise an error saying what differs. */
function checkOneCampaign(shards: readonly LoadedShard[]): LoadedShard[] {
  const [a] = shards;
  for (const b of shards.slice(1)) {
    const differ = (what: string, x: unknown, y: unknown) =>
      new ScenarioError(
        `merge: ${a.path} and ${b.path} are not shards of one campaign: ${what} differs (${JSON.stringify(x)} against ${JSON.stringify(y)}); run every shard with the same mirrorlab, options and files`,
      );
    if (a.data.mirrorlab !== b.data.mirrorlab)
      throw differ('the mirrorlab version', a.data.mirrorlab, b.data.mirrorlab);
    if (a.data.shard.count !== b.data.shard.count)
      throw differ('the shard count n of --shard i/n', a.data.shard.count, b.data.shard.count);
    for (const key of Object.keys(a.data.campaign) as (keyof ShardFile['campaign'])[]) {
      const x = a.data.campaign[key];
      const y = b.data.campaign[key];
      if (JSON.stringify(x) !== JSON.stringify(y))
        throw differ(key === 'driver' ? 'the --driver module or its content' : `the option ${key}`, x, y);
    }
    const files = (d: ShardFile) => d.scenarios.map((s) => s.file).concat(d.errors.map((e) => `${e.file} (error)`));
    if (JSON.stringify(files(a.data)) !== JSON.stringify(files(b.data)))
      throw differ('the scenario files checked', files(a.data), files(b.data));
    a.data.scenarios.forEach((s, k) => {
      const t = b.data.scenarios[k];
      if (s.sha256 !== t.sha256)
        throw differ(`the content of ${s.file} (sha256)`, s.sha256.slice(0, 12), t.sha256.slice(0, 12));
    });
  }
  const n = a.data.shard.count;
  const byIndex = new Map<number, LoadedShard>();
  for (const s of shards) {
    const twice = byIndex.get(s.data.shard.index);
    if (twice)
      throw new ScenarioError(
        `merge: shard ${s.data.shard.index}/${n} is given twice (${twice.path} and ${s.path}): give each shard's file once`,
      );
    byIndex.set(s.data.shard.index, s);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new ScenarioError(
      `merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} of this campaign ${missing.length > 1 ? 'are' : 'is'} missing (given: ${[
        ...byIndex.keys(),
      ]
        .sort((x, y) => x - y)
        .map((i) => `${i}/${n}`)
        .join(
          ', ',
        )}): run 'mirrorlab check ... --shard i/${n} --shard-out FILE' for ${missing.length > 1 ? 'them' : 'it'} and add the file`,
    );
  return [...byIndex.values()].sort((x, y) => x.data.shard.index - y.data.shard.index);
}

/** One scenario over every shard (given in shard order). */
function mergeScenario(
  parts: readonly ShardScenario[],
  given: Record<string, ParamValue>,
  /** The campaign ran `check --driver`: a cycle the shards show together is charged here. */
  underDriver: boolean,
): MergedScenario {
  const [s] = parts;
  const violations = pickPerKind(parts, (p) => p.violations);
  const across = cycleAcrossShares(violations, unionLockOrder(parts.map((p) => p.lockOrder as LockOrderEdge[])));
  if (across) {
    const v = shardViolation(across);
    // As a single run charges it (check-scenario.ts): from the cycle's edges and the scenario's
    // environment, which the world is not needed for. Uncharged, it would count as the driver's.
    const charge = underDriver ? chargeLockOrderCycle((s.environment ?? []) as EnvironmentFault[], v.details) : null;
    violations.push({ ...v, ...(charge ? { charge: { to: charge.to, reason: charge.reason } } : {}), shard: 0 });
  }
  const observations = pickPerKind(parts, (p) => p.observations);
  const sum = (f: (p: ShardScenario) => number) => parts.reduce((t, p) => t + f(p), 0);
  const complete = parts.every((p) => p.stats.complete);
  const cut = parts.find((p) => !p.stats.complete);
  const elapsedMs = Math.max(...parts.map((p) => p.stats.elapsedMs));
  const states = sum((p) => p.stats.states);
  const schedules = sum((p) => p.stats.schedules);
  const stats: SearchStats = {
    states,
    transitions: sum((p) => p.stats.transitions),
    schedules,
    elapsedMs,
    complete,
    ...(cut?.stats.stoppedBy ? { stoppedBy: cut.stats.stoppedBy as SearchStats['stoppedBy'] } : {}),
    statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
    maxDepthReached: Math.max(...parts.map((p) => p.stats.maxDepthReached)),
    // Every shard of a campaign ran the same reduction (the campaign records it).
    ...(s.stats.reduction !== undefined ? { reduction: s.stats.reduction as SearchStats['reduction'] } : {}),
    xstateSteps: sum((p) => Number(p.stats.xstateSteps ?? 0)),
    ...(schedules > 0 ? { schedulesPerSecond: Math.round(schedules / Math.max(elapsedMs / 1000, 1e-6)) } : {}),
  };
  const splits = parts.map((p) => (p.stats.shard as ShardSplit | undefined) ?? null);
  // The prefix is searched by every shard; a search that ended inside it was searched whole n times.
  const repeatedPrefix = splits.reduce((t, x) => t + (x ? x.prefixStates : 0), 0) - (splits[0]?.prefixStates ?? 0);
  const liveness = mergeLiveness(parts);
  const judged = s.skipped
    ? null
    : judgeScenario({
        expected: s.expected,
        expectedObservations: s.expectedObservations,
        found: new Set(violations.map((v) => v.kind)),
        seen: new Set(observations.map((v) => v.kind)),
        stats,
        limits: s.limits,
        acceptSampling: s.acceptSampling,
        liveness,
      });
  const verdict: ScenarioVerdict = judged?.verdict ?? 'skipped';
  return {
    file: s.file,
    sha256: s.sha256,
    scenario: s.scenario,
    verdict,
    ok: verdict === 'ok' || verdict === 'skipped',
    expected: s.expected,
    mismatch: judged?.mismatch ?? null,
    inconclusive: judged?.inconclusive ?? null,
    skipped: s.skipped,
    strategy: s.strategy,
    // Parts written before params were recorded per file applied the campaign's to every file.
    params: (s.params as Record<string, ParamValue> | undefined) ?? given,
    limits: s.limits,
    stats,
    liveness,
    violations,
    observations,
    parts: parts.map((p, i) => ({
      index: i + 1,
      states: p.stats.states,
      transitions: p.stats.transitions,
      schedules: p.stats.schedules,
      elapsedMs: p.stats.elapsedMs,
      complete: p.stats.complete,
      stoppedBy: p.stats.stoppedBy ?? null,
      split: splits[i],
    })),
    repeatedPrefix: Math.max(0, repeatedPrefix),
  };
}

/**
 * Per kind, what one run would report: the lowest schedule index when sampled, else the fewest
 * steps; ties go to the lower shard. In the order found (schedule index, else length).
 */
function pickPerKind(parts: readonly ShardScenario[], of: (p: ShardScenario) => ShardViolation[]): MergedViolation[] {
  const rank = (v: ShardViolation) => (v.schedule ? v.schedule.index : v.steps);
  const best = new Map<string, MergedViolation>();
  parts.forEach((p, i) => {
    for (const v of of(p)) {
      const had = best.get(v.kind);
      if (!had || rank(v) < rank(had)) best.set(v.kind, { ...v, shard: i + 1 });
    }
  });
  return [...best.values()].sort((x, y) => rank(x) - rank(y) || x.shard - y.shard);
}

/** A liveness pass ran only where a scenario was searched whole (threads that loop forever). */
function mergeLiveness(parts: readonly ShardScenario[]): LivenessCoverage | null {
  const ran = parts.map((p) => p.liveness);
  if (ran.some((l) => l === null)) return null;
  const all = ran as LivenessCoverage[];
  // Why a part's pass stopped short carries over: the merged words say what to raise.
  const stoppedBy = all.find((l) => l.stoppedBy)?.stoppedBy;
  return {
    states: Math.max(...all.map((l) => l.states)),
    complete: all.every((l) => l.complete),
    ...(stoppedBy ? { stoppedBy } : {}),
  };
}
