/**
 * The `command` region: dmirror's file operations and ioctls (docs/kernel-semantics.md §5.2, §5.5–5.7),
 * one at a time, in the calling thread's context (`cmd.tid`). Later commands wait in the inbox.
 *
 * States, as predicates over context (c = context.cmd):
 *   idle               c = null
 *   opening / closing  c.cmd = OPEN / CLOSE: the notifier insert, or its removal then the
 *                      eviction of the device's memory
 *   releasing          c.cmd = RELEASE: eviction of the device's memory
 *   (FLAGS and CHECK_EXCLUSIVE answer at once from dispatch)
 *   copying.*          c.cmd ∈ {READ, WRITE}, or the read-back of MIGRATE_TO_DEV / EXCLUSIVE:
 *                      under the lock, c.batch = the mapped pages from c.cursor; transferred
 *                      through mm.devRead / mm.devWrite; c.cursor = the first page not copied
 *   walking.*          c.fault ≠ null: the fault path (READ, WRITE; c.faults = rounds so far)
 *                      or SNAPSHOT's walk, chunk [c.fault.chunkStart, c.fault.chunkEnd)
 *   migrating.*        c.cmd ∈ {MIGRATE_TO_DEV, MIGRATE_TO_SYS}; c.moved = pages moved
 *   exclusive.*        c.cmd = EXCLUSIVE, chunk from c.cursor
 *   replying           (transient) dmirror.result sent; c := null
 */
import { and } from 'xstate';
import { dmirrorSetup } from './dmirror-setup.ts';
import type { DmirrorCommandName } from './dmirror-types.ts';

const BUSY = { defer: ['dmirror.cmd'] };
const REPLY = '#dmirror.command.replying';
const is = (...cmds: DmirrorCommandName[]) => ({ type: 'commandIs' as const, params: { cmds } });

/** mmget_not_zero, then `next`; a gone mm ends the command with -EINVAL (§5.7). */
const mmgetThen = (next: string) => ({
  entry: 'mmgetNotZero' as const,
  on: {
    'mm.result': [
      { guard: and(['forCommand', 'mmGone']), target: REPLY, actions: 'failInvalid' as const },
      { guard: 'forCommand' as const, target: next },
    ],
  },
});

