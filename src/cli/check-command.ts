/**
 * `mirrorlab check <scenario|dir>...`: explore each scenario and compare with its `expect:`;
 * with `--driver`, which properties the driver keeps. Exit 0 when every outcome is as expected,
 * 1 when one is not (or the driver breaks a property), 2 for bad input, 3 when nothing is
 * wrong but something is inconclusive (verdict.ts).
 */
import { basename } from 'node:path';
import { shortestPerProperty } from '../check/battery.ts';
import {
  type CheckedViolation,
  type CheckOptions,
  type CheckOutcome,
  checkScenario,
  type Strategy,
} from '../check/check-scenario.ts';
import { writeTrace } from '../check/trace-file.ts';
import {
  coverage,
  judgeProperties,
  type PropertyJudgement,
  passNote,
  propertiesExitCode,
  remedy,
  type ScenarioVerdict,
  scenariosExitCode,
} from '../check/verdict.ts';
import { type CriticalReordering, findCriticalReordering } from '../explorer/critical-reordering.ts';
import type { FoundViolation } from '../explorer/search-types.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { renderLadder } from '../report/ladder.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { loadDriverModule } from '../scenario/compile.ts';
import { parseParamArgs } from '../scenario/expand.ts';
import { PROPERTY_KINDS } from '../scenario/schema.ts';
import { scenarioFiles } from './scenario-files.ts';

export interface CheckCommandOptions {
  strategy?: Strategy;
  maxDepth?: number;
  maxStates?: number;
  time?: number;
  /** MiB; `--max-memory`. */
  maxMemory?: number;
  seed?: number;
  schedules?: number;
  /** `--workers N`: sampling on N worker threads (check/sample-workers.ts). */
  workers?: number;
  por?: boolean;
  threads?: number;
  pctDepth?: number;
  saveTrace?: string;
  json?: boolean;
  driver?: string;
  ladder?: boolean;
  param?: string[];
  /** `--no-minimize` sets this false: keep random and pct counterexamples as found. */
  minimize?: boolean;
  /** `--check-monitors`: the monitor plan's checking mode (explorer/monitor-audit.ts). */
  checkMonitors?: boolean;
}

export async function checkCommand(args: string[], o: CheckCommandOptions, out: (s: string) => void): Promise<number> {
  const files = scenarioFiles(args);
  const driver = o.driver
    ? { machine: await loadDriverModule(o.driver, `--driver ${o.driver}`), name: o.driver }
    : undefined;
  const options: CheckOptions = {
    strategy: o.strategy,
    maxDepth: o.maxDepth,
    maxStates: o.maxStates,
    timeLimit: o.time,
    maxMemoryMiB: o.maxMemory,
    seed: o.seed,
    schedules: o.schedules,
    workers: o.workers,
    por: o.por,
    threads: o.threads,
    pctDepth: o.pctDepth,
    driver,
    params: parseParamArgs(o.param),
    minimize: o.minimize === false ? false : undefined,
    checkMonitors: o.checkMonitors,
  };
  const outcomes: CheckOutcome[] = [];
  for (const file of files) outcomes.push(await checkScenario(file, options));
  const saved = o.saveTrace ? saveTraces(outcomes, o) : new Map<string, string>();

  if (driver) {
    // For a user's driver the question is which properties it breaks, not the scenarios' expect:.
    const properties = judgeProperties(DRIVER_PROPERTIES, outcomes);
    const code = propertiesExitCode(properties);
    if (o.json) out(JSON.stringify(driverJson(outcomes, properties, driver.name, code, saved), null, 2));
    else out(driverReport(outcomes, properties, driver.name, code));
    return code;
  }
  const code = scenariosExitCode(outcomes.map((c) => c.verdict));
  if (o.json) {
    out(
      JSON.stringify(
        outcomes.map((c) => toJson(c, saved)),
        null,
        2,
      ),
    );
  } else {
    for (const c of outcomes) out(describeOutcome(c, saved, o.ladder ?? false));
    out(summaryTable(outcomes));
  }
  return code;
}

/** Every property a driver can break (the observations and scenario expectations are not driver properties). */
const DRIVER_PROPERTIES = PROPERTY_KINDS.filter((k) => !['stale-data', 'unbounded-retry', 'expectation'].includes(k));

