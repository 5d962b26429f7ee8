// BUG: a userptr callback that only marks the range invalid (lock, set_seq, unlock) and
// returns, trusting the next submission to revalidate: it neither waits for the job already
// running on those pages nor stops the device, which keeps using pages the core then frees.
import { rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({
  id: 'userptr-no-fence-wait',
  profile: 'userptr-fence-after-unlock',
  callbackOn: {
    'lock.granted': {
      guard: 'lockGrantedToCallback',
      actions: [
        'callbackGotLock',
        'setNotifierSeq',
        'releaseUpdateLockInCallback',
        'returnInvalidated',
        'finishCallback',
      ],
    },
  },
});
