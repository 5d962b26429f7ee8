/**
 * A parsed scenario → a controlled world ready to explore (compiled, set-up settled), with no
 * file system (the browser entry uses it; world-for.ts reads the file first). A driver that
 * throws while starting or during set-up is reported as a scenario error located at the device
 * that runs it, never as a stack trace.
 */
import type { AnyStateMachine } from 'xstate';
import { ControlledWorld } from '../runtime/controlled-world.ts';
import { ModelError } from '../runtime/pure-step.ts';
import { type CompiledScenario, type CompileOptions, compileScenario } from '../scenario/compile.ts';
import type { Deadline } from '../scenario/deadline.ts';
import { type LoadedScenario, ScenarioError } from '../scenario/parse.ts';
import { settle } from '../scenario/settle.ts';

/**
 * A compiled scenario and its controlled world (set-up already run), as scenarioWorld and worldFor
 * return them: the world is what the searches explore, the compiled scenario says what it was built
 * from.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type ScenarioWorld, worldFor } from 'mirrorlab';
 *
 * const { world, compiled }: ScenarioWorld = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * compiled.scenario.name; // the scenario's name, if it gives one
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
 * ```
 */
export interface ScenarioWorld {
  compiled: CompiledScenario;
  world: ControlledWorld;
}

/**
 * The scenario's controlled world; `loadDriver` loads a driver named by a module path (Node).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { defaultMonitors, exhaustiveSearch, parseScenario, scenarioWorld } from 'mirrorlab';
 *
 * const text = readFileSync('scenarios/seeds/missing-set-seq.yaml', 'utf8'); // in a page: from a textarea or fetch
 * const { world } = await scenarioWorld(parseScenario(text, 'missing-set-seq.yaml'));
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations.length; // 2
 * ```
 */
export async function scenarioWorld(
  loaded: LoadedScenario,
  driverOverride?: { machine: AnyStateMachine; name: string },
  loadDriver?: CompileOptions['loadDriver'],
  /** Bounds the set-up run (`--time`): a set-up that does not end in time is a located error. */
  deadline?: Deadline,
): Promise<ScenarioWorld> {
  const compiled = await compileScenario(loaded, { driverOverride, loadDriver });
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
