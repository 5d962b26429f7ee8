/**
 * A driver module from a file (Node only): `driver: ./my-driver.ts` in a scenario, `--driver`
 * on the command line. compile.ts takes `loadScenarioDriver` as its `loadDriver`.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { type CompiledScenario, type CompileOptions, compileScenario as compilePortable } from './compile.ts';
import { type LoadedScenario, ScenarioError } from './parse.ts';
import { ensureTypeScriptLoader } from './typescript-loader.ts';

/** The driver module a scenario names, resolved against the scenario file's folder. */
export function loadScenarioDriver(driver: string, file: string, where: string): Promise<AnyStateMachine> {
  return loadDriverModule(resolve(dirname(resolve(file)), driver), where);
}

/** Compile a scenario, loading the driver modules it names from files. */
export function compileScenario(loaded: LoadedScenario, options: CompileOptions = {}): Promise<CompiledScenario> {
  return compilePortable(loaded, { loadDriver: loadScenarioDriver, ...options });
}

/** Load a custom driver module: its default export (or `driver`) must be an XState machine. */
export async function loadDriverModule(abs: string, where = abs): Promise<AnyStateMachine> {
  let mod: Record<string, unknown>;
  try {
    await ensureTypeScriptLoader(abs);
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ScenarioError(`${where}: cannot load driver module ${abs}: ${(e as Error).message}`);
  }
  const machine = (mod.default ?? mod.driver) as AnyStateMachine | undefined;
  if (!machine || typeof (machine as { transition?: unknown }).transition !== 'function' || !('config' in machine)) {
    throw new ScenarioError(
      `${where}: ${abs} must export an XState machine as its default export (or as 'driver'); see docs/driver-protocol.md`,
    );
  }
  return machine;
}
