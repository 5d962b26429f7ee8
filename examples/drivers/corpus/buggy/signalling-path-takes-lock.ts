// BUG: the callback waits for the job fences while holding the notifier lock (amdgpu gfx / xe
// style, fine on its own), but the submission path, after publishing the fence and unlocking,
// takes the notifier lock again before it hands the job to the device. That stretch is the
// fence's signalling path: the callback holds the lock waiting for the fence, and the fence
// cannot signal until the submitter gets the lock.
import { programmedThen, rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({
  id: 'signalling-path-takes-lock',
  profile: 'userptr-fence-under-lock',
  fault: {
    programmed: programmedThen('pushingJob'),
    // Re-take the lock to push the job: the bug.
    pushingJob: {
      meta: { defer: ['drv.fault', 'drv.deviceFault', 'drv.submit'] },
      entry: 'takeUpdateLock',
      on: {
        'lock.granted': {
          guard: 'lockGrantedToRequest',
          target: 'jobSubmitted',
          actions: ['requestGotLock', 'submitJobToDevice', 'releaseUpdateLock'],
        },
      },
    },
  },
});
