/**
 * `mirrorlab merge FILE...`: the parts of a sharded campaign (`check --shard i/n --shard-out`)
 * → one verdict per scenario (check/shard-merge.ts), reported as `check` reports, with its exit
 * codes: 0 every outcome as expected (with `--driver`: every property kept), 1 one differs,
 * 2 bad input (a file that is no shard result, a mixed campaign, a shard missing or given twice),
 * 3 inconclusive.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DRIVER_PROPERTIES } from '../check/battery.ts';
import { type LoadedShard, type MergedCampaign, type MergedScenario, mergeShards } from '../check/shard-merge.ts';
import { readShardFile } from '../check/shard-result.ts';
import { judgeProperties, propertiesExitCode, scenariosExitCode } from '../check/verdict.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { ScenarioError } from '../scenario/load.ts';
import { type Rerun, rerunArgs, scheduleText, summaryTable } from './check-command.ts';
import { type SavedTraces, saveTraces, type TracedOutcome } from './check-files.ts';
import { envelope } from './ci/json-envelope.ts';
import { EXIT_CODE, worstExitCode } from './exit-codes.ts';
import { assertUnchanged, mergedLadders } from './merge-ladders.ts';
import { planTraceFiles } from './safe-write.ts';

export interface MergeCommandOptions {
  json?: boolean;
  saveTrace?: string;
  force?: boolean;
  /** Print the ladder of every counterexample, not only of mismatches. */
  ladder?: boolean;
  /** `--allow-driver`: driver modules outside the scenario's folder tree that its world may import. */
  allowDriver?: string[];
}

export async function mergeCommand(args: string[], o: MergeCommandOptions, out: (s: string) => void): Promise<number> {
  const plan = o.saveTrace ? planTraceFiles(o.saveTrace, o.force ?? false) : null;
  const shards: LoadedShard[] = shardPaths(args).map((path) => ({ path, data: readShardFile(path) }));
  const merged = mergeShards(shards);
  if (plan) for (const s of merged.scenarios) if (s.violations.length) assertUnchanged(s);
  const c = merged.campaign;
  const saved = plan
    ? saveTraces(merged.scenarios.map(traced), plan, {
        driver: c.driver?.path,
        seed: c.seed ?? undefined,
        options: recordedOptions(c),
        allowDrivers: o.allowDriver,
      })
    : null;
  const rerun = (s: MergedScenario): Rerun =>
    rerunArgs(
      {
        pctDepth: c.pctDepth ?? undefined,
        maxDepth: c.maxDepth ?? undefined,
        driver: c.driver?.path,
        allowDriver: o.allowDriver,
      },
      s,
    );
  const errorCode = merged.errors.length ? EXIT_CODE.badInput : EXIT_CODE.ok;
  const properties = merged.campaign.driver
    ? judgeProperties(
        merged.campaign.liveness ? DRIVER_PROPERTIES : DRIVER_PROPERTIES.filter((k) => k !== 'livelock'),
        merged.scenarios.map((s) => ({
          ...s,
          violations: s.violations.map((v) => ({ kind: v.kind, ...(v.charge ? { charge: v.charge } : {}) })),
        })),
      )
    : null;
  const code = worstExitCode([
    properties ? propertiesExitCode(properties) : scenariosExitCode(merged.scenarios.map((s) => s.verdict)),
    errorCode,
  ]);
  if (o.json) {
    out(JSON.stringify(mergeJson(merged, code, saved, properties), null, 2));
    return code;
  }
  for (const e of merged.errors) out(`ERROR  ${e.file}\n      ${e.message.split('\n').join('\n      ')}\n`);
  const ladders = await mergedLadders(
    merged,
    merged.scenarios.filter((s) => o.ladder || !s.ok),
    o.allowDriver,
  );
  for (const s of merged.scenarios) out(scenarioText(s, saved, ladders, rerun(s)));
  // With a driver under test the question is its properties, not the scenarios' expect:.
  if (!properties) out(summaryTable(merged.scenarios, merged.errors));
  out(shardsLine(merged));
  if (properties) {
    out(`\nDriver ${merged.campaign.driver!.path}:`);
    for (const p of properties)
      out(
        `  ${p.verdict.padEnd(12)}  ${p.property}${p.verdict === 'BREAKS' ? `  (in ${p.scenarios.join(', ')})` : ''}`,
      );
    out(`\nVerdict for the driver ${merged.campaign.driver!.path}: exit ${code}`);
  }
  return code;
}

