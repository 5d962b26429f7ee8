/**
 * The `callback` region of the driver: mmu_interval_notifier_ops.invalidate, run in the
 * invalidating thread's context (its tid owns the lock and the waits), docs/kernel-semantics.md §3.2,
 * §3.4, §3.5. Every `drv.invalidate` is answered by exactly one `drv.invalidateReturned`.
 *
 * States as predicates over context (c = context.callback):
 * - idle:                c = null
 * - tryLocking:          c.blockable = false; lock.tryAcquire sent (shadow-pte, svm)
 * - locking:             lock.acquire sent; c.tid may sleep
 * - seqSet:              (transient) c.holdsLock; set_seq sent (unless `missing-set-seq`);
 *                        c.fences = the fences published at that moment
 * - fenceWaitUnderLock:  c.holdsLock, waiting for c.fences[0] (userptr-fence-under-lock)
 * - fenceWaitAfterUnlock: ¬c.holdsLock, waiting for c.fences[0] (userptr-fence-after-unlock)
 * - zapping:             waiting for the device TLB flush of [c.start, c.end); the lock is
 *                        still held except after an after-unlock fence wait
 */
import { driverSetup } from './driver-setup.ts';

const busy = { defer: ['drv.invalidate'] };

export const callbackRegion = driverSetup.createStateConfig({
  initial: 'idle',
  states: {
    idle: {
      on: {
        'drv.invalidate': [
          { guard: 'eventIsOwnDeviceMemory', actions: 'returnWithoutInvalidating' },
          { guard: 'cacheIgnoresEvent', actions: 'returnWithoutInvalidating' },
          { guard: 'refusesNonBlockable', actions: 'refuseNonBlockable' },
          { guard: 'trylocksNonBlockable', target: 'tryLocking', actions: 'beginCallback' },
          // Blockable, or a driver that sleeps regardless (hfi1; bug `sleep-when-nonblockable`).
          { target: 'locking', actions: 'beginCallback' },
        ],
      },
    },
    tryLocking: {
      meta: busy,
      entry: 'tryTakeUpdateLock',
      on: {
        'lock.granted': { guard: 'lockGrantedToCallback', target: 'seqSet', actions: 'callbackGotLock' },
        'lock.busy': {
          guard: 'lockBusyForCallback',
          target: 'idle',
          actions: ['callbackLockBusy', 'returnLockBusy', 'finishCallback'],
        },
      },
    },
    locking: {
      meta: busy,
      entry: 'takeUpdateLockInCallback',
      on: { 'lock.granted': { guard: 'lockGrantedToCallback', target: 'seqSet', actions: 'callbackGotLock' } },
    },
    seqSet: {
      entry: ['setNotifierSeq', 'collectPublishedFences'],
      always: [
        { guard: 'waitsFencesUnderLock', target: 'fenceWaitUnderLock' },
        { guard: 'waitsFencesAfterUnlock', target: 'fenceWaitAfterUnlock', actions: 'releaseUpdateLockInCallback' },
        { target: 'zapping' },
      ],
    },
    fenceWaitUnderLock: {
      meta: busy,
      entry: 'waitNextFence',
      always: { guard: 'noFenceLeftToWait', target: 'zapping' },
      on: {
        'fence.waitResult': {
          guard: 'fenceWaitIsOurs',
          target: 'fenceWaitUnderLock',
          reenter: true,
          actions: 'fenceWaited',
        },
      },
    },
    fenceWaitAfterUnlock: {
      meta: busy,
      entry: 'waitNextFence',
      always: { guard: 'noFenceLeftToWait', target: 'zapping' },
      on: {
        'fence.waitResult': {
          guard: 'fenceWaitIsOurs',
          target: 'fenceWaitAfterUnlock',
          reenter: true,
          actions: 'fenceWaited',
        },
      },
    },
    zapping: {
      meta: busy,
      entry: 'zapDeviceRange',
      on: {
        'dev.zapped': {
          guard: 'zapIsOurs',
          target: 'idle',
          actions: ['unpinZappedPages', 'releaseUpdateLockInCallback', 'returnInvalidated', 'finishCallback'],
        },
      },
    },
  },
});
