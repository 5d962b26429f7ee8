/**
 * `mirrorlab check <scenario|dir>...`: explore each scenario and compare with its `expect:`;
 * with `--driver`, which properties the driver keeps. Exit 0 when every outcome is as expected,
 * 1 when one is not (or the driver breaks a property), 2 for bad input, 3 when nothing is
 * wrong but something is inconclusive (verdict.ts). Under `--driver`, a violation the
 * scenario's environment caused (charge.ts) is an environment finding, reported apart: never
 * the driver's BREAKS, never exit 1 by itself.
 */
import { basename } from 'node:path';
import { DRIVER_PROPERTIES, shortestPerProperty } from '../check/battery.ts';
import type { CheckedViolation, CheckOptions, CheckOutcome, Strategy } from '../check/check-scenario.ts';
import { retryBoundWarning } from '../check/retry-bound-probe.ts';
import {
  chargedToDriver,
  coverage,
  judgeProperties,
  type LivenessCoverage,
  livenessGap,
  type PropertyJudgement,
  passNote,
  propertiesExitCode,
  remedy,
  type ScenarioVerdict,
  scenariosExitCode,
} from '../check/verdict.ts';
import { type CriticalReordering, findCriticalReordering } from '../explorer/counterexamples/critical-reordering.ts';
import type { ReductionMode } from '../explorer/reduction/state-key.ts';
import { interrupted } from '../explorer/search/interrupt.ts';
import type { ShardSpec } from '../explorer/search/shard.ts';
import type { FoundViolation, SearchStats } from '../explorer/search-types.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { planReportDir, writeSearchReport } from '../report/html/write-report.ts';
import { renderLadder, terminalWidth } from '../report/ladder.ts';
import { IMPORT_TIMEOUT_SECONDS } from '../scenario/deadline.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';
import { parseParamArgs } from '../scenario/expand.ts';
import { ScenarioError } from '../scenario/load.ts';
import { checkFiles, errorJson, errorText, type FileError, type SavedTraces, saveTraces } from './check-files.ts';
import { envelope } from './ci/json-envelope.ts';
import { checkJunit } from './ci/junit.ts';
import { checkSarif } from './ci/sarif.ts';
import { EXIT_CODE, worstExitCode } from './exit-codes.ts';
import { paramArgs, shellWord } from './replay-hints.ts';
import { planTraceFiles, prepareReportFile, writeFileAtomic } from './safe-write.ts';
import { campaignOf, checkShardOptions, reportShard } from './shard-check.ts';
import { stdoutPaint, verdictColour } from './terminal/colour.ts';
import { progressLine, searchProgressText } from './terminal/progress.ts';

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
  /** `--reduction KIND`; `--no-reduction` sets it false ('none'). */
  reduction?: ReductionMode | false;
  /** `--por`: the old name of `--reduction sleep`. */
  por?: boolean;
  /** `--symmetry`: symmetry reduction over replicas (explorer/reduction/symmetry.ts). */
  symmetry?: boolean;
  threads?: number;
  pctDepth?: number;
  saveTrace?: string;
  /** `--quiet`: no progress line on stderr. */
  quiet?: boolean;
  /** `--width N`: fit ladders to N columns (default: the terminal's width, unlimited in a pipe). */
  width?: number;
  /** `--report DIR`: the HTML report (src/report/html/). */
  report?: string;
  /** `--force`: let `--save-trace` replace existing files. */
  force?: boolean;
  json?: boolean;
  /** `--junit FILE`, `--sarif FILE`: CI reports (ci/junit.ts, ci/sarif.ts), written atomically. */
  junit?: string;
  sarif?: string;
  driver?: string;
  ladder?: boolean;
  param?: string[];
  /** `--allow-driver`: modules or folders outside a scenario's folder tree it may name. */
  allowDriver?: string[];
  /** `--no-minimize` sets this false: keep random and pct counterexamples as found. */
  minimize?: boolean;
  /** `--check-monitors`: the monitor plan's checking mode (explorer/search/monitor-audit.ts). */
  checkMonitors?: boolean;
  /** `--no-liveness` sets this false. */
  liveness?: boolean;
  fairness?: 'weak' | 'strong';
  /** `--shard i/n` (explorer/search/shard.ts) and where its part goes (`--shard-out`): shard-check.ts. */
  shard?: ShardSpec;
  shardOut?: string;
  /** `--shard-frontier K`: a bfs shard splits at the first level of at least K·n states. */
  shardFrontier?: number;
}

