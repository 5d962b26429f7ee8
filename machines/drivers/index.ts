/**
 * The built-in driver profiles by name, for the scenario loader:
 * `driverProfiles['shadow-pte']` is the machine to run as `drv:<name>`.
 */
import type { AnyStateMachine } from 'xstate';
import { createDriverMachine } from './driver.machine.ts';
import { type DriverProfileName, PROFILE_NAMES } from './driver-types.ts';

export { createDriverMachine, type DriverMachine } from './driver.machine.ts';
export { DRIVER_BUGS, type DriverBug, type DriverInput, type DriverProfileName } from './driver-types.ts';

/**
 * The names of the five built-in driver profiles, in a fixed order.
 *
 * @example
 * ```ts
 * import { profileNames } from 'mirrorlab';
 *
 * profileNames; // ['shadow-pte', 'registration-cache', 'userptr-fence-under-lock', 'userptr-fence-after-unlock', 'svm']
 * ```
 */
export const profileNames: readonly DriverProfileName[] = PROFILE_NAMES;

/**
 * The built-in driver machines by profile name (one {@link createDriverMachine} each).
 *
 * @example
 * ```ts
 * import { driverProfiles, toMermaid } from 'mirrorlab';
 *
 * Object.keys(driverProfiles); // the five profile names
 * console.log(toMermaid(driverProfiles['userptr-fence-under-lock']));
 * ```
 */
export const driverProfiles: Record<string, AnyStateMachine> = Object.fromEntries(
  PROFILE_NAMES.map((name) => [name, createDriverMachine(name)]),
);
