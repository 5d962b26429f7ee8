/**
 * The built-in driver profiles by name, for the scenario loader:
 * `driverProfiles['shadow-pte']` is the machine to run as `drv:<name>`.
 */
import type { AnyStateMachine } from 'xstate';
import { createDriverMachine } from './driver.machine.ts';
import { type DriverProfileName, PROFILE_NAMES } from './driver-types.ts';

export { createDriverMachine, type DriverMachine } from './driver.machine.ts';
export { DRIVER_BUGS, type DriverBug, type DriverInput, type DriverProfileName } from './driver-types.ts';

export const profileNames: readonly DriverProfileName[] = PROFILE_NAMES;

export const driverProfiles: Record<string, AnyStateMachine> = Object.fromEntries(
  PROFILE_NAMES.map((name) => [name, createDriverMachine(name)]),
);
