/**
 * The `callback` region of the driver: mmu_interval_notifier_ops.invalidate, run in each
 * invalidating thread's context (its tid owns the lock and the waits), docs/kernel-semantics.md
 * §3.2, §3.4, §3.5. Two threads' invalidations may be in it at once (the notifier core calls
 * them in parallel): each is a `CallbackRun` in `callbacks`, and every message it waits for
 * names its thread. Every `drv.invalidate` is answered by exactly one `drv.invalidateReturned`
 * naming the same thread.
 *
 * States as predicates over context: `idle` ⇔ callbacks = []; `running` ⇔ callbacks ≠ [].
 * Each run c ∈ callbacks is in one of these steps (c.step; the transitions below are keyed by
 * the thread an answer names):
 * - tryLocking:  c.blockable = false; lock.tryAcquire sent (shadow-pte, svm, the cache)
 * - locking:     lock.acquire sent; c.tid may sleep
 * - on lock.granted: c.holdsLock; set_seq sent (unless `missing-set-seq`); c.fences = the
 *                fences published at that moment; then a fence wait or the zap
 * - fenceWait:   waiting for c.fences[0], with c.holdsLock (userptr-fence-under-lock) or
 *                after releasing it (userptr-fence-after-unlock)
 * - zapping:     waiting for the device TLB flush of [c.start, c.end); the lock is still
 *                held except after an after-unlock fence wait
 */
import { and } from 'xstate';
import { driverSetup } from './driver-setup.ts';

const invalidate = [
  // A thread is in one invalidation at a time, so it never calls a second callback while its
  // first runs: no such message is ever sent (a hand-made one is dropped here).
  { guard: 'threadAlreadyInCallback' },
  { guard: 'eventIsOwnDeviceMemory', actions: 'returnWithoutInvalidating' },
  { guard: 'cacheIgnoresEvent', actions: 'returnWithoutInvalidating' },
  { guard: 'refusesNonBlockable', actions: 'refuseNonBlockable' },
  { guard: 'trylocksNonBlockable', actions: ['beginCallback', 'tryTakeUpdateLock'] },
  // Blockable, or a driver that sleeps regardless (hfi1; bug `sleep-when-nonblockable`).
  { actions: ['beginCallback', 'takeUpdateLockInCallback'] },
] as const;

export const callbackRegion = driverSetup.createStateConfig({
  initial: 'idle',
  states: {
    idle: {
      always: { guard: 'callbackRunning', target: 'running' },
      on: { 'drv.invalidate': invalidate },
    },
    running: {
      always: { guard: 'noCallbackRunning', target: 'idle' },
      on: {
        'drv.invalidate': invalidate,
        'lock.granted': [
          {
            guard: and(['lockGrantedToCallback', 'waitsFencesUnderLock']),
            actions: ['callbackGotLock', 'setNotifierSeq', 'collectPublishedFences', 'waitNextFenceOrZap'],
          },
          {
            guard: and(['lockGrantedToCallback', 'waitsFencesAfterUnlock']),
            actions: [
              'callbackGotLock',
              'setNotifierSeq',
              'collectPublishedFences',
              'releaseUpdateLockInCallback',
              'waitNextFenceOrZap',
            ],
          },
          {
            guard: 'lockGrantedToCallback',
            actions: ['callbackGotLock', 'setNotifierSeq', 'collectPublishedFences', 'zapDeviceRange'],
          },
        ],
        'lock.busy': {
          guard: 'lockBusyForCallback',
          actions: ['callbackLockBusy', 'returnLockBusy', 'finishCallback'],
        },
        'fence.waitResult': { guard: 'fenceWaitIsOurs', actions: ['fenceWaited', 'waitNextFenceOrZap'] },
        'dev.zapped': {
          guard: 'zapIsOurs',
          actions: ['unpinZappedPages', 'releaseUpdateLockInCallback', 'returnInvalidated', 'finishCallback'],
        },
      },
    },
  },
});
