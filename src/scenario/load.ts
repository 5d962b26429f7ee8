/**
 * Read a scenario file: YAML → schema-checked object. Every error names the file, the line
 * and the path inside the document, and says how to fix it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { expandScenario, type ParamValue } from './expand.ts';
import { type Scenario, scenarioSchema } from './schema.ts';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** Where a path inside the document starts, for later error messages (compiler). */
  where(path: (string | number)[]): string;
}

export function loadScenario(file: string, params: Record<string, ParamValue> = {}): LoadedScenario {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${file}: cannot read the scenario (${(e as Error).message})`);
  }
  return parseScenario(text, file, params);
}

export function parseScenario(
  text: string,
  file = '<scenario>',
  params: Record<string, ParamValue> = {},
): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (path: (string | number)[]): string => {
    const node = path.length ? doc.getIn(path, true) : doc.contents;
    const range = isNode(node) ? node.range : undefined;
    if (!range) return `${file}`;
    const pos = lines.linePos(range[0]);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    throw new ScenarioError(`${file}:${pos.line}:${pos.col}: YAML syntax error: ${e.message.split('\n')[0]}`);
  }
  const raw = expandScenario(doc.toJS(), params, file);
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      // Point at the deepest node that exists (a missing key has no node of its own).
      let at = path;
      while (at.length && !isNode(doc.getIn(at, true))) at = at.slice(0, -1);
      return `${where(at)}: at ${path.join('.') || '(top level)'}: ${issue.message}`;
    });
    throw new ScenarioError(`${file}: the scenario does not match the schema:\n  ${issues.join('\n  ')}`);
  }
  return { file, scenario: parsed.data, where };
}
