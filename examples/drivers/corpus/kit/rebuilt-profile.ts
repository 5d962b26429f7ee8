// A corpus driver rebuilt from the named guards, actions and regions of a built-in profile
// (machines/drivers/), with some states of a region replaced: how an author starts from a
// known-good driver and changes the part they care about.
//
// A custom module gets `profile: 'custom'` and never the slot's planted bugs (docs/driver-
// protocol.md, Input); the rebuilt driver runs as the profile it names, with the input fields
// it fixes itself, whatever profile or bugs a hand-made input carries.
import { callbackRegion } from '../../../../machines/drivers/callback-region.ts';
import { initialDriverContext } from '../../../../machines/drivers/driver-context.ts';
import { driverSetup } from '../../../../machines/drivers/driver-setup.ts';
import type { DriverInput, DriverProfileName } from '../../../../machines/drivers/driver-types.ts';
import { faultRegion } from '../../../../machines/drivers/fault-region.ts';
import { jobsRegion } from '../../../../machines/drivers/jobs-region.ts';

type StateConfig = Record<string, any>;

export interface Rebuild {
  id: string;
  profile: DriverProfileName;
  /** Replacement (or new) states of the fault region. */
  fault?: Record<string, StateConfig>;
  /**
   * Replacement handlers of the callback region's `running` state (machines/drivers/
   * callback-region.ts): each callback is a per-thread run in `context.callbacks`, and the
   * handlers are keyed by the message its thread waits for (`lock.granted`, `fence.waitResult`,
   * `dev.zapped`, ...).
   */
  callbackOn?: Record<string, unknown>;
  /** Input fields the driver fixes itself (e.g. `pin: false`). */
  input?: Partial<DriverInput>;
  guards?: Record<string, (args: { context: any; event: any }) => boolean>;
  actions?: Record<string, any>;
}

function ownInput(input: DriverInput, fixed: Partial<DriverInput> = {}): DriverInput {
  const { profile: _profile, bugs: _bugs, ...rest } = input;
  return { ...rest, ...fixed };
}

const withStates = (region: StateConfig, states: Record<string, StateConfig> = {}) => ({
  ...region,
  states: { ...region.states, ...states },
});

const withRunning = (region: StateConfig, on: Record<string, unknown> = {}) => ({
  ...region,
  states: { ...region.states, running: { ...region.states.running, on: { ...region.states.running.on, ...on } } },
});

/**
 * The fault region's `programmed` step (map, publish the fence, unlock) for a driver whose
 * submission does more before the job reaches the device: a submission goes on to `target`,
 * which must submit the job and then go to `jobSubmitted`; a fault replies as usual.
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

/**
 * A submission whose job is on the device: the submitter sleeps on the job's fence in the jobs
 * region (machines/drivers/jobs-region.ts), and the fault region serves the next request.
 */
const jobSubmitted: StateConfig = { always: { target: 'idle', actions: ['watchJobFence', 'finishRequest'] } };

export function rebuiltProfile(r: Rebuild) {
  return driverSetup.extend({ guards: r.guards ?? {}, actions: r.actions ?? {} }).createMachine({
    id: r.id,
    context: ({ input }) => initialDriverContext(ownInput(input, r.input), r.profile),
    type: 'parallel',
    states: {
      fault: withStates(faultRegion, { jobSubmitted, ...r.fault }) as typeof faultRegion,
      callback: withRunning(callbackRegion as StateConfig, r.callbackOn) as typeof callbackRegion,
      jobs: jobsRegion,
    },
  });
}
