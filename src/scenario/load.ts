/**
 * Read a scenario file: its text through parse.ts (YAML → schema-checked object), every error
 * naming the file, the line and the path inside the document.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParamValue } from './expand.ts';
import { type LoadedScenario, parseScenario, ScenarioError } from './parse.ts';
import { MAX_SCENARIO_BYTES } from './size-limits.ts';

export { type LoadedScenario, MAX_DEPTH, parseScenario, ScenarioError } from './parse.ts';

/**
 * Read and validate a scenario file (YAML), with `params` overriding its `params:` defaults. Bad
 * input throws a {@link ScenarioError} whose message is `file:line:col:` the problem and the fix.
 *
 * @example
 * ```ts
 * import { loadScenario } from 'mirrorlab';
 *
 * const loaded = loadScenario('scenarios/seeds/fault-vs-unmap.yaml');
 * loaded.scenario.expect; // what the checker must find
 * ```
 */
export function loadScenario(file: string, params: Record<string, ParamValue> = {}): LoadedScenario {
  return parseScenario(readScenarioText(file), file, params);
}

/** A scenario file's text, refused (with the fix) when it is no regular file or too big to be one. */
export function readScenarioText(file: string): string {
  const abs = resolve(file);
  try {
    // A device (/dev/zero), FIFO or huge file would block or fill memory before any check could run.
    const st = statSync(abs);
    if (!st.isFile())
      throw new ScenarioError(`${file}: not a regular file (a device, FIFO or socket): give a scenario .yaml file`);
    if (st.size > MAX_SCENARIO_BYTES)
      throw new ScenarioError(
        `${file}: ${st.size} bytes, more than a scenario may have (${MAX_SCENARIO_BYTES}): use params:, replicas: and repeat: instead of writing ops out`,
      );
    return readFileSync(abs, 'utf8');
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(`${file}: cannot read the scenario (${(e as Error).message})`);
  }
}
