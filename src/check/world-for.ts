/** Scenario file → a controlled world ready to explore (compiled, set-up settled). */
import type { AnyStateMachine } from 'xstate';
import { ControlledWorld } from '../runtime/controlled-world.ts';
import { type CompiledScenario, compileScenario } from '../scenario/compile.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { loadScenario } from '../scenario/load.ts';
import { settle } from '../scenario/settle.ts';

export interface ScenarioWorld {
  compiled: CompiledScenario;
  world: ControlledWorld;
}

export async function worldFor(
  file: string,
  driverOverride?: { machine: AnyStateMachine; name: string },
  params: Record<string, ParamValue> = {},
): Promise<ScenarioWorld> {
  const compiled = await compileScenario(loadScenario(file, params), { driverOverride });
  return { compiled, world: new ControlledWorld(settle(compiled)) };
}
