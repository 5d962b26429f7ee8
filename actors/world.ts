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
import { scenarioDriverLoader } from '../src/scenario/driver-module.ts';
import { loadScenario } from '../src/scenario/load.ts';
import type { LoadedScenario } from '../src/scenario/parse.ts';
import type { LiveWorld } from './live-world.ts';
import { type WorldOptions as LiveScenarioOptions, scenarioLiveWorld } from './scenario-live-world.ts';

/**
 * Options of {@link createWorld}: the live world's schedule and inspector, the scenario's params,
 * and a driver to put in every device's slot.
 *
 * @example
 * ```ts
 * import { createWorld, driverProfiles, type WorldOptions } from 'mirrorlab';
 *
 * const options: WorldOptions = { schedule: 'default', driver: driverProfiles['shadow-pte'] };
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml', options);
 * ```
 */
export interface WorldOptions extends LiveScenarioOptions {
  /** Driver modules or folders outside the scenario's folder tree it may name (safe loading). */
  allowDrivers?: readonly string[];
}

/**
 * A scenario file (or an already loaded scenario) as a {@link LiveWorld}: compiled, its set-up
 * (mappings, subscriptions) already run, ready to step through the run proper. Driver modules
 * the scenario names are loaded from files (see {@link WorldOptions.allowDrivers}).
 *
 * @example
 * ```ts
 * import { createWorld } from 'mirrorlab';
 *
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml');
 * world.run(); // default schedule: oldest pending message first
 * world.snapshot('thread:cpu').value; // 'done'
 * ```
 */
export function createWorld(scenario: string | LoadedScenario, options: WorldOptions = {}): Promise<LiveWorld> {
  const loaded = typeof scenario === 'string' ? loadScenario(scenario, options.params) : scenario;
  const importSeconds = options.deadline?.importSeconds();
  return scenarioLiveWorld(
    loaded,
    options,
    scenarioDriverLoader({ allowDrivers: options.allowDrivers, importSeconds }),
  );
}