/** `--driver --json`: the per-property summary, the exit code, and each scenario as plain `--json` gives it. */
function driverJson(
  outcomes: CheckOutcome[],
  properties: PropertyJudgement[],
  driver: string,
  exitCode: number,
  saved: Map<string, string>,
) {
  return { driver, exitCode, properties, scenarios: outcomes.map((c) => toJson(c, saved)) };
}

function toJson(c: CheckOutcome, saved: Map<string, string>) {
  return {
    scenario: c.scenario,
    file: c.file,
    ok: c.ok,
    verdict: c.verdict,
    expected: c.expected,
    mismatch: c.mismatch,
    inconclusive: c.inconclusive,
    skipped: c.skipped,
    violations: c.violations.map((v) => ({
      kind: v.kind,
      message: v.message,
      steps: v.steps,
      minimizedFrom: v.minimizedFrom ?? null,
      contextSwitches: v.contextSwitches,
      trace: v.trace,
      criticalReordering: reorderingJson(raceOf(c, v)),
      traceFile: saved.get(`${c.file}#${v.kind}`) ?? null,
      schedule: v.schedule ?? null,
      details: v.details ?? null,
    })),
    observations: c.observations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
    stats: { ...c.stats, strategy: c.strategy },
  };
}

/** The pair of steps whose reversal makes the counterexample pass, if there is one. */
function raceOf(c: CheckOutcome, v: CheckedViolation): CriticalReordering | null {
  return v.trace.length ? findCriticalReordering(c.world, v.trace, v.kind, { monitors: defaultMonitors }) : null;
}

function reorderingJson(r: CriticalReordering | null) {
  if (!r) return null;
  return {
    text: r.text,
    first: { step: r.first.index + 1, ...r.first.step },
    second: { step: r.second.index + 1, ...r.second.step },
    passing: r.passing,
  };
}

/** `after 12 steps` / `after 12 steps (minimized from 40; 5 context switches)`. */
function lengthText(v: CheckedViolation | FoundViolation): string {
  const m = v as Partial<CheckedViolation>;
  if (m.minimizedFrom === undefined) return `after ${v.steps} steps`;
  return `after ${v.steps} steps (minimized from ${m.minimizedFrom}; ${m.contextSwitches} context switches)`;
}

