/** Scenario file → a controlled world ready to explore (scenario-world.ts does the rest). */
import type { AnyStateMachine } from 'xstate';
import { loadScenarioDriver } from '../scenario/driver-module.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { loadScenario } from '../scenario/load.ts';
import { type ScenarioWorld, scenarioWorld } from './scenario-world.ts';

export type { ScenarioWorld } from './scenario-world.ts';

export function worldFor(
  file: string,
  driverOverride?: { machine: AnyStateMachine; name: string },
  params: Record<string, ParamValue> = {},
): Promise<ScenarioWorld> {
  return scenarioWorld(loadScenario(file, params), driverOverride, loadScenarioDriver);
}
