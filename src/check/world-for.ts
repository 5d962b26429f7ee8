/** Scenario file → a controlled world ready to explore (compiled, set-up settled). */
import type { AnyStateMachine } from 'xstate';
import { ControlledWorld } from '../runtime/controlled-world.ts';
import { type CompiledScenario, compileScenario } from '../scenario/compile.ts';
import { loadScenario } from '../scenario/load.ts';
import { settle } from '../scenario/settle.ts';

export interface ScenarioWorld {
  compiled: CompiledScenario;
  world: ControlledWorld;
}

export async function worldFor(
  file: string,
  driverOverride?: { machine: AnyStateMachine; name: string },
): Promise<ScenarioWorld> {
  const compiled = await compileScenario(loadScenario(file), { driverOverride });
  return { compiled, world: new ControlledWorld(settle(compiled)) };
}
