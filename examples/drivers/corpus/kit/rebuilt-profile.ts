// A corpus driver rebuilt from the named guards, actions and regions of a built-in profile
// (machines/drivers/), with some states of a region replaced: how an author starts from a
// known-good driver and changes the part they care about.
//
// The loader gives a custom module the slot's profile name and the slot's planted `bugs`
// (issue 13, item 7); the built-in context would reject the first and obey the second, so the
// rebuilt driver states its own profile and takes no planted bugs.
import { callbackRegion } from '../../../../machines/drivers/callback-region.ts';
import { initialDriverContext } from '../../../../machines/drivers/driver-context.ts';
import { driverSetup } from '../../../../machines/drivers/driver-setup.ts';
import type { DriverInput, DriverProfileName } from '../../../../machines/drivers/driver-types.ts';
import { faultRegion } from '../../../../machines/drivers/fault-region.ts';

type StateConfig = Record<string, any>;

export interface Rebuild {
  id: string;
  profile: DriverProfileName;
  /** Replacement (or new) states of the fault region. */
  fault?: Record<string, StateConfig>;
  /** Replacement (or new) states of the callback region. */
  callback?: Record<string, StateConfig>;
  /** Input fields the driver fixes itself (e.g. `pin: false`). */
  input?: Partial<DriverInput>;
  guards?: Record<string, (args: { context: any; event: any }) => boolean>;
  actions?: Record<string, any>;
}

function ownInput(input: DriverInput & Record<string, unknown>, fixed: Partial<DriverInput> = {}): DriverInput {
  const { profile: _slotProfile, bugs: _plantedBugs, ...rest } = input;
  return { ...rest, ...fixed };
}

const withStates = (region: StateConfig, states: Record<string, StateConfig> = {}) => ({
  ...region,
  states: { ...region.states, ...states },
});

/**
 * The fault region's `programmed` step (map, publish the fence, unlock) for a driver whose
 * submission does more before the job reaches the device: a submission goes on to `target`,
 * which must submit the job; a fault replies as usual.
 */
export function programmedThen(target: string): StateConfig {
  return {
    id: 'driverFaultProgrammed',
    entry: ['programDevicePtes', 'publishJobFence', 'releaseUpdateLock'],
    always: [
      { guard: 'requestIsSubmission', target },
      { target: 'idle', actions: ['replyToRequester', 'finishRequest'] },
    ],
  };
}

export function rebuiltProfile(r: Rebuild) {
  return driverSetup.extend({ guards: r.guards ?? {}, actions: r.actions ?? {} }).createMachine({
    id: r.id,
    context: ({ input }) =>
      initialDriverContext(ownInput(input as DriverInput & Record<string, unknown>, r.input), r.profile),
    type: 'parallel',
    states: {
      fault: withStates(faultRegion, r.fault) as typeof faultRegion,
      callback: withStates(callbackRegion, r.callback) as typeof callbackRegion,
    },
  });
}
