/**
 * `mirrorlab check <scenario|dir>...`: explore each scenario and compare with its `expect:`.
 * Exit 0 when every outcome matches, 1 when one does not, 2 for bad input.
 */
import { basename } from 'node:path';
import { type CheckOptions, type CheckOutcome, checkScenario, type Strategy } from '../check/check-scenario.ts';
import { writeTrace } from '../check/trace-file.ts';
import { renderLadder } from '../report/ladder.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { loadDriverModule } from '../scenario/compile.ts';
import { parseParamArgs } from '../scenario/expand.ts';
import { scenarioFiles } from './scenario-files.ts';

export interface CheckCommandOptions {
  strategy?: Strategy;
  maxDepth?: number;
  maxStates?: number;
  time?: number;
  seed?: number;
  schedules?: number;
  saveTrace?: string;
  json?: boolean;
  driver?: string;
  ladder?: boolean;
  param?: string[];
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
    driver,
    params: parseParamArgs(o.param),
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
      trace: v.trace,
      traceFile: saved.get(`${c.file}#${v.kind}`) ?? null,
      details: v.details ?? null,
    })),
    observations: c.observations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
    stats: { ...c.stats, strategy: c.strategy },
  };
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
    lines.push(`      ${tag} ${v.kind} after ${v.steps} steps: ${v.message}`);
    const file = saved.get(`${c.file}#${v.kind}`);
    if (file) lines.push(`      replay: mirrorlab replay ${file}`);
    if ((ladder || !c.ok) && v.trace.length) lines.push(indent(renderLadder(c.world, v.trace), 6));
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
    c.ok ? 'ok' : 'MISMATCH',
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
  const checked = [
    'stale-spte',
    'use-after-free',
    'seq-invariant',
    'false-on-blockable',
    'sleep-in-nonblock',
    'sleep-in-atomic',
    'deadlock',
    'potential-deadlock',
    'fence-unsignaled',
    'unhandled-event',
    'model-error',
  ];
  for (const k of checked)
    lines.push(
      `  ${broken.has(k) ? 'BREAKS' : 'keeps '}  ${k}${broken.has(k) ? `  (in ${broken.get(k)!.scenario})` : ''}`,
    );
  for (const [k, { c, v }] of broken) {
    lines.push('', `${k} in ${c.scenario}: ${v.message}`);
    if (v.trace.length) lines.push(indent(renderLadder(c.world, v.trace), 2));
  }
  return lines.join('\n');
}
