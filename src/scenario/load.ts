/**
 * Read a scenario file: its text through parse.ts (YAML → schema-checked object), every error
 * naming the file, the line and the path inside the document.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParamValue } from './expand.ts';
import { type LoadedScenario, parseScenario, ScenarioError } from './parse.ts';

export { type LoadedScenario, MAX_DEPTH, parseScenario, ScenarioError } from './parse.ts';

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