export async function checkCommand(args: string[], o: CheckCommandOptions, out: (s: string) => void): Promise<number> {
  checkShardOptions(o);
  // The output folder is checked (and created) before any search starts.
  const plan = o.saveTrace ? planTraceFiles(o.saveTrace, o.force ?? false) : null;
  if (o.report) planReportDir(o.report);
  for (const [option, file] of [
    ['--junit', o.junit],
    ['--sarif', o.sarif],
  ] as const)
    if (file) prepareReportFile(option, file, o.force ?? false);
  const driver = o.driver
    ? {
        machine: await loadDriverModule(
          o.driver,
          `--driver ${o.driver}`,
          Math.min(o.time ?? IMPORT_TIMEOUT_SECONDS, IMPORT_TIMEOUT_SECONDS),
        ),
        name: o.driver,
      }
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
    reduction: reductionOption(o),
    symmetry: o.symmetry,
    threads: o.threads,
    pctDepth: o.pctDepth,
    driver,
    params: parseParamArgs(o.param),
    allowDrivers: o.allowDriver,
    minimize: o.minimize === false ? false : undefined,
    checkMonitors: o.checkMonitors,
    liveness: o.liveness !== false,
    fairness: o.fairness,
    shard: o.shard && { ...o.shard, frontierPerShard: o.shardFrontier },
  };
  // The retry-bound probe runs first, while the heap is empty (the battery may fill it).
  const warning = driver ? await retryBoundWarning(driver) : null;
  // A progress line while searching, on a terminal only (terminal/progress.ts).
  const progress = progressLine(process.stderr, o.quiet);
  let label = '';
  options.onProgress = (states, ms, d) => progress.update(searchProgressText(label, states, ms, d));
  const { entries, outcomes, errors, skipped } = await checkFiles(args, options, (file) => {
    label = basename(file).replace(/\.ya?ml$/, '');
    progress.update(`${label}: starting`);
  }).finally(() => progress.done());
  const saved: SavedTraces = plan
    ? saveTraces(outcomes, plan, {
        driver: o.driver,
        seed: o.seed,
        options: recordedOptions(o),
        allowDrivers: o.allowDriver,
      })
    : new Map();
  if (o.shard) return reportShard(o.shard, campaignOf(o, options), outcomes, errors, o, out);
  const asked = o.liveness === false ? DRIVER_PROPERTIES.filter((k) => k !== 'livelock') : DRIVER_PROPERTIES;
  const force = { force: o.force ?? false };
  if (o.junit)
    writeFileAtomic(
      o.junit,
      checkJunit(outcomes, errors, driver ? asked : [...asked, 'expectation'], driver?.name ?? null),
      force,
    );
  if (o.sarif)
    writeFileAtomic(
      o.sarif,
      `${JSON.stringify(checkSarif(outcomes, errors, o.driver ?? null), null, 2)}
`,
      force,
    );
  // Interrupted (SIGINT/SIGTERM, cli/interruptible.ts): nothing is shown absent, so never exit 0.
  const errorCode = worstExitCode([
    errors.length ? EXIT_CODE.badInput : EXIT_CODE.ok,
    interrupted() ? EXIT_CODE.inconclusive : EXIT_CODE.ok,
  ]);
  const interruptNote = interrupted()
    ? `interrupted: the search in progress stopped with its partial result${skipped.length ? `; ${skipped.length} file(s) not checked: ${skipped.join(', ')}` : ''}`
    : null;
  if (o.report) process.stderr.write(`mirrorlab: wrote ${writeSearchReport(o.report, outcomes, errors)}\n`);

  if (driver) {
    // For a user's driver the question is which properties it breaks, not the scenarios' expect:.
    // With `--no-liveness` the driver is not asked about `livelock` at all.
    const properties = judgeProperties(asked, outcomes);
    const code = propertiesExitCode(properties);
    const exit = worstExitCode([code, errorCode]);
    if (o.json)
      out(
        JSON.stringify(
          envelope('check-driver', exit, driverTotals(outcomes, properties, errors), {
            ...driverJson(outcomes, properties, driver.name, exit, saved, warning),
            errors: errors.map(errorJson),
            ...(interruptNote ? { interrupted: { notChecked: skipped } } : {}),
          }),
          null,
          2,
        ),
      );
    else {
      if (warning) out(`${warning}\n`);
      for (const e of errors) out(`${errorText(e)}\n`);
      out(driverReport(outcomes, properties, driver.name, code, saved, o.width ?? terminalWidth()));
      if (errors.length) out(`${errors.length} file(s) could not be checked: bad input (exit 2)`);
      if (interruptNote) out(interruptNote);
    }
    return exit;
  }
  const code = worstExitCode([scenariosExitCode(outcomes.map((c) => c.verdict)), errorCode]);
  if (o.json) {
    out(
      JSON.stringify(
        envelope('check', code, scenarioTotals(outcomes, errors), {
          scenarios: entries.map((e) => ('outcome' in e ? toJson(e.outcome, saved) : errorJson(e.error))),
          ...(interruptNote ? { interrupted: { notChecked: skipped } } : {}),
        }),
        null,
        2,
      ),
    );
  } else {
    for (const e of entries)
      out(
        'outcome' in e
          ? describeOutcome(e.outcome, saved, o.ladder ?? false, rerunArgs(o, e.outcome), o.width ?? terminalWidth())
          : errorText(e.error),
      );
    out(summaryTable(outcomes, errors));
    if (interruptNote) out(interruptNote);
  }
  return code;
}

