/**
 * A driver module as `check --driver FILE` takes it (`CheckOptions.driver`): the machine the
 * module exports, named by its path.
 */
import type { AnyStateMachine } from 'xstate';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

export async function driverAt(path: string): Promise<{ machine: AnyStateMachine; name: string }> {
  return { machine: await loadDriverModule(path), name: path };
}