/** The options a merged trace records, as `check` records its own (the campaign's). */
function recordedOptions(c: MergedCampaign['campaign']): Record<string, unknown> {
  const given = {
    maxDepth: c.maxDepth,
    maxStates: c.maxStates,
    time: c.timeLimit,
    schedules: c.schedules,
    pctDepth: c.pctDepth,
    fairness: c.fairness,
    liveness: c.liveness,
    minimize: c.minimize,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null));
}

/** The files given, with each folder's `*.json` files in name order. */
function shardPaths(args: string[]): string[] {
  return args.flatMap((a) => {
    let isDir: boolean;
    try {
      isDir = statSync(a).isDirectory();
    } catch {
      throw new ScenarioError(`${a}: no such shard result file or folder; give the files 'check --shard-out' wrote`);
    }
    if (!isDir) return [a];
    const files = readdirSync(a)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(a, f));
    if (!files.length) throw new ScenarioError(`${a}: the folder holds no .json shard result`);
    return files;
  });
}

function traced(s: MergedScenario): TracedOutcome {
  return {
    file: s.file,
    strategy: s.strategy,
    params: s.params,
    violations: s.violations.map((v) => ({
      kind: v.kind,
      message: v.message,
      trace: v.trace as SemanticStep[],
      ...(v.loopFrom !== null ? { loopFrom: v.loopFrom } : {}),
      details: v.details,
      ...(v.schedule ? { schedule: v.schedule } : {}),
    })),
  };
}

const HEADLINE = { ok: 'PASS', mismatch: 'FAIL', inconclusive: 'INCONCLUSIVE', skipped: 'SKIPPED' } as const;

function scenarioText(
  s: MergedScenario,
  saved: SavedTraces | null,
  ladders: Map<string, string>,
  rerun: Rerun,
): string {
  const lines = [`${HEADLINE[s.verdict]}  ${s.scenario}  (${s.file})`];
  for (const why of [s.mismatch, s.inconclusive, s.skipped]) if (why) lines.push(`      ${why}`);
  for (const v of [...s.violations, ...s.observations]) {
    const tag = v.severity === 'observation' ? 'observed' : 'violation';
    const by = v.shard > 0 ? `shard ${v.shard}` : "several shards' lock-order edges";
    lines.push(`      ${tag} ${v.kind} after ${v.steps} steps (${by}): ${v.message}`);
    if (v.schedule) lines.push(`      ${scheduleText(s, v.schedule, rerun)}`);
    const file = saved?.get(`${s.file}#${v.kind}`);
    if (file) lines.push(`      replay: ${file.replay}`);
    const ladder = ladders.get(`${s.file}#${v.kind}`);
    if (ladder) lines.push(ladder.replace(/^/gm, '      '));
  }
  return lines.join('\n');
}

/** Work over the shards: what each searched, the prefix they all searched, the slowest. */
function shardsLine(m: MergedCampaign): string {
  const sum = (f: (s: MergedScenario) => number) => m.scenarios.reduce((t, s) => t + f(s), 0);
  const states = sum((s) => s.stats.states);
  const prefix = sum((s) => s.repeatedPrefix);
  const slowest = Math.max(0, ...m.scenarios.flatMap((s) => s.parts.map((p) => p.elapsedMs)));
  return `merged ${m.count} shard(s): ${states} states searched in all${prefix ? ` (${prefix} of them the shared prefix again)` : ''}; the slowest shard's search of one scenario took ${slowest} ms`;
}

function mergeJson(
  m: MergedCampaign,
  exitCode: number,
  saved: SavedTraces | null,
  properties: ReturnType<typeof judgeProperties> | null,
) {
  const totals = {
    shards: m.count,
    scenarios: m.scenarios.length + m.errors.length,
    violations: m.scenarios.reduce((n, s) => n + s.violations.length, 0),
    errors: m.errors.length,
  };
  return envelope('merge', exitCode, totals, {
    mirrorlab: m.mirrorlab,
    shards: m.count,
    files: m.files,
    campaign: m.campaign,
    ...(properties ? { properties } : {}),
    scenarios: m.scenarios.map((s) => ({
      ...s,
      violations: s.violations.map((v) => ({ ...v, traceFile: saved?.get(`${s.file}#${v.kind}`)?.path ?? null })),
    })),
    errors: m.errors,
  });
}