/** `check --json` totals: files by verdict, and the violations found. */
function scenarioTotals(outcomes: CheckOutcome[], errors: FileError[]): Record<string, number> {
  const by = (v: ScenarioVerdict) => outcomes.filter((c) => c.verdict === v).length;
  return {
    scenarios: outcomes.length + errors.length,
    ok: by('ok'),
    mismatch: by('mismatch'),
    inconclusive: by('inconclusive'),
    skipped: by('skipped'),
    errors: errors.length,
    violations: outcomes.reduce((n, c) => n + c.violations.length, 0),
  };
}

/** `check --driver --json` totals: properties by verdict, scenarios run, skipped and in error. */
function driverTotals(
  outcomes: CheckOutcome[],
  properties: PropertyJudgement[],
  errors: FileError[],
): Record<string, number> {
  const by = (v: string) => properties.filter((p) => p.verdict === v).length;
  return {
    properties: properties.length,
    keeps: by('keeps'),
    breaks: by('BREAKS'),
    inconclusive: by('inconclusive'),
    scenarios: outcomes.length + errors.length,
    skipped: outcomes.filter((c) => c.skipped).length,
    errors: errors.length,
  };
}

/**
 * `--driver --json`: the per-property summary, the exit code, the environment findings, and each
 * scenario as plain `--json` gives it (each violation with its charge).
 */
function driverJson(
  outcomes: CheckOutcome[],
  properties: PropertyJudgement[],
  driver: string,
  exitCode: number,
  saved: SavedTraces,
  warning: string | null,
) {
  const environment = environmentFindings(outcomes).map(({ c, v }) => ({
    scenario: c.scenario,
    kind: v.kind,
    reason: v.charge!.reason,
    participants: v.charge!.participants,
  }));
  return { driver, exitCode, properties, warning, environment, scenarios: outcomes.map((c) => toJson(c, saved)) };
}

