/**
 * The offline HTML report: `mirrorlab report <trace.json>` (one counterexample) and
 * `check --report DIR` (a page per scenario and an index.html with the verdicts and the
 * coverage). Pages are written atomically (safe-write.ts).
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { CheckOutcome } from '../../check/check-scenario.ts';
import type { SavedTrace } from '../../check/trace-file.ts';
import { writeFileAtomic } from '../../cli/safe-write.ts';
import type { ControlledWorld } from '../../runtime/controlled-world.ts';
import { ScenarioError } from '../../scenario/load.ts';
import { mergeCoverage, searchCoverage } from './coverage.ts';
import { indexPage, scenarioPage, type VerdictRow } from './page.ts';
import { traceView } from './trace-view.ts';

/** One saved counterexample's page. */
export function tracePage(world: ControlledWorld, saved: SavedTrace, traceFile: string): string {
  const view = traceView(world, {
    title: `${saved.violation.kind} in ${basename(saved.scenarioFile)}`,
    violation: saved.violation,
    steps: saved.steps,
    loopFrom: saved.loopFrom,
    witnesses: saved.witnesses,
  });
  const meta = [
    `trace ${traceFile} (scenario ${relative(process.cwd(), saved.scenarioFile) || saved.scenarioFile})`,
    `found by ${saved.strategy}${saved.seed === null ? '' : ` seed ${saved.seed}`}${saved.driver ? `, driver ${saved.driver}` : ''}; ${saved.steps.length} steps`,
    'Keys: ← → step, Home / End; click a row of the diagram to go there.',
  ];
  return scenarioPage({ title: view.title, meta, traces: [view] });
}

/** `--report DIR`: usable (created when missing) and not a file; checked before any search. */
export function planReportDir(dir: string): void {
  try {
    if (!statSync(dir).isDirectory())
      throw new ScenarioError(`--report ${dir}: a file is in the way; give a folder (created when missing)`);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    mkdirSync(dir, { recursive: true });
  }
}

/** A file name per scenario, unique within the report. */
function pageNames(outcomes: CheckOutcome[]): string[] {
  const used = new Set<string>();
  return outcomes.map((c) => {
    const base = c.scenario.replace(/[^A-Za-z0-9._-]+/g, '-');
    let name = `${base}.html`;
    for (let k = 2; used.has(name) || name === 'index.html'; k++) name = `${base}-${k}.html`;
    used.add(name);
    return name;
  });
}

export function writeSearchReport(
  dir: string,
  outcomes: CheckOutcome[],
  errors: { file: string; message: string }[],
): string {
  const names = pageNames(outcomes);
  const coverage = outcomes.map((c) => searchCoverage(c.world));
  const rows: VerdictRow[] = [];
  for (const [k, c] of outcomes.entries()) {
    const traces = [...c.violations, ...c.observations]
      .filter((v) => v.trace.length)
      .map((v) =>
        traceView(c.world, {
          title: `${v.kind} in ${c.scenario}`,
          violation: { kind: v.kind, message: v.message },
          steps: v.trace,
          loopFrom: v.loopFrom,
        }),
      );
    const meta = [
      `${c.verdict.toUpperCase()}: ${c.mismatch ?? c.inconclusive ?? c.skipped ?? `expected ${c.expected.join(', ') || 'no violation'}, found ${c.violations.map((v) => v.kind).join(', ') || 'none'}`}`,
      `${c.file}; ${c.strategy}: ${c.stats.states} states, ${c.stats.transitions} transitions, ${c.stats.complete ? 'complete' : `cut short (${c.stats.stoppedBy})`}, ${c.stats.elapsedMs} ms`,
    ];
    writeFileAtomic(
      join(dir, names[k]),
      scenarioPage({ title: c.scenario, meta, traces, coverage: coverage[k], index: 'index.html' }),
      { force: true },
    );
    rows.push({
      verdict: c.verdict,
      scenario: c.scenario,
      page: names[k],
      expected: c.expected.join(', ') || 'pass',
      found: c.violations.map((v) => v.kind).join(', ') || 'none',
      states: c.stats.states,
      complete: c.stats.complete ? 'yes' : `no (${c.stats.stoppedBy ?? 'skipped'})`,
      ms: c.stats.elapsedMs,
    });
  }
  for (const e of errors)
    rows.push({
      verdict: 'error',
      scenario: `${e.file}: ${e.message}`,
      page: '',
      expected: '-',
      found: '-',
      states: 0,
      complete: '-',
      ms: 0,
    });
  const passed = outcomes.filter((c) => c.verdict === 'ok').length;
  const index = join(dir, 'index.html');
  writeFileAtomic(
    index,
    indexPage(
      'mirrorlab check',
      [`${passed} of ${outcomes.length + errors.length} scenarios match their expect:`],
      rows,
      mergeCoverage(coverage),
    ),
    { force: true },
  );
  return index;
}
