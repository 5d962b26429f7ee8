/**
 * The `callback` region: `dmirror_interval_invalidate`, the per-open notifier's ops->invalidate
 * (docs/kernel-semantics.md §5.4), run in the invalidating thread's context (`callback.tid`).
 *
 * States, as predicates over context:
 *   idle        callback = null
 *   trylocking  callback ≠ null ∧ ¬blockable, a lock.tryAcquire outstanding
 *   locking     callback ≠ null ∧ blockable, a lock.acquire outstanding (the thread sleeps)
 * Holding the lock, the callback sets the seq, erases the range with its inclusive upper bound,
 * unlocks and returns true in one step. A MIGRATE of this device's own memory is not
 * invalidated: this command's own migration returns at once, and a CPU fault's migration of a
 * device page back to RAM (the device's migrate_to_ram) erases exactly that page, no set_seq.
 */
import { dmirrorSetup } from './dmirror-setup.ts';

const DEFER = { defer: ['drv.invalidate'] };

export const callbackRegion = dmirrorSetup.createStateConfig({
  initial: 'idle',
  states: {
    idle: {
      on: {
        'drv.invalidate': [
          { guard: 'ownMigrationInProgress', actions: 'returnWithoutInvalidating' },
          { guard: 'ownPageMigratingToRam', actions: ['eraseMigratedPage', 'returnWithoutInvalidating'] },
          { guard: 'rangeNotBlockable', target: 'trylocking', actions: 'beginCallback' },
          { target: 'locking', actions: 'beginCallback' },
        ],
      },
    },
    trylocking: {
      meta: DEFER,
      entry: 'trylockMirror',
      on: {
        'lock.granted': { guard: 'forCallback', target: 'invalidating' },
        'lock.busy': { guard: 'forCallback', target: 'idle', actions: 'returnBusy' },
      },
    },
    locking: {
      meta: DEFER,
      entry: 'lockMirrorInCallback',
      on: { 'lock.granted': { guard: 'forCallback', target: 'invalidating' } },
    },
    invalidating: {
      entry: ['setNotifierSeq', 'eraseInvalidatedRange', 'unlockMirrorInCallback', 'returnInvalidated'],
      always: 'idle',
    },
  },
});
