/**
 * The conformance table: one row per test, one column per variant, pass/fail in each cell,
 * then the first mismatch (expected vs got) of every failure. `--json` prints the report as is.
 */
import { shellWord } from '../cli/replay-hints.ts';
import type { ConformanceReport, ConformanceResult } from './suite.ts';

export function conformanceTable(report: ConformanceReport): string[] {
  // One column per variant and kernel version (`private v6.12`, `private upstream`, ...).
  const columnOf = (r: ConformanceResult) => `${r.variant} ${r.kernel}`;
  const variants = [...new Set(report.results.map(columnOf))];
  const tests = [...new Set(report.results.map((r) => r.test))];
  const cell = (test: string, v: string): string => {
    const r = report.results.find((x) => x.test === test && columnOf(x) === v);
    if (!r) return '-';
    const extra = r.mode === 'random' ? ` (${r.seeds?.length ?? 0} seeds)` : '';
    return `${r.pass ? 'pass' : 'FAIL'}${extra}`;
  };
  const rows = tests.map((t) => [t, ...variants.map((v) => cell(t, v))]);
  const header = ['test', ...variants];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const failures = report.results.filter((r) => !r.pass);
  for (const f of failures) out.push('', ...failureLines(f));
  const passed = report.results.filter((r) => r.pass).length;
  out.push('', `${passed}/${report.results.length} passed${report.pass ? '' : ` (${failures.length} failed)`}`);
  return out;
}

function failureLines(r: ConformanceResult): string[] {
  const m = r.firstMismatch;
  const lines = [`FAIL ${r.test} [${r.variant}, kernel ${r.kernel}] (${r.file})`];
  if (m) {
    lines.push(`  at ${m.where}`);
    lines.push(`  expected: ${text(m.expected)}`);
    lines.push(`  got:      ${text(m.got)}`);
  }
  // The failing seed alone, under its own strategy, in its variant (which sets the params).
  const bad = r.mode === 'random' ? r.seeds?.find((s) => !s.ok) : undefined;
  if (bad)
    lines.push(
      `  replay: mirrorlab conformance ${shellWord(r.file)} --variant ${shellWord(r.variant)} --kernel ${r.kernel} --seed ${bad.seed} --strategy ${bad.strategy}`,
    );
  return lines;
}

function text(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}