/** The violations charged to the scenarios' environments, in file order. */
function environmentFindings(outcomes: CheckOutcome[]): { c: CheckOutcome; v: CheckedViolation }[] {
  return outcomes.flatMap((c) => c.violations.filter((v) => !chargedToDriver(v)).map((v) => ({ c, v })));
}

function toJson(c: CheckOutcome, saved: SavedTraces) {
  return {
    scenario: c.scenario,
    file: c.file,
    ok: c.ok,
    verdict: c.verdict,
    expected: c.expected,
    mismatch: c.mismatch,
    inconclusive: c.inconclusive,
    skipped: c.skipped,
    params: c.params,
    violations: c.violations.map((v) => ({
      kind: v.kind,
      ...(v.charge ? { charge: { to: v.charge.to, reason: v.charge.reason } } : {}),
      message: v.message,
      steps: v.steps,
      schedulingPoints: v.schedulingPoints ?? null,
      minimizedFrom: v.minimizedFrom ?? null,
      contextSwitches: v.contextSwitches,
      trace: v.trace,
      loopFrom: v.loopFrom ?? null,
      criticalReordering: reorderingJson(raceOf(c, v)),
      traceFile: saved.get(`${c.file}#${v.kind}`)?.path ?? null,
      replay: saved.get(`${c.file}#${v.kind}`)?.replay ?? null,
      schedule: v.schedule ?? null,
      details: v.details ?? null,
    })),
    observations: c.observations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
    stats: { ...c.stats, strategy: c.strategy },
    liveness: c.liveness,
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

/**
 * `after 12 steps` / `after 12 steps (9 scheduling points)` / `after 12 steps (minimized from 40;
 * 5 context switches)`.
 */
function lengthText(v: CheckedViolation | FoundViolation): string {
  const m = v as Partial<CheckedViolation>;
  const points = m.schedulingPoints !== undefined && m.schedulingPoints < v.steps ? m.schedulingPoints : null;
  if (m.minimizedFrom === undefined)
    return `after ${v.steps} steps${points !== null ? ` (${points} scheduling points)` : ''}`;
  return `after ${v.steps} steps (minimized from ${m.minimizedFrom}; ${m.contextSwitches} context switches)`;
}

/**
 * What a printed re-run command must repeat of this one: `check`'s and `run`'s extra arguments,
 * with the params of the one file it re-runs (those of `--param` that the file declares).
 */
export interface Rerun {
  check: string[];
  run: string[];
}

export function rerunArgs(o: CheckCommandOptions, options: Pick<CheckOptions, 'params'>): Rerun {
  const params = paramArgs(options.params);
  const allow = (o.allowDriver ?? []).map((a) => `--allow-driver ${shellWord(a)}`);
  return {
    check: [
      ...params,
      ...(o.pctDepth !== undefined ? [`--pct-depth ${o.pctDepth}`] : []),
      ...(o.maxDepth !== undefined ? [`--max-depth ${o.maxDepth}`] : []),
      ...(o.driver ? [`--driver ${shellWord(o.driver)}`] : []),
      ...allow,
    ],
    run: [...params, ...allow],
  };
}

/** `--reduction`, `--no-reduction` and `--por` as one reduction, or an error when they disagree. */
function reductionOption(o: CheckCommandOptions): ReductionMode | undefined {
  const given = o.reduction === false ? 'none' : o.reduction;
  if (o.por && given !== undefined && given !== 'sleep')
    throw new ScenarioError(
      `--por is --reduction sleep, and ${o.reduction === false ? '--no-reduction' : `--reduction ${given}`} asks for another: pass one of them`,
    );
  return o.por ? 'sleep' : given;
}

/** The options a trace records, as given on the command line. */
function recordedOptions(o: CheckCommandOptions): Record<string, unknown> {
  const keys = [
    'maxDepth',
    'maxStates',
    'time',
    'schedules',
    'pctDepth',
    'reduction',
    'por',
    'fairness',
    'liveness',
    'minimize',
  ];
  return Object.fromEntries(
    keys.flatMap((k) =>
      o[k as keyof CheckCommandOptions] === undefined ? [] : [[k, o[k as keyof CheckCommandOptions]]],
    ),
  );
}

/** Which sampled schedule found a violation, and the command that runs that schedule alone. */
export function scheduleText(
  c: { file: string; strategy: string },
  s: NonNullable<FoundViolation['schedule']>,
  rerun: Rerun,
): string {
  const file = shellWord(c.file);
  const alone = [
    `mirrorlab check ${file} --strategy ${c.strategy} --seed ${s.seed} --schedules 1`,
    ...rerun.check,
  ].join(' ');
  // A uniform random schedule is the one `run --seed` takes (the same draws from the same seed).
  const run =
    c.strategy === 'random' ? ` or ${[`mirrorlab run ${file} --seed ${s.seed}`, ...rerun.run].join(' ')}` : '';
  return `found by schedule ${s.index} (seed ${s.seed}, ${s.config}); alone: ${alone}${run}`;
}

const HEADLINE: Record<ScenarioVerdict, string> = {
  ok: 'PASS',
  mismatch: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
  skipped: 'SKIPPED',
};

function describeOutcome(c: CheckOutcome, saved: SavedTraces, ladder: boolean, rerun: Rerun, width?: number): string {
  const paint = stdoutPaint();
  const lines = [`${verdictColour(paint, HEADLINE[c.verdict])}  ${paint.bold(c.scenario)}  (${c.file})`];
  for (const why of [c.mismatch, c.inconclusive, c.skipped]) if (why) lines.push(`      ${why}`);
  const note = c.verdict === 'ok' ? passNote(c.expected, c.stats, c.limits) : null;
  if (note) lines.push(`      ${note}`);
  const sym = c.stats.symmetry;
  // --symmetry: say whether it was used, and if not why (a refusal is no error: the search was full).
  if (sym)
    lines.push(
      'refused' in sym
        ? `      symmetry refused: ${sym.refused}`
        : `      symmetry: a group of ${sym.group} permutations over ${sym.actors.join(', ')}`,
    );
  for (const v of [...c.violations, ...c.observations]) {
    const tag = v.severity === 'observation' ? 'observed' : 'violation';
    const coloured = v.severity === 'observation' ? tag : paint.red(tag);
    lines.push(`      ${coloured} ${v.kind} ${lengthText(v)}: ${v.message}`);
    if (v.schedule) lines.push(`      ${scheduleText(c, v.schedule, rerun)}`);
    const file = saved.get(`${c.file}#${v.kind}`);
    if (file) lines.push(`      replay: ${file.replay}`);
    if ((ladder || !c.ok) && v.trace.length) {
      lines.push(indent(renderLadder(c.world, v.trace, v.loopFrom, width && width - 6), 6));
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

/** What a row of the summary table shows (a check's outcome, or a merged one: merge-command.ts). */
export interface SummaryRow {
  verdict: ScenarioVerdict;
  scenario: string;
  expected: readonly string[];
  violations: readonly { kind: string }[];
  stats: SearchStats;
  /** The liveness pass, when one ran (its cut shows in the complete column too). */
  liveness?: LivenessCoverage | null;
}

/** The complete column: the search's, then the liveness pass's (cut by --max-states, --time or an interrupt). */
function completeCell(c: SummaryRow): string {
  if (!c.stats.complete) return `no (${c.stats.stoppedBy ?? 'skipped'})`;
  if (c.liveness && !c.liveness.complete) return `no (liveness: ${c.liveness.stoppedBy ?? 'max-states'})`;
  return 'yes';
}

export function summaryTable(outcomes: readonly SummaryRow[], errors: readonly { file: string }[] = []): string {
  const rows = outcomes.map((c) => [
    c.verdict === 'mismatch' ? 'MISMATCH' : c.verdict,
    c.scenario,
    c.expected.join(',') || 'pass',
    c.violations.map((v) => v.kind).join(',') || 'none',
    String(c.stats.states),
    completeCell(c),
    `${c.stats.elapsedMs}`,
  ]);
  for (const e of errors) rows.push(['ERROR', e.file, '-', '-', '-', '-', '-']);
  const head = ['verdict', 'scenario', 'expected', 'found', 'states', 'complete', 'ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ');
  const paint = stdoutPaint();
  const passed = outcomes.filter((c) => c.verdict === 'ok').length;
  const open = outcomes.filter((c) => c.verdict === 'inconclusive').length;
  const note = reductionNote(outcomes.map((c) => c.stats.reduction));
  return [
    '',
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => fmt(r).replace(r[0], verdictColour(paint, r[0]))),
    ...(note ? [note] : []),
    '',
    `${passed} of ${outcomes.length + errors.length} scenarios match their expect:`,
    ...(errors.length ? [`${errors.length} could not be checked: bad input, reported above (exit 2)`] : []),
    ...(open
      ? [
          `${open} inconclusive: nothing contradicts their expect:, but their search or liveness pass was cut short, or sampled, which shows no absence (exit 3)`,
        ]
      : []),
  ].join('\n');
}

/** What the states column counts, under the table, when a search identified states (state-key.ts). */
function reductionNote(reductions: readonly (ReductionMode | undefined)[]): string | null {
  const used = new Set(reductions.filter((r) => r === 'canonical' || r === 'sleep'));
  if (used.size === 0) return null;
  const how = [...used].sort().join(', ');
  return `states: states that differ only in how senders' messages interleave in an inbox count as one, and a reply to a thread, a built-in driver or, along an invalidation, a subscription or the notifier core, a read_retry under the driver lock, a walk call at a subscription, a fault call to a built-in driver only one thread faults into, and a map to an idle device, is taken in the step that sends it where no monitor can tell (--reduction ${how}); --no-reduction counts every state`;
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
function driverReport(
  outcomes: CheckOutcome[],
  properties: PropertyJudgement[],
  driver: string,
  code: number,
  saved: SavedTraces,
  columns?: number,
): string {
  const ran = outcomes.filter((c) => !c.skipped);
  const lines = [`Driver ${driver} on ${ran.length} scenario(s):`, ''];
  for (const c of outcomes) if (c.skipped) lines.push(`  skipped ${c.scenario}: ${c.skipped}`);
  const cutShort = ran.filter((c) => !c.stats.complete);
  for (const c of cutShort) lines.push(`  cut short ${c.scenario}: ${coverage(c.stats, c.limits)}; ${remedy(c.stats)}`);
  const livenessCut = properties.some((p) => p.property === 'livelock')
    ? ran.filter((c) => c.stats.complete && !c.liveness?.complete)
    : [];
  for (const c of livenessCut) lines.push(`  liveness cut short ${c.scenario}: ${livenessGap(c.liveness, c.limits)}`);
  if (ran.length < outcomes.length || cutShort.length || livenessCut.length) lines.push('');
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
  const environment = environmentFindings(outcomes);
  if (environment.length) {
    lines.push('', 'environment findings (not charged to the driver):');
    for (const { c, v } of environment) lines.push(`  ${v.kind} in ${c.scenario}: ${v.charge!.reason}`);
  }
  lines.push('', DRIVER_VERDICT[code]);
  const broken = shortestPerProperty(outcomes);
  for (const [k, { c, v }] of broken) {
    lines.push('', `${k} in ${c.scenario}: ${v.message}`);
    if (v.trace.length) lines.push(indent(renderLadder(c.world, v.trace, v.loopFrom, columns && columns - 2), 2));
    const race = raceOf(c, v);
    if (race) lines.push(`  ${race.text}`);
    const file = saved.get(`${c.file}#${v.kind}`);
    if (file) lines.push(`  replay: ${file.replay}`);
  }
  return lines.join('\n');
}
