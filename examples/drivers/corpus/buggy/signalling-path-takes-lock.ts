// BUG: the callback waits for the job fences while holding the notifier lock (amdgpu gfx / xe
// style, fine on its own), but the submission path, after publishing the fence and unlocking,
// takes the notifier lock again before it hands the job to the device. That stretch is the
// fence's signalling path: the callback holds the lock waiting for the fence, and the fence
// cannot signal until the submitter gets the lock.
//
// The second acquire is a plain mutex_lock (uninterruptible): once the fence is published the
// path cannot fail, so it does not take the submission's `submitLockIntr` either.
import { enqueueActions } from 'xstate';
import { withWaiter } from '../../../../machines/drivers/lock-waiters.ts';
import { send, sleep } from '../kit/effects.ts';
import { programmedThen, rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({
  id: 'signalling-path-takes-lock',
  profile: 'userptr-fence-under-lock',
  actions: {
    takeUpdateLockToPush: enqueueActions(({ context: c, enqueue }: any) => {
      const { tid } = c.request;
      enqueue(send(c.lock, { type: 'lock.acquire', replyTo: c.id, tid, mode: 'write' }));
      enqueue(sleep(tid, c.lock));
      enqueue.assign({ lockWaiters: withWaiter(c.lockWaiters, 'request', tid) });
    }),
  },
  fault: {
    programmed: programmedThen('pushingJob'),
    // Re-take the lock to push the job: the bug.
    pushingJob: {
      meta: { defer: ['drv.fault', 'drv.deviceFault', 'drv.submit'] },
      entry: 'takeUpdateLockToPush',
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
