/**
 * The named guards and actions of the dmirror machine (docs/kernel-semantics.md §5), shared by its two
 * regions (command-region.ts, callback-region.ts). Each is named after the kernel step it
 * stands for; the machine files only arrange them into states.
 *
 * The actions are split by concern: dmirror-command-actions.ts (accept and answer, open /
 * close / release, the command's lock), dmirror-fault-actions.ts (copying, the fault and
 * snapshot loop), dmirror-migrate-actions.ts (migrations, EXCLUSIVE) and
 * dmirror-callback-actions.ts (the invalidate callback); the command preamble is in
 * dmirror-preamble.ts and what the action files share in dmirror-action-support.ts.
 *
 * Lock ownership: the command region takes the update lock with the caller's tid (`cmd.tid`),
 * each callback with its invalidating thread's tid (`callbacks[i].tid`). `table` is written only
 * while the region writing it holds the lock, except the migrate_to_ram erase (as in the kernel).
 */
import { setup } from 'xstate';
import { EBUSY } from '../errno.ts';
import { kernelActions } from '../kernel-actions.ts';
import { retriesExhausted } from '../retry-bound.ts';
import { chunkEnd, cmdOf } from './dmirror-action-support.ts';
import { callbackActions } from './dmirror-callback-actions.ts';
import { commandActions } from './dmirror-command-actions.ts';
import { faultActions } from './dmirror-fault-actions.ts';
import { migrateActions } from './dmirror-migrate-actions.ts';
import { preambleError } from './dmirror-preamble.ts';
import type { DmirrorCommandName, DmirrorContext, DmirrorEvent, DmirrorInput } from './dmirror-types.ts';

export { CHUNK_PAGES } from './dmirror-action-support.ts';
export { preambleError } from './dmirror-preamble.ts';

export const dmirrorSetup = setup({
  types: {
    context: {} as DmirrorContext,
    events: {} as DmirrorEvent,
    input: {} as DmirrorInput,
  },
  guards: {
    commandRejected: ({ context, event }) => event.type === 'dmirror.cmd' && preambleError(context, event) < 0,
    commandIs: ({ context }, params: { cmds: DmirrorCommandName[] }) => params.cmds.includes(cmdOf(context).cmd),
    forCommand: ({ context, event }) => 'tid' in event && event.tid === context.cmd?.tid,
    forCallback: ({ context, event }) => 'tid' in event && context.callbacks.some((c) => c.tid === event.tid),
    noCallbackRunning: ({ context }) => context.callbacks.length === 0,
    threadAlreadyInCallback: ({ context, event }) =>
      event.type === 'drv.invalidate' && context.callbacks.some((c) => c.tid === event.tid),
    callbackRunning: ({ context }) => context.callbacks.length > 0,
    mmGone: ({ event }) => event.type === 'mm.result' && event.result < 0,
    walkBusy: ({ event }) => event.type === 'hmm.rangeResult' && event.result === EBUSY,
    walkFailed: ({ event }) => event.type === 'hmm.rangeResult' && event.result < 0,
    seqCollided: ({ event }) => event.type === 'sub.retryResult' && event.retry,
    outOfRetries: ({ context }) => retriesExhausted(cmdOf(context).fault!.tries, context.maxRetries),
    commandFailed: ({ context }) => cmdOf(context).result < 0,
    moreChunks: ({ context }) => cmdOf(context).fault!.chunkEnd < cmdOf(context).fault!.end,
    moreExclusiveChunks: ({ context }) => cmdOf(context).cursor < cmdOf(context).end,
    nothingMapped: ({ context }) => cmdOf(context).batch.length === 0,
    copyComplete: ({ context }) => cmdOf(context).cursor >= cmdOf(context).end,
    chunkFullyExclusive: ({ context, event }) => {
      if (event.type !== 'mm.result' || event.result !== 0) return false;
      const c = cmdOf(context);
      return (event.value as unknown[]).length === (chunkEnd(context, c.cursor) - c.cursor) / context.pageSize;
    },
    /** This command's own migration (owner and thread match): the device maps the pages itself. */
    ownMigrationInProgress: ({ context, event }) =>
      event.type === 'drv.invalidate' &&
      event.event === 'MIGRATE' &&
      event.owner === context.owner &&
      event.tid === context.cmd?.tid &&
      (context.cmd.cmd === 'MIGRATE_TO_DEV' || context.cmd.cmd === 'MIGRATE_TO_SYS'),
    /** A CPU fault moving one of this device's pages back (the device's own migrate_to_ram). */
    ownPageMigratingToRam: ({ context, event }) =>
      event.type === 'drv.invalidate' && event.event === 'MIGRATE' && event.owner === context.owner,
    rangeNotBlockable: ({ event }) => event.type === 'drv.invalidate' && !event.blockable,
  },
  actions: {
    ...kernelActions,
    ...commandActions,
    ...faultActions,
    ...migrateActions,
    ...callbackActions,
  },
});
