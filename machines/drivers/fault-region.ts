/**
 * The `fault` region of the driver: the canonical mirror fault loop (docs/kernel-semantics.md §3.1,
 * Documentation/mm/hmm.rst), which also serves userptr submissions (§3.4).
 *
 * States as predicates over context (r = context.request):
 * - idle:                 r = null
 * - speculative.*:        r ≠ null, the update lock is not held by r.tid; r.pages may be stale
 *   - mmget:              (svm) waiting for mmget_not_zero (mmput follows the walk)
 *   - readBegin:          waiting for mmu_interval_read_begin; r.seq = null
 *   - walking / pinning:  r.seq set; waiting for hmm_range_fault / pin_user_pages
 *   - checkingUnlocked:   (bug `retry-outside-lock`) read_retry sent without the lock
 * - locked.acquiring:     waiting for the update lock (with `submitLockIntr`, a submission's
 *                         wait may end with lock.interrupted: it fails with -EINTR)
 * - locked.checking:      r.tid holds the update lock; waiting for read_retry
 * - programmed:           (transient) device entries written from r.pages under the lock;
 *                         a submission's fence is in context.published and its job in
 *                         context.submitted (jobs-region.ts); lock released on exit
 * - retry / failed:       (transient) restart from read_begin, or reply r.result < 0
 */
import { and } from 'xstate';
import { driverSetup } from './driver-setup.ts';
import { REQUEST_TYPES } from './driver-types.ts';

/** A busy fault region serves one request at a time: later ones wait in the inbox. */
const busy = { defer: [...REQUEST_TYPES] };

export const faultRegion = driverSetup.createStateConfig({
  initial: 'idle',
  meta: {
    ignore: {
      'dev.jobDone': 'a submission ends on its fence callback (jobs region); the job-done note adds nothing',
      'mm.result': 'the reply to a fire-and-forget mm.unpin (unpinning never waits)',
    },
  },
  states: {
    idle: {
      id: 'driverFaultIdle',
      on: {
        'drv.fault': { target: 'speculative', actions: 'acceptFaultRequest' },
        'drv.deviceFault': { target: 'speculative', actions: 'acceptDeviceFault' },
        'drv.submit': { target: 'speculative', actions: 'acceptSubmission' },
      },
    },
    speculative: {
      meta: busy,
      initial: 'start',
      states: {
        start: { always: [{ guard: 'mmHeldByCountOnly', target: 'mmget' }, { target: 'readBegin' }] },
        mmget: {
          entry: 'mmgetNotZero',
          on: {
            'mm.result': [
              { guard: 'mmgetFailed', target: '#driverFaultFailed', actions: 'failWithEfault' },
              { guard: 'mmgetSucceeded', target: 'readBegin' },
            ],
          },
        },
        readBegin: {
          entry: 'notifierReadBegin',
          on: {
            'sub.readBeginResult': [
              { guard: and(['replyIsForRequest', 'cachePinsPages']), target: 'pinning', actions: 'recordNotifierSeq' },
              { guard: 'replyIsForRequest', target: 'walking', actions: 'recordNotifierSeq' },
            ],
          },
        },
        walking: {
          entry: 'hmmRangeFault',
          on: { 'hmm.rangeResult': { guard: 'replyIsForRequest', target: 'walked', actions: 'recordWalk' } },
        },
        pinning: {
          entry: 'pinUserPages',
          on: { 'mm.result': { guard: 'pinReplyForRequest', target: 'walked', actions: 'recordPins' } },
        },
        // svm: mmput right after the walk (a counter drop: nothing to wait for).
        walked: { always: [{ guard: 'mmHeldByCountOnly', target: 'decide', actions: 'mmput' }, { target: 'decide' }] },
        decide: {
          always: [
            { guard: 'walkCollided', target: '#driverFaultRetry' },
            { guard: 'walkFailed', target: '#driverFaultFailed' },
            { guard: 'retryCheckedOutsideLock', target: 'checkingUnlocked' },
            { target: '#driverFaultLocked' },
          ],
        },
        // Planted bug `retry-outside-lock`: the collision check is not ordered against the
        // callback's set_seq + zap, so an invalidation can slip in before the map.
        checkingUnlocked: {
          entry: 'notifierReadRetry',
          on: {
            'sub.retryResult': [
              { guard: 'seqCollided', target: '#driverFaultRetry', actions: 'dropPinnedPages' },
              { guard: 'replyIsForRequest', target: '#driverFaultLocked' },
            ],
          },
        },
      },
    },
    locked: {
      id: 'driverFaultLocked',
      meta: busy,
      initial: 'acquiring',
      states: {
        acquiring: {
          entry: 'takeUpdateLock',
          on: {
            'lock.granted': [
              {
                guard: and(['lockGrantedToRequest', 'retryCheckedOutsideLock']),
                target: '#driverFaultProgrammed',
                actions: 'requestGotLock',
              },
              {
                guard: 'lockGrantedToRequest',
                target: 'checking',
                actions: 'requestGotLock',
              },
            ],
            'lock.interrupted': {
              guard: 'lockInterruptedForRequest',
              target: '#driverFaultFailed',
              actions: ['requestLockInterrupted', 'dropPinnedPages'],
            },
          },
        },
        checking: {
          entry: 'notifierReadRetry',
          on: {
            'sub.retryResult': [
              { guard: 'seqCollided', target: '#driverFaultRetry', actions: ['releaseUpdateLock', 'dropPinnedPages'] },
              { guard: 'replyIsForRequest', target: '#driverFaultProgrammed' },
            ],
          },
        },
      },
    },
    programmed: {
      id: 'driverFaultProgrammed',
      entry: ['programDevicePtes', 'cachePinnedPages', 'publishJobFence', 'submitJobToDevice', 'releaseUpdateLock'],
      always: [
        // The submitter waits for its fence in the jobs region: the next request is served now.
        { guard: 'requestIsSubmission', target: 'idle', actions: ['watchJobFence', 'finishRequest'] },
        { target: 'idle', actions: ['replyToRequester', 'finishRequest'] },
      ],
    },
    retry: {
      id: 'driverFaultRetry',
      always: [
        // HMM_RANGE_DEFAULT_TIMEOUT: give up with -EBUSY after maxRetries restarts.
        { guard: 'retriesExhausted', target: 'failed', actions: 'failWithEbusy' },
        { target: 'speculative', actions: 'countRetry' },
      ],
    },
    failed: {
      id: 'driverFaultFailed',
      entry: 'replyToRequester',
      always: { target: 'idle', actions: 'finishRequest' },
    },
  },
});
