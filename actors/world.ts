/**
 * `createWorld(scenario, options)`: a scenario's actors as live XState actors, for embedding
 * and for the inspector. Every actor is spawned under one root with its id as systemId;
 * `options.inspect` receives XState's inspection events; `step()` / `run()` advance it under
 * the deterministic default schedule or a seeded random one.
 *
 * ```ts
 * import { createWorld } from 'mirrorlab';
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml', { inspect: (e) => console.log(e.type) });
 * world.run();
 * world.snapshot('dev:gpu0').context.table; // the device page table
 * ```
 */
import type { AnyStateMachine } from 'xstate';
import { compileScenario } from '../src/scenario/compile.ts';
import type { ParamValue } from '../src/scenario/expand.ts';
import { type LoadedScenario, loadScenario } from '../src/scenario/load.ts';
import { settle } from '../src/scenario/settle.ts';
import { LiveWorld, type LiveWorldOptions } from './live-world.ts';

export interface WorldOptions extends LiveWorldOptions {
  /** Scenario params (`params:` in the file). */
  params?: Record<string, ParamValue>;
  /** Replace every device's driver with this machine. */
  driver?: AnyStateMachine;
  /** Driver modules or folders outside the scenario's folder tree it may name (safe loading). */
  allowDrivers?: readonly string[];
}

export async function createWorld(scenario: string | LoadedScenario, options: WorldOptions = {}): Promise<LiveWorld> {
  const loaded = typeof scenario === 'string' ? loadScenario(scenario, options.params) : scenario;
  const compiled = await compileScenario(loaded, {
    driverOverride: options.driver ? { machine: options.driver, name: 'custom' } : undefined,
    allowDrivers: options.allowDrivers,
  });
  return new LiveWorld(settle(compiled), options);
}
