/**
 * Scenario file → a controlled world ready to explore (compiled, set-up settled). A driver
 * that throws while starting or during set-up is reported as a scenario error located at
 * the device that runs it, never as a stack trace.
 */
import type { AnyStateMachine } from 'xstate';
import { ControlledWorld } from '../runtime/controlled-world.ts';
import { ModelError } from '../runtime/pure-step.ts';
import { type CompiledScenario, compileScenario } from '../scenario/compile.ts';
import { type Deadline, IMPORT_TIMEOUT_SECONDS } from '../scenario/deadline.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { type LoadedScenario, loadScenario, parseScenario, ScenarioError } from '../scenario/load.ts';
import { settle } from '../scenario/settle.ts';

export interface ScenarioWorld {
  compiled: CompiledScenario;
  world: ControlledWorld;
}

/** Where the scenario comes from besides its file: a trace's embedded copy, and the modules it may name. */
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
export async function worldFor(
  file: string,
  driverOverride?: { machine: AnyStateMachine; name: string },
  params: Record<string, ParamValue> = {},
  source: WorldSource = {},
  deadline?: Deadline,
): Promise<ScenarioWorld> {
  const loaded = source.text === undefined ? loadScenario(file, params) : parseScenario(source.text, file, params);
  const importSeconds = deadline ? Math.min(deadline.remainingSeconds(), IMPORT_TIMEOUT_SECONDS) : undefined;
  const compiled = await compileScenario(loaded, { driverOverride, allowDrivers: source.allowDrivers, importSeconds });
  checkEnvironmentActors(loaded, compiled);
  try {
    return { compiled, world: new ControlledWorld(settle(compiled, deadline)) };
  } catch (e) {
    if (e instanceof ScenarioError || !(e instanceof Error)) throw e;
    throw new ScenarioError(startFailure(loaded, compiled, e));
  }
}

/** `environment:` may only name actors the scenario has. */
function checkEnvironmentActors(loaded: LoadedScenario, compiled: CompiledScenario): void {
  const ids = new Set([...compiled.kernel, ...compiled.threads].map((a) => a.id));
  for (const [i, fault] of compiled.scenario.environment.entries()) {
    for (const [k, actor] of fault.actors.entries()) {
      if (ids.has(actor)) continue;
      const known = [...ids].filter((id) => !id.startsWith('drv:')).join(', ');
      throw new ScenarioError(
        `${loaded.where(['environment', i, 'actors', k])}: environment names '${actor}', which is not an actor of this scenario: use one of ${known}`,
      );
    }
  }
}

/** "<where the device is>: the driver <name> of device <d> threw while starting: <why>". */
function startFailure(loaded: LoadedScenario, compiled: CompiledScenario, e: Error): string {
  if (!(e instanceof ModelError)) return `${loaded.file}: the scenario cannot start: ${e.name}: ${e.message}`;
  const actor = /actor '([^']+)'/.exec(e.message)?.[1] ?? '';
  const device = actor.startsWith('drv:') ? actor.slice('drv:'.length) : null;
  if (device === null || !compiled.drivers[device]) return `${loaded.file}: the scenario cannot start: ${e.message}`;
  return `${loaded.where(['devices', device, 'driver'])}: driver ${compiled.drivers[device]} of device '${device}' threw while starting or during set-up: ${e.message.replace(/^actor '[^']+' crashed: /, '')} (docs/driver-protocol.md, Input)`;
}