export const commandRegion = dmirrorSetup.createStateConfig({
  initial: 'idle',
  states: {
    idle: {
      on: {
        'dmirror.cmd': [
          { guard: 'commandRejected', actions: 'replyRejectedCommand' },
          { target: 'dispatch', actions: 'acceptCommand' },
        ],
      },
    },
    dispatch: {
      always: [
        { guard: is('OPEN'), target: 'opening' },
        { guard: is('CLOSE'), target: 'closing' },
        { guard: is('RELEASE'), target: 'releasing' },
        { guard: is('CHECK_EXCLUSIVE'), target: 'replying', actions: 'checkAtomicEntries' },
        { guard: is('FLAGS'), target: 'replying', actions: 'setFlags' },
        { guard: is('READ', 'WRITE'), target: 'copying' },
        { guard: is('SNAPSHOT'), target: 'walking', actions: 'beginSnapshot' },
        { guard: is('MIGRATE_TO_DEV', 'MIGRATE_TO_SYS'), target: 'migrating' },
        { guard: is('EXCLUSIVE'), target: 'exclusive' },
      ],
    },
    opening: {
      meta: BUSY,
      entry: 'insertNotifier',
      on: { 'core.insertResult': { guard: 'forCommand', target: 'replying', actions: 'recordOpened' } },
    },
    closing: {
      meta: BUSY,
      initial: 'removing',
      states: {
        removing: {
          entry: 'removeNotifier',
          // The notifier is gone: no invalidation will reach the table any more, so it goes
          // now (xa_destroy), before the device's memory is evicted.
          on: { 'core.removeResult': { guard: 'forCommand', target: 'evicting', actions: 'destroyMirror' } },
        },
        evicting: {
          entry: 'evictDeviceMemory',
          on: { 'mm.result': { guard: 'forCommand', target: REPLY, actions: 'freeDeviceChunks' } },
        },
      },
    },
    releasing: {
      meta: BUSY,
      entry: 'evictDeviceMemory',
      on: { 'mm.result': { guard: 'forCommand', target: 'replying', actions: 'freeDeviceChunks' } },
    },

    copying: {
      meta: BUSY,
      initial: 'locking',
      states: {
        locking: {
          entry: 'lockMirror',
          on: { 'lock.granted': { guard: 'forCommand', target: 'collecting', actions: ['collectMappedPages'] } },
        },
        collecting: {
          always: [
            { guard: 'nothingMapped', target: 'unlocked', actions: 'unlockMirror' },
            { target: 'transferring', actions: 'transferBatch' },
          ],
        },
        transferring: {
          on: { 'mm.result': { guard: 'forCommand', target: 'unlocked', actions: ['recordTransfer', 'unlockMirror'] } },
        },
        unlocked: {
          always: [
            { guard: 'copyComplete', target: REPLY, actions: 'countCopiedPages' },
            // READ / WRITE fault the rest in; a read-back after a migration does not (-ENOENT).
            { guard: is('READ', 'WRITE'), target: '#dmirror.command.walking', actions: 'beginFaultPath' },
            { target: REPLY, actions: 'failNoEntry' },
          ],
        },
      },
    },

    walking: {
      meta: BUSY,
      initial: 'getting',
      states: {
        getting: {
          entry: 'mmgetNotZero',
          on: {
            'mm.result': [
              { guard: and(['forCommand', 'mmGone', is('SNAPSHOT')]), target: REPLY, actions: 'failInvalid' },
              { guard: and(['forCommand', 'mmGone']), target: REPLY, actions: 'failFault' },
              { guard: 'forCommand', target: 'readBegin' },
            ],
          },
        },
        readBegin: {
          entry: 'notifierReadBegin',
          on: { 'sub.readBeginResult': { guard: 'forCommand', target: 'faulting', actions: 'recordNotifierSeq' } },
        },
        faulting: {
          entry: 'hmmRangeFault',
          on: {
            'hmm.rangeResult': [
              { guard: and(['forCommand', 'walkBusy']), target: 'retry' },
              { guard: and(['forCommand', 'walkFailed']), target: 'done', actions: 'recordResult' },
              { guard: 'forCommand', target: 'locking', actions: 'recordWalk' },
            ],
          },
        },
        locking: { entry: 'lockMirror', on: { 'lock.granted': { guard: 'forCommand', target: 'checking' } } },
        checking: {
          entry: 'notifierReadRetry',
          on: {
            'sub.retryResult': [
              { guard: and(['forCommand', 'seqCollided']), target: 'retry', actions: 'unlockMirror' },
              { guard: 'forCommand', target: 'mirrored', actions: ['mirrorWalkedPages', 'unlockMirror'] },
            ],
          },
        },
        mirrored: {
          always: [
            { guard: 'commandFailed', target: 'done' },
            { guard: 'moreChunks', target: 'readBegin', actions: 'nextChunk' },
            { target: 'done' },
          ],
        },
        retry: {
          always: [
            { guard: 'outOfRetries', target: 'done', actions: 'failBusy' },
            { target: 'readBegin', actions: 'countRetry' },
          ],
        },
        done: {
          entry: ['mmput', 'endFaultPath'],
          always: [
            { guard: 'commandFailed', target: REPLY },
            { guard: is('SNAPSHOT'), target: REPLY },
            { target: '#dmirror.command.copying' },
          ],
        },
      },
    },

    migrating: {
      meta: BUSY,
      initial: 'getting',
      states: {
        getting: mmgetThen('dropping'),
        dropping: {
          entry: 'lockMirror',
          on: {
            'lock.granted': {
              guard: 'forCommand',
              target: 'moving',
              actions: ['dropEntriesAboutToMove', 'unlockMirror'],
            },
          },
        },
        moving: {
          entry: 'requestMigration',
          on: { 'mm.result': { guard: 'forCommand', target: 'moved', actions: 'recordMovedPages' } },
        },
        moved: {
          always: [{ guard: is('MIGRATE_TO_DEV'), target: 'storing' }, { target: 'done' }],
        },
        storing: {
          entry: 'lockMirror',
          on: {
            'lock.granted': { guard: 'forCommand', target: 'done', actions: ['storeMigratedPages', 'unlockMirror'] },
          },
        },
        done: {
          entry: 'mmput',
          always: [
            { guard: 'commandFailed', target: REPLY },
            { guard: is('MIGRATE_TO_SYS'), target: REPLY, actions: 'countMigratedBack' },
            { target: '#dmirror.command.copying', actions: 'beginReadBack' },
          ],
        },
      },
    },

    exclusive: {
      meta: BUSY,
      initial: 'getting',
      states: {
        getting: mmgetThen('making'),
        making: {
          entry: 'makeDeviceExclusive',
          on: {
            'mm.result': [
              { guard: and(['forCommand', 'chunkFullyExclusive']), target: 'storing', actions: 'recordMovedPages' },
              { guard: 'forCommand', target: 'done', actions: 'failBusy' },
            ],
          },
        },
        storing: {
          entry: 'lockMirror',
          on: {
            'lock.granted': { guard: 'forCommand', target: 'stored', actions: ['storeAtomicEntries', 'unlockMirror'] },
          },
        },
        stored: {
          always: [{ guard: 'moreExclusiveChunks', target: 'making' }, { target: 'done' }],
        },
        done: {
          entry: 'mmput',
          always: [
            { guard: 'commandFailed', target: REPLY },
            { target: '#dmirror.command.copying', actions: 'beginReadBack' },
          ],
        },
      },
    },

    replying: {
      entry: 'replyCommand',
      always: 'idle',
    },
  },
});