function saveTraces(outcomes: CheckOutcome[], o: CheckCommandOptions): Map<string, string> {
  const saved = new Map<string, string>();
  const all = outcomes.flatMap((c) => c.violations.filter((v) => v.trace.length).map((v) => ({ c, v })));
  for (const { c, v } of all) {
    const base = o.saveTrace!;
    const path =
      all.length === 1
        ? base
        : base.replace(/(\.json)?$/, `.${basename(c.file).replace(/\.ya?ml$/, '')}.${v.kind}.json`);
    writeTrace(path, {
      scenarioFile: c.file,
      driver: o.driver ?? null,
      strategy: c.strategy,
      seed: v.schedule?.seed ?? o.seed ?? null,
      violation: { kind: v.kind, message: v.message },
      steps: v.trace,
      witnesses: (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses,
    });
    saved.set(`${c.file}#${v.kind}`, path);
  }
  return saved;
}

/** Which sampled schedule found a violation, and the command that runs that schedule alone. */
function scheduleText(c: CheckOutcome, s: NonNullable<FoundViolation['schedule']>): string {
  const alone = `mirrorlab check ${c.file} --strategy ${c.strategy} --seed ${s.seed} --schedules 1`;
  // A uniform random schedule is the one `run --seed` takes (the same draws from the same seed).
  const run = c.strategy === 'random' ? ` or mirrorlab run ${c.file} --seed ${s.seed}` : '';
  return `found by schedule ${s.index} (seed ${s.seed}, ${s.config}); alone: ${alone}${run}`;
}

const HEADLINE: Record<ScenarioVerdict, string> = {
  ok: 'PASS',
  mismatch: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
  skipped: 'SKIPPED',
};

function describeOutcome(c: CheckOutcome, saved: Map<string, string>, ladder: boolean): string {
  const lines = [`${HEADLINE[c.verdict]}  ${c.scenario}  (${c.file})`];
  for (const why of [c.mismatch, c.inconclusive, c.skipped]) if (why) lines.push(`      ${why}`);
  const note = c.verdict === 'ok' ? passNote(c.expected, c.stats, c.limits) : null;
  if (note) lines.push(`      ${note}`);
  for (const v of [...c.violations, ...c.observations]) {
    const tag = v.severity === 'observation' ? 'observed' : 'violation';
    lines.push(`      ${tag} ${v.kind} ${lengthText(v)}: ${v.message}`);
    if (v.schedule) lines.push(`      ${scheduleText(c, v.schedule)}`);
    const file = saved.get(`${c.file}#${v.kind}`);
    if (file) lines.push(`      replay: mirrorlab replay ${file}`);
    if ((ladder || !c.ok) && v.trace.length) {
      lines.push(indent(renderLadder(c.world, v.trace), 6));
      const race = v.severity === 'observation' ? null : raceOf(c, v as CheckedViolation);
      if (race) lines.push(`      ${race.text}`);
    }
  }
  return lines.join('\n');
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}

export function summaryTable(outcomes: CheckOutcome[]): string {
  const rows = outcomes.map((c) => [
    c.verdict === 'mismatch' ? 'MISMATCH' : c.verdict,
    c.scenario,
    c.expected.join(',') || 'pass',
    c.violations.map((v) => v.kind).join(',') || 'none',
    String(c.stats.states),
    c.stats.complete ? 'yes' : `no (${c.stats.stoppedBy ?? 'skipped'})`,
    `${c.stats.elapsedMs}`,
  ]);
  const head = ['verdict', 'scenario', 'expected', 'found', 'states', 'complete', 'ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ');
  const passed = outcomes.filter((c) => c.verdict === 'ok').length;
  const open = outcomes.filter((c) => c.verdict === 'inconclusive').length;
  return [
    '',
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
    '',
    `${passed} of ${outcomes.length} scenarios match their expect:`,
    ...(open
      ? [
          `${open} inconclusive: nothing contradicts their expect:, but their search was cut short or sampled, which shows no absence (exit 3)`,
        ]
      : []),
  ].join('\n');
}

/** `a, b, c and 4 more`. */
function names(list: string[]): string {
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

/** The closing line of `--driver`, by exit code. */
const DRIVER_VERDICT: Record<number, string> = {
  0: 'Verdict: the driver keeps every property in every scenario it fits (exit 0).',
  1: 'Verdict: the driver BREAKS a property (exit 1).',
  3: 'Verdict: inconclusive: nothing broken, but some searches were cut short, so not every property is shown kept (exit 3).',
};

/** For `--driver`: which properties the user's driver keeps, breaks, or was not shown to keep. */
function driverReport(outcomes: CheckOutcome[], properties: PropertyJudgement[], driver: string, code: number): string {
  const ran = outcomes.filter((c) => !c.skipped);
  const lines = [`Driver ${driver} on ${ran.length} scenario(s):`, ''];
  for (const c of outcomes) if (c.skipped) lines.push(`  skipped ${c.scenario}: ${c.skipped}`);
  const cutShort = ran.filter((c) => !c.stats.complete);
  for (const c of cutShort) lines.push(`  cut short ${c.scenario}: ${coverage(c.stats, c.limits)}; ${remedy(c.stats)}`);
  if (ran.length < outcomes.length || cutShort.length) lines.push('');
  const width = Math.max(...properties.map((p) => p.verdict.length));
  for (const p of properties) {
    const where =
      p.verdict === 'BREAKS'
        ? `  (in ${p.scenarios.join(', ')})`
        : p.verdict === 'inconclusive'
          ? p.scenarios.length
            ? `  (not violated; cut short in ${names(p.scenarios)})`
            : '  (no scenario fits the driver)'
          : '';
    lines.push(`  ${p.verdict.padEnd(width)}  ${p.property}${where}`);
  }
  lines.push('', DRIVER_VERDICT[code]);
  const broken = shortestPerProperty(outcomes);
  for (const [k, { c, v }] of broken) {
    lines.push('', `${k} in ${c.scenario}: ${v.message}`);
    if (v.trace.length) lines.push(indent(renderLadder(c.world, v.trace), 2));
    const race = raceOf(c, v);
    if (race) lines.push(`  ${race.text}`);
  }
  return lines.join('\n');
}
