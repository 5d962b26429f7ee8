/**
 * `check --junit FILE`: JUnit XML, the report most CI systems show as tests. One <testsuite> per
 * scenario file, one <testcase> per scenario × property: a failure where the property's outcome
 * is not the one wanted (a driver BREAKS it; a scenario finds a violation it does not expect, or
 * misses one it does), skipped where it stays inconclusive (a search cut short, sampled, or the
 * scenario not run), and an <error> case for a file that could not be checked.
 */
import type { CheckOutcome } from '../../check/check-scenario.ts';
import { judgeProperties } from '../../check/verdict.ts';
import type { FileError } from '../check-files.ts';

type Case =
  | { name: string; outcome: 'pass' }
  | { name: string; outcome: 'failure' | 'skipped' | 'error'; text: string };

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Text safe in an XML attribute or element: markup escaped, control characters XML 1.0 forbids dropped. */
function xmlText(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') continue;
    out += ENTITIES[ch] ?? ch;
  }
  return out;
}

/** Each property of one scenario, judged as `check` (wanted = its expect:) or `check --driver` (wanted = kept). */
function cases(c: CheckOutcome, properties: readonly string[], driver: boolean): Case[] {
  if (c.skipped) return properties.map((name) => ({ name, outcome: 'skipped', text: c.skipped! }));
  return judgeProperties(properties, [c]).map(({ property: name, verdict }) => {
    const found = c.violations.find((v) => v.kind === name && (!driver || v.charge?.to !== 'environment'));
    const expected = !driver && c.expected.includes(name);
    if (verdict === 'inconclusive') {
      if (!expected && c.verdict === 'ok') return { name, outcome: 'pass' };
      return { name, outcome: 'skipped', text: `inconclusive: ${c.inconclusive ?? 'the search was cut short'}` };
    }
    const broken = verdict === 'BREAKS';
    if (broken === expected) return { name, outcome: 'pass' };
    const text = broken
      ? `${name} ${driver ? 'broken' : 'found, not expected'}: ${found?.message ?? ''}`
      : `${name} expected by the scenario but not found in a complete search`;
    return { name, outcome: 'failure', text };
  });
}

function suite(name: string, file: string, list: Case[], ms: number): string {
  const count = (o: string) => list.filter((k) => k.outcome === o).length;
  const body = list.map((k) => {
    const head = `    <testcase name="${xmlText(k.name)}" classname="${xmlText(name)}" file="${xmlText(file)}"`;
    if (k.outcome === 'pass') return `${head}/>`;
    const tag = k.outcome;
    const inner =
      tag === 'skipped'
        ? `<skipped message="${xmlText(k.text)}"/>`
        : `<${tag} message="${xmlText(k.text.replace(/\s*\n\s*/g, ' '))}" type="${tag === 'error' ? 'bad-input' : xmlText(k.name)}">${xmlText(k.text)}</${tag}>`;
    return `${head}>\n      ${inner}\n    </testcase>`;
  });
  return [
    `  <testsuite name="${xmlText(name)}" file="${xmlText(file)}" tests="${list.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${(ms / 1000).toFixed(3)}">`,
    ...body,
    '  </testsuite>',
  ].join('\n');
}

export function checkJunit(
  outcomes: CheckOutcome[],
  errors: FileError[],
  properties: readonly string[],
  driver: string | null,
): string {
  const suites = [
    ...outcomes.map((c) => ({
      name: c.scenario,
      file: c.file,
      list: cases(c, properties, driver !== null),
      ms: c.stats.elapsedMs,
    })),
    ...errors.map((e) => ({
      name: e.file,
      file: e.file,
      list: [{ name: 'load', outcome: 'error', text: e.message } as Case],
      ms: 0,
    })),
  ];
  const all = suites.flatMap((s) => s.list);
  const count = (o: string) => all.filter((k) => k.outcome === o).length;
  const ms = suites.reduce((n, s) => n + s.ms, 0);
  const name = driver ? `mirrorlab check --driver ${driver}` : 'mirrorlab check';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlText(name)}" tests="${all.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${(ms / 1000).toFixed(3)}">`,
    ...suites.map((s) => suite(s.name, s.file, s.list, s.ms)),
    '</testsuites>',
    '',
  ].join('\n');
}
