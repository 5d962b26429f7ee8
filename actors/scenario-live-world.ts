/**
 * A parsed scenario → its actors as a live world, with no file system (the browser entry's
 * `createWorld`; world.ts reads files first and loads driver modules).
 */
import type { AnyStateMachine } from 'xstate';
import { type CompileOptions, compileScenario } from '../src/scenario/compile.ts';
import type { Deadline } from '../src/scenario/deadline.ts';
import type { ParamValue } from '../src/scenario/expand.ts';
import type { LoadedScenario } from '../src/scenario/parse.ts';
import { settle } from '../src/scenario/settle.ts';
import { LiveWorld, type LiveWorldOptions } from './live-world.ts';

export interface WorldOptions extends LiveWorldOptions {
  /** Scenario params (`params:` in the file). */
  params?: Record<string, ParamValue>;
  /** Replace every device's driver with this machine. */
  driver?: AnyStateMachine;
  /**
   * A time budget for loading (driver modules, with world.ts) and the set-up, as `run --live --time`
   * gives: past it, a located `ScenarioError` instead of a run.
   */
  deadline?: Deadline;
}

export async function scenarioLiveWorld(
  loaded: LoadedScenario,
  options: WorldOptions = {},
  loadDriver?: CompileOptions['loadDriver'],
): Promise<LiveWorld> {
  const compiled = await compileScenario(loaded, {
    driverOverride: options.driver ? { machine: options.driver, name: 'custom' } : undefined,
    loadDriver,
  });
  return new LiveWorld(settle(compiled, options.deadline), options);
}
