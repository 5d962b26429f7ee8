/**
 * The result file of one shard (`check --shard i/n --shard-out FILE`), the input of
 * `mirrorlab merge`: `{ format: 'mirrorlab.shard', version: 1, ... }`. It says which campaign
 * it is part of (every option that changes what a search finds, the scenario files' and driver
 * module's content hashes, the mirrorlab version), so the merge can refuse to mix campaigns,
 * and holds per scenario what a verdict needs: the `expect:`, the stats (with the shard's split,
 * explorer/search/shard.ts) and every counterexample as semantic steps from the initial state.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FileError } from '../cli/check-files.ts';
import { mirrorlabVersion } from '../cli/exit-codes.ts';
import type { ShardSpec } from '../explorer/search/shard.ts';
import type { SearchStats } from '../explorer/search-types.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { ScenarioError } from '../scenario/load.ts';
import type { CheckOutcome } from './check-scenario.ts';
import type { LimitsUsed } from './verdict.ts';

export const SHARD_FORMAT = 'mirrorlab.shard';

/** Every option that changes what a shard finds; shards of one campaign agree on all of them. */
export interface Campaign {
  strategy: string | null;
  seed: number | null;
  schedules: number | null;
  pctDepth: number | null;
  maxDepth: number | null;
  maxStates: number | null;
  timeLimit: number | null;
  maxMemoryMiB: number | null;
  /** The `--param`s given (each scenario's part records those it declares). */
  params: Record<string, ParamValue>;
  /** The `--driver` module as given, and a hash of its content. */
  driver: { path: string; sha256: string } | null;
  minimize: boolean | null;
  liveness: boolean;
  fairness: string | null;
  checkMonitors: boolean;
  /** `--shard-frontier`: level states per shard before an exhaustive search splits. */
  frontierPerShard: number;
  /** `--reduction` ('none' or 'canonical'): the key the split level is hashed on (reduction/state-key.ts). */
  reduction?: string;
}

const stepSchema = z
  .object({
    kind: z.enum(['deliver', 'timer', 'choose']),
    actor: z.string(),
    from: z.string().optional(),
    event: z.object({ type: z.string() }).passthrough(),
    label: z.string().optional(),
  })
  .passthrough();

const violationSchema = z.object({
  kind: z.string(),
  severity: z.string().optional(),
  message: z.string(),
  steps: z.number().int().nonnegative(),
  trace: z.array(stepSchema),
  loopFrom: z.number().int().nonnegative().nullable(),
  schedule: z.object({ index: z.number().int(), seed: z.number(), config: z.string() }).nullable(),
  minimizedFrom: z.number().nullable(),
  contextSwitches: z.number().nullable(),
  charge: z.object({ to: z.enum(['driver', 'environment']), reason: z.string() }).nullable(),
  details: z.unknown().optional(),
});

const statsSchema = z
  .object({
    states: z.number(),
    transitions: z.number(),
    schedules: z.number(),
    elapsedMs: z.number(),
    complete: z.boolean(),
    stoppedBy: z.string().optional(),
    maxDepthReached: z.number(),
  })
  .passthrough();

const scenarioSchema = z.object({
  file: z.string(),
  sha256: z.string(),
  scenario: z.string(),
  expected: z.array(z.string()),
  expectedObservations: z.array(z.string()),
  acceptSampling: z.boolean(),
  limits: z.object({
    maxStates: z.number().optional(),
    maxDepth: z.number().optional(),
    timeLimit: z.number().optional(),
    maxMemoryMiB: z.number().optional(),
  }),
  skipped: z.string().nullable(),
  strategy: z.string(),
  /** The params this file was checked with (of the campaign's, those it declares); older parts lack it. */
  params: z.record(z.string(), z.unknown()).optional(),
  /**
   * The scenario's `environment:` faults, so the merge can charge a lock-order cycle only the
   * shards' edges together show (charge.ts) under `--driver`; older parts lack it.
   */
  environment: z
    .array(z.object({ kinds: z.array(z.string()), actors: z.array(z.string()), why: z.string() }))
    .optional(),
  stats: statsSchema,
  liveness: z
    .object({
      states: z.number(),
      complete: z.boolean(),
      stoppedBy: z.enum(['time', 'interrupted', 'memory']).optional(),
    })
    .passthrough()
    .nullable(),
  violations: z.array(violationSchema),
  observations: z.array(violationSchema),
  /** Lockdep's order edges with the schedule that showed each: the merge judges cycles over all shards' (lock-order.ts). */
  lockOrder: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      tid: z.string(),
      witness: z.array(stepSchema),
      via: z.string().optional(),
      by: z.string().optional(),
    }),
  ),
});

const shardFileSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  version: z.literal(1),
  mirrorlab: z.string(),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }),
  campaign: z.object({
    strategy: z.string().nullable(),
    seed: z.number().nullable(),
    schedules: z.number().nullable(),
    pctDepth: z.number().nullable(),
    maxDepth: z.number().nullable(),
    maxStates: z.number().nullable(),
    timeLimit: z.number().nullable(),
    maxMemoryMiB: z.number().nullable(),
    params: z.record(z.string(), z.unknown()),
    driver: z.object({ path: z.string(), sha256: z.string() }).nullable(),
    minimize: z.boolean().nullable(),
    liveness: z.boolean(),
    fairness: z.string().nullable(),
    checkMonitors: z.boolean(),
    frontierPerShard: z.number().int().positive(),
    reduction: z.string().optional(),
  }),
  scenarios: z.array(scenarioSchema),
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
});

export type ShardFile = z.infer<typeof shardFileSchema>;
export type ShardScenario = ShardFile['scenarios'][number];
export type ShardViolation = ShardScenario['violations'][number];

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** One shard's outcomes as a result file. */
export function shardFile(
  shard: ShardSpec,
  campaign: Campaign,
  outcomes: readonly CheckOutcome[],
  errors: readonly FileError[],
): ShardFile {
  return {
    format: SHARD_FORMAT,
    version: 1,
    mirrorlab: mirrorlabVersion(),
    shard: { index: shard.index, count: shard.count },
    campaign: { ...campaign },
    scenarios: outcomes.map((c) => ({
      file: c.file,
      sha256: sha256Of(c.file),
      scenario: c.scenario,
      expected: c.expected,
      expectedObservations: c.expectedObservations,
      acceptSampling: c.compiled.scenario.check.acceptSampling === true,
      limits: definedOnly(c.limits),
      skipped: c.skipped,
      strategy: c.strategy,
      params: c.params,
      environment: c.compiled.scenario.environment ?? [],
      stats: { ...c.stats },
      liveness: c.liveness ? { ...c.liveness } : null,
      violations: c.violations.map(shardViolation),
      observations: c.observations.map(shardViolation),
      lockOrder: c.lockOrder.map((e) => ({ ...e, witness: e.witness as ShardViolation['trace'] })),
    })),
    errors: errors.map((e) => ({ file: e.file, message: e.message })),
  };
}

/** A counterexample as a part stores it. */
export function shardViolation(
  v: CheckOutcome['violations'][number] | CheckOutcome['observations'][number],
): ShardViolation {
  const m = v as Partial<CheckOutcome['violations'][number]>;
  return {
    kind: v.kind,
    severity: v.severity,
    message: v.message,
    steps: v.steps,
    trace: v.trace as ShardViolation['trace'],
    loopFrom: v.loopFrom ?? null,
    schedule: v.schedule ?? null,
    minimizedFrom: m.minimizedFrom ?? null,
    contextSwitches: m.contextSwitches ?? null,
    charge: m.charge ? { to: m.charge.to, reason: m.charge.reason } : null,
    ...(v.details !== undefined ? { details: v.details } : {}),
  };
}

function definedOnly(l: LimitsUsed): LimitsUsed {
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as LimitsUsed;
}

/** Reads and checks a shard result file; a bad one is an input error naming the file, the place and the fix. */
export function readShardFile(path: string): ShardFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`${path}: not a readable JSON shard result (${(e as Error).message})`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== SHARD_FORMAT)
    throw new ScenarioError(
      `${path}: at format: expected '${SHARD_FORMAT}' (got ${JSON.stringify(format ?? null)}): merge takes the files written by 'mirrorlab check --shard i/n --shard-out FILE'`,
    );
  const parsed = shardFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ScenarioError(
      `${path}: not a mirrorlab shard result: at ${i.path.join('.') || '(top level)'}: ${i.message}; write it again with 'mirrorlab check --shard i/n --shard-out FILE'`,
    );
  }
  const f = parsed.data;
  if (f.shard.index > f.shard.count)
    throw new ScenarioError(`${path}: at shard: index ${f.shard.index} is above the count ${f.shard.count}`);
  return f;
}

/** The semantic steps of a stored counterexample. */
export const traceOf = (v: ShardViolation): SemanticStep[] => v.trace as SemanticStep[];

/** Stats of a stored scenario, as the verdict functions take them. */
export const statsOf = (s: ShardScenario): SearchStats => s.stats as unknown as SearchStats;
