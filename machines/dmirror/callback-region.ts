/**
 * The `callback` region: `dmirror_interval_invalidate`, the per-open notifier's ops->invalidate
 * (docs/kernel-semantics.md §5.4), run in each invalidating thread's context: two threads'
 * invalidations may be in it at once, each kept by its tid in `callbacks`.
 *
 * States, as predicates over context:
 *   idle     callbacks = []
 *   running  callbacks ≠ []: each waits for its lock request (lock.tryAcquire when not
 *            blockable, lock.acquire, on which its thread sleeps, when blockable)
 * Holding the lock, a callback sets the seq, erases the range with its inclusive upper bound,
 * unlocks and returns true in one step; a failed trylock returns false. A MIGRATE of this
 * device's own memory is not invalidated: this command's own migration returns at once, and a
 * CPU fault's migration of a device page back to RAM (the device's migrate_to_ram) erases
 * exactly that page, no set_seq.
 */
import { dmirrorSetup } from './dmirror-setup.ts';

const invalidate = [
  // A thread is in one invalidation at a time: never a second callback of its while one runs
  // (a hand-made one is dropped here).
  { guard: 'threadAlreadyInCallback' },
  { guard: 'ownMigrationInProgress', actions: 'returnWithoutInvalidating' },
  { guard: 'ownPageMigratingToRam', actions: ['eraseMigratedPage', 'returnWithoutInvalidating'] },
  { guard: 'rangeNotBlockable', actions: ['beginCallback', 'trylockMirror'] },
  { actions: ['beginCallback', 'lockMirrorInCallback'] },
] as const;

export const callbackRegion = dmirrorSetup.createStateConfig({
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
        'lock.granted': {
          guard: 'forCallback',
          actions: ['setNotifierSeq', 'eraseInvalidatedRange', 'unlockMirrorInCallback', 'returnInvalidated'],
        },
        'lock.busy': { guard: 'forCallback', actions: 'returnBusy' },
      },
    },
  },
});
