/**
 * `mirrorlab check <scenario|dir>...`: explore each scenario and compare with its `expect:`.
 * Exit 0 when every outcome matches, 1 when one does not, 2 for bad input.
 */
import { basename } from 'node:path';
import {
  type CheckedViolation,
  type CheckOptions,
  type CheckOutcome,
  checkScenario,
  type Strategy,
} from '../check/check-scenario.ts';
import { retryBoundWarning } from '../check/retry-bound-probe.ts';
import { writeTrace } from '../check/trace-file.ts';
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
  seed?: number;
  schedules?: number;
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
  /** `--no-liveness` sets this false. */
  liveness?: boolean;
  fairness?: 'weak' | 'strong';
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
    seed: o.seed,
    schedules: o.schedules,
    por: o.por,
    threads: o.threads,
    pctDepth: o.pctDepth,
    driver,
    params: parseParamArgs(o.param),
    minimize: o.minimize === false ? false : undefined,
    liveness: o.liveness !== false,
    fairness: o.fairness,
  };
  const outcomes: CheckOutcome[] = [];
  for (const file of files) outcomes.push(await checkScenario(file, options));
  const saved = o.saveTrace ? saveTraces(outcomes, o) : new Map<string, string>();

  if (o.json) {
    out(
      JSON.stringify(
        outcomes.map((c) => toJson(c, saved)),
        null,
        2,
      ),
    );
  } else if (driver) {
    const warning = await retryBoundWarning(driver);
    if (warning) out(`${warning}\n`);
    out(driverReport(outcomes, driver.name));
    // For a user's driver the question is which properties it breaks, not the scenarios' expect:.
    return outcomes.some((c) => c.violations.length > 0) ? 1 : 0;
  } else {
    for (const c of outcomes) out(describeOutcome(c, saved, o.ladder ?? false));
    out(summaryTable(outcomes));
  }
  return outcomes.every((c) => c.ok) ? 0 : 1;
}

function toJson(c: CheckOutcome, saved: Map<string, string>) {
  return {
    scenario: c.scenario,
    file: c.file,
    ok: c.ok,
    expected: c.expected,
    mismatch: c.mismatch,
    violations: c.violations.map((v) => ({
      kind: v.kind,
      message: v.message,
      steps: v.steps,
      minimizedFrom: v.minimizedFrom ?? null,
      contextSwitches: v.contextSwitches,
      trace: v.trace,
      loopFrom: v.loopFrom ?? null,
      criticalReordering: reorderingJson(raceOf(c, v)),
      traceFile: saved.get(`${c.file}#${v.kind}`) ?? null,
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
      seed: o.seed ?? null,
      violation: { kind: v.kind, message: v.message },
      steps: v.trace,
      loopFrom: v.loopFrom,
      witnesses: (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses,
    });
    saved.set(`${c.file}#${v.kind}`, path);
  }
  return saved;
}

function describeOutcome(c: CheckOutcome, saved: Map<string, string>, ladder: boolean): string {
  const lines = [`${c.ok ? 'PASS' : 'FAIL'}  ${c.scenario}  (${c.file})`];
  if (c.mismatch) lines.push(`      ${c.mismatch}`);
  for (const v of [...c.violations, ...c.observations]) {
    const tag = v.severity === 'observation' ? 'observed' : 'violation';
    lines.push(`      ${tag} ${v.kind} ${lengthText(v)}: ${v.message}`);
    const file = saved.get(`${c.file}#${v.kind}`);
    if (file) lines.push(`      replay: mirrorlab replay ${file}`);
    if ((ladder || !c.ok) && v.trace.length) {
      lines.push(indent(renderLadder(c.world, v.trace, v.loopFrom), 6));
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
    c.skipped ? 'skipped' : !c.ok ? 'MISMATCH' : c.stats.complete || c.violations.length ? 'ok' : 'ok, partial',
    c.scenario,
    c.expected.join(',') || 'pass',
    c.violations.map((v) => v.kind).join(',') || 'none',
    String(c.stats.states),
    c.stats.complete ? 'yes' : 'no',
    `${c.stats.elapsedMs}`,
  ]);
  const head = ['verdict', 'scenario', 'expected', 'found', 'states', 'complete', 'ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ');
  const passed = outcomes.filter((c) => c.ok).length;
  return [
    '',
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
    '',
    `${passed} of ${outcomes.length} scenarios match their expect:`,
    ...(outcomes.some((c) => c.ok && !c.skipped && !c.stats.complete && c.violations.length === 0)
      ? ["'ok, partial': nothing found, but the search stopped at a limit (raise --max-states or --time)"]
      : []),
  ].join('\n');
}

/** For `--driver`: which properties the user's driver keeps and which it breaks, per scenario. */
function driverReport(outcomes: CheckOutcome[], driver: string): string {
  const ran = outcomes.filter((c) => !c.skipped);
  const lines = [`Driver ${driver} on ${ran.length} scenario(s):`, ''];
  for (const c of outcomes) if (c.skipped) lines.push(`  skipped ${c.scenario}: ${c.skipped}`);
  if (ran.length < outcomes.length) lines.push('');
  const broken = new Map<string, { scenario: string; c: CheckOutcome; v: CheckOutcome['violations'][number] }>();
  for (const c of outcomes)
    for (const v of c.violations) if (!broken.has(v.kind)) broken.set(v.kind, { scenario: c.scenario, c, v });
  // Every property a driver can break (the observations and scenario expectations are not driver properties).
  const checked = PROPERTY_KINDS.filter((k) => !['stale-data', 'unbounded-retry', 'expectation'].includes(k));
  for (const k of checked)
    lines.push(
      `  ${broken.has(k) ? 'BREAKS' : 'keeps '}  ${k}${broken.has(k) ? `  (in ${broken.get(k)!.scenario})` : ''}`,
    );
  for (const [k, { c, v }] of broken) {
    lines.push('', `${k} in ${c.scenario}: ${v.message}`);
    if (v.trace.length) lines.push(indent(renderLadder(c.world, v.trace, v.loopFrom), 2));
    const race = raceOf(c, v);
    if (race) lines.push(`  ${race.text}`);
  }
  return lines.join('\n');
}
