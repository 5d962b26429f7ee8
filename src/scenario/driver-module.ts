/**
 * A driver module from a file (Node only): `driver: ./my-driver.ts` in a scenario, `--driver`
 * on the command line. compile.ts takes `scenarioDriverLoader(...)` as its `loadDriver`; a
 * scenario may name only modules in its own folder tree or allowed by `allowDrivers`
 * (allowed-modules.ts). Its top level runs first on a thread that is stopped at the deadline
 * (driver-probe.ts), so neither a loop at import nor an import that never settles can hang us.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { checkModuleAllowed } from './allowed-modules.ts';
import {
  type CompiledScenario,
  type CompileOptions,
  compileScenario as compilePortable,
  type DriverLoader,
} from './compile.ts';
import { IMPORT_TIMEOUT_SECONDS, withinSeconds } from './deadline.ts';
import { checkDriverActions } from './driver-actions.ts';
import { probeDriverImport } from './driver-probe.ts';
import { type LoadedScenario, ScenarioError } from './parse.ts';
import { ensurePackageFallback, ensureTypeScriptLoader } from './typescript-loader.ts';

/**
 * How {@link compileScenario} may load the driver modules a scenario names: which modules outside
 * its folder tree, and how long an import may take.
 *
 * @example
 * ```ts
 * import { compileScenario, type DriverModuleOptions, loadScenario } from 'mirrorlab';
 *
 * const options: DriverModuleOptions = { allowDrivers: ['../drivers'], importSeconds: 20 };
 * const compiled = await compileScenario(loadScenario('scenarios/seeds/fault-vs-unmap.yaml'), options);
 * ```
 */
export interface DriverModuleOptions {
  /** `--allow-driver`: modules or folders outside the scenario's folder tree it may name (allowed-modules.ts). */
  allowDrivers?: readonly string[];
  /** How long importing a driver module may take (default IMPORT_TIMEOUT_SECONDS). */
  importSeconds?: number;
}

/** Loads the driver modules a scenario names, resolved against the scenario file's folder. */
export function scenarioDriverLoader(o: DriverModuleOptions = {}): DriverLoader {
  return (driver, file, where) => {
    const abs = resolve(dirname(resolve(file)), driver);
    checkModuleAllowed(abs, file, o.allowDrivers ?? [], where);
    return loadDriverModule(abs, where, o.importSeconds);
  };
}

/** The loader with the default rules (the scenario's own folder tree, the default import time). */
export const loadScenarioDriver: DriverLoader = scenarioDriverLoader();

/**
 * Compile a scenario, loading the driver modules it names from files.
 *
 * @example
 * ```ts
 * import { compileScenario, loadScenario } from 'mirrorlab';
 *
 * const compiled = await compileScenario(loadScenario('scenarios/seeds/fault-vs-unmap.yaml'));
 * compiled.drivers; // which driver machine each device got: { gpu0: 'shadow-pte' }
 * ```
 */
export function compileScenario(
  loaded: LoadedScenario,
  options: CompileOptions & DriverModuleOptions = {},
): Promise<CompiledScenario> {
  const { allowDrivers, importSeconds, ...rest } = options;
  return compilePortable(loaded, { loadDriver: scenarioDriverLoader({ allowDrivers, importSeconds }), ...rest });
}

/**
 * Load a custom driver module: its default export (or `driver`) must be an XState machine.
 *
 * @example
 * ```ts
 * import { checkScenario, loadDriverModule } from 'mirrorlab';
 * import { resolve } from 'node:path';
 *
 * const machine = await loadDriverModule(resolve('examples/drivers/minimal-driver.ts'));
 * await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { driver: { machine, name: 'minimal' } });
 * ```
 */
export async function loadDriverModule(
  abs: string,
  where = abs,
  importSeconds = IMPORT_TIMEOUT_SECONDS,
): Promise<AnyStateMachine> {
  let mod: Record<string, unknown>;
  // The top level runs first on a thread that can be stopped (driver-probe.ts): a loop there cannot hang us.
  const topLevelMs = await probeDriverImport(abs, importSeconds, where);
  // The real import runs the same top level again, here, where nothing could stop a loop. It finished
  // on the probe in topLevelMs, so it gets what is left of the budget but at least twice that and a
  // second: a module that needs most of the budget overruns it by about its own import time.
  const seconds = Math.max(importSeconds - topLevelMs / 1000, (2 * topLevelMs) / 1000 + 1);
  const what = `importing driver module ${abs}`;
  try {
    ensurePackageFallback();
    await ensureTypeScriptLoader(abs);
    const imported = import(pathToFileURL(abs).href) as Promise<Record<string, unknown>>;
    mod = await withinSeconds(
      imported,
      seconds,
      where,
      what,
      'its top level awaits something that never comes (a top-level await on a promise nothing resolves?)',
      importSeconds,
    );
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(`${where}: cannot load driver module ${abs}: ${(e as Error).message}`);
  }
  const machine = (mod.default ?? mod.driver) as AnyStateMachine | undefined;
  if (!machine || typeof (machine as { transition?: unknown }).transition !== 'function' || !('config' in machine)) {
    throw new ScenarioError(
      `${where}: ${abs} must export an XState machine as its default export (or as 'driver'); see docs/driver-protocol.md`,
    );
  }
  checkDriverActions(machine, where === abs ? abs : `${where}: driver module ${abs}`);
  return machine;
}
