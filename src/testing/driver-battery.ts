/**
 * Run the battery on a driver inside a test file: what `mirrorlab check --driver` answers, per
 * property (keeps, BREAKS, inconclusive), with the same library calls and rules (verdict.ts:
 * only violations charged to the driver count; a search cut short never keeps).
 *
 * ```ts
 * const result = await checkDriver(myDriver, { maxStates: 200_000 });
 * expect(result.breaks).toEqual([]);
 * ```
 */
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { DRIVER_PROPERTIES } from '../check/battery.ts';
import type { CheckOptions, CheckOutcome } from '../check/check-scenario.ts';
import { judgeProperties, type PropertyJudgement } from '../check/verdict.ts';
import { checkFiles, type FileError } from '../cli/check-files.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';

/** The bundled battery (scenarios/seeds), found from this module: from the sources or from dist/. */
export const BUNDLED_BATTERY = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../scenarios/seeds' : '../../../scenarios/seeds', import.meta.url),
);

export interface DriverCheckOptions extends Omit<CheckOptions, 'driver'> {
  /** Scenario files or folders (default: the bundled battery). */
  scenarios?: string[];
  /** The driver's name in reports (default: the module path, or the machine's id). */
  name?: string;
}

export interface DriverCheck {
  /** Per property, as `check --driver` reports it. */
  properties: PropertyJudgement[];
  /** The properties the driver BREAKS, sorted. */
  breaks: string[];
  /** Each scenario's outcome (with its counterexamples: `violations[k].trace`). */
  outcomes: CheckOutcome[];
  /** Scenario files that could not be checked (bad input). */
  errors: FileError[];
}

/** The driver (a machine, or a module path as `--driver` takes it) against the battery. */
export async function checkDriver(
  driver: AnyStateMachine | string,
  options: DriverCheckOptions = {},
): Promise<DriverCheck> {
  const { scenarios = [BUNDLED_BATTERY], name, ...check } = options;
  const machine = typeof driver === 'string' ? await loadDriverModule(driver, `driver ${driver}`) : driver;
  const under = { machine, name: name ?? (typeof driver === 'string' ? driver : machine.id) };
  const { outcomes, errors } = await checkFiles(scenarios, { ...check, driver: under });
  const asked = check.liveness === false ? DRIVER_PROPERTIES.filter((k) => k !== 'livelock') : DRIVER_PROPERTIES;
  const properties = judgeProperties(asked, outcomes);
  const breaks = properties.filter((p) => p.verdict === 'BREAKS').map((p) => p.property);
  return { properties, breaks: breaks.sort(), outcomes, errors };
}
