/**
 * dmirror's command-side actions (docs/kernel-semantics.md §5.2, §5.6, §5.7): accepting and answering
 * a command, open / close / release (the notifier insert and remove, device memory eviction),
 * and taking the update lock in the caller's thread.
 */
import { assign, enqueueActions } from 'xstate';
import { EBUSY, EFAULT, EINVAL, ENOENT, EPERM } from '../errno.ts';
import { MM_TASK_SIZE } from '../mm/types.ts';
import { hasAtomicEntry } from './device-table.ts';
import { cmdOf, dmirrorActions, type Ev, type Message, send, sleep, withCmd } from './dmirror-action-support.ts';
import { newCommand, preambleError } from './dmirror-preamble.ts';
import { DMIRROR_COMMANDS, type DmirrorCommandName } from './dmirror-types.ts';

const IOCTLS: DmirrorCommandName[] = DMIRROR_COMMANDS.filter((c) => c !== 'OPEN' && c !== 'CLOSE');

export const commandActions = dmirrorActions({
  // ---- commands: accept and answer -------------------------------------------------
  acceptCommand: assign(({ context, event }) => ({ cmd: newCommand(context, event as Ev<'dmirror.cmd'>) })),
  replyRejectedCommand: enqueueActions(({ context, event, enqueue }) => {
    const e = event as Ev<'dmirror.cmd'>;
    enqueue(send(e.replyTo, { type: 'dmirror.result', tid: e.tid, cmd: e.cmd, result: preambleError(context, e) }));
  }),
  /** The ioctl's copy-out: counters (and data) only on success; an error leaves them unchanged. */
  replyCommand: enqueueActions(({ context, enqueue }) => {
    const c = cmdOf(context);
    const reply: Record<string, unknown> = { type: 'dmirror.result', tid: c.tid, cmd: c.cmd, result: c.result };
    if (c.result >= 0 && IOCTLS.includes(c.cmd)) reply.counters = { cpages: c.cpages, faults: c.faults };
    if (c.result >= 0 && ['READ', 'MIGRATE_TO_DEV', 'SNAPSHOT', 'EXCLUSIVE'].includes(c.cmd)) reply.value = c.out;
    enqueue(send(c.replyTo, reply as Message));
    enqueue.assign({ cmd: null });
  }),
  failNoEntry: assign(({ context }) => withCmd(context, { result: ENOENT })),
  failInvalid: assign(({ context }) => withCmd(context, { result: EINVAL })),
  failFault: assign(({ context }) => withCmd(context, { result: EFAULT })),
  failBusy: assign(({ context }) => withCmd(context, { result: EBUSY })),
  recordResult: assign(({ context, event }) => withCmd(context, { result: (event as { result: number }).result })),

  // ---- open / close / release ------------------------------------------------------
  /** open(): one interval notifier over the whole address space of the opener's mm. */
  insertNotifier: enqueueActions(({ context, enqueue }) => {
    const { tid } = cmdOf(context);
    enqueue(
      send(context.core, {
        type: 'core.insert',
        replyTo: context.id,
        tid,
        sub: context.sub,
        start: 0,
        length: MM_TASK_SIZE,
      }),
    );
  }),
  recordOpened: assign(({ context, event }) => {
    const result = (event as Ev<'core.insertResult'>).result;
    return { open: result === 0, ...withCmd(context, { result }) };
  }),
  removeNotifier: enqueueActions(({ context, enqueue }) => {
    enqueue(
      send(context.core, { type: 'core.remove', replyTo: context.id, tid: cmdOf(context).tid, sub: context.sub }),
    );
    enqueue(sleep(cmdOf(context).tid, context.core));
  }),
  /** Evict every page of the device's memory back to system memory (RELEASE, close). */
  evictDeviceMemory: enqueueActions(({ context, enqueue }) => {
    enqueue(
      send(context.mm, {
        type: 'mm.evictDevice',
        replyTo: context.id,
        tid: cmdOf(context).tid,
        owner: context.owner,
      }),
    );
  }),
  freeDeviceChunks: assign(({ context }) => ({
    devmem: { chunks: 0, allocated: 0 },
    ...withCmd(context, { result: 0 }),
  })),
  destroyMirror: assign(({ context }) => ({ open: false, table: {}, ...withCmd(context, { result: 0 }) })),
  /** HMM_DMIRROR_FLAGS: the command's npages is the new flags word (after v6.12). */
  setFlags: assign(({ context }) => ({ flags: cmdOf(context).npages, ...withCmd(context, { result: 0 }) })),
  checkAtomicEntries: assign(({ context }) => {
    const c = cmdOf(context);
    return withCmd(context, { result: hasAtomicEntry(context.table, c.addr, c.end, context.pageSize) ? EPERM : 0 });
  }),

  // ---- the update lock, command side ------------------------------------------------
  lockMirror: enqueueActions(({ context, enqueue }) => {
    const { tid } = cmdOf(context);
    enqueue(send(context.lock, { type: 'lock.acquire', replyTo: context.id, tid, mode: 'write' }));
    enqueue(sleep(tid, context.lock));
  }),
  unlockMirror: enqueueActions(({ context, enqueue }) => {
    enqueue(send(context.lock, { type: 'lock.release', tid: cmdOf(context).tid }));
  }),
});
