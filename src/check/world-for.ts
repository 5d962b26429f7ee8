/** Scenario file (or a trace's copy of its text) → a controlled world ready to explore (scenario-world.ts does the rest). */
import type { AnyStateMachine } from 'xstate';
import type { Deadline } from '../scenario/deadline.ts';
import { scenarioDriverLoader } from '../scenario/driver-module.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { loadScenario } from '../scenario/load.ts';
import { parseScenario } from '../scenario/parse.ts';
import { type ScenarioWorld, scenarioWorld } from './scenario-world.ts';

export type { ScenarioWorld } from './scenario-world.ts';

/**
 * Where the scenario comes from besides its file: a trace's embedded copy, and the modules it may name.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { type WorldSource, worldFor } from 'mirrorlab';
 *
 * // The scenario as a trace embedded it, placed at its file for relative driver paths.
 * const source: WorldSource = { text: readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8') };
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml', undefined, {}, source);
 * ```
 */
export interface WorldSource {
  /** The scenario's text (a trace's copy); `file` then only places it (messages, relative driver paths). */
  text?: string;
  /** `--allow-driver`: modules or folders outside the scenario's folder tree it may name. */
  allowDrivers?: readonly string[];
}

/**
 * A scenario file as a {@link ControlledWorld} ready to explore: loaded, compiled (optionally with
 * another driver in every device slot), its set-up settled. A driver that throws while starting is
 * reported as a `ScenarioError` located at its device.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world, compiled } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * compiled.drivers; // { gpu0: 'shadow-pte' }
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations.length; // 2
 * ```
 */
export function worldFor(
  file: string,
  driverOverride?: { machine: AnyStateMachine; name: string },
  params: Record<string, ParamValue> = {},
  source: WorldSource = {},
  deadline?: Deadline,
): Promise<ScenarioWorld> {
  const loaded = source.text === undefined ? loadScenario(file, params) : parseScenario(source.text, file, params);
  const importSeconds = deadline?.importSeconds();
  const loadDriver = scenarioDriverLoader({ allowDrivers: source.allowDrivers, importSeconds });
  return scenarioWorld(loaded, driverOverride, loadDriver, deadline);
}
