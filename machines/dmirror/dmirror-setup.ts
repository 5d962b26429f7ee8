/**
 * The named guards and actions of the dmirror machine (kernel-model.md §5), shared by its two
 * regions (command-region.ts, callback-region.ts). Each is named after the kernel step it
 * stands for; the machine files only arrange them into states.
 *
 * Lock ownership: the command region takes the update lock with the caller's tid (`cmd.tid`),
 * the callback with the invalidating thread's tid (`callback.tid`). `table` is written only
 * while the region writing it holds the lock, except the migrate_to_ram erase (as in the kernel).
 */
import { assign, type EventObject, enqueueActions, setup } from 'xstate';
import { EBUSY, EFAULT, EINVAL, ENOENT, EPERM } from '../errno.ts';
import { kernelActions } from '../kernel-actions.ts';
import type { HmmPfn } from '../mm/hmm-walk.ts';
import type { MigratedPage } from '../mm/ops-migrate.ts';
import { MIGRATE_CHUNK_PAGES, MM_TASK_SIZE } from '../mm/types.ts';
import { patternValues } from './buffer-pattern.ts';
import {
  collectMapped,
  eraseExact,
  eraseInclusive,
  eraseWhere,
  hasAtomicEntry,
  storeMoved,
  storeWalk,
} from './device-table.ts';
import {
  type Command,
  DMIRROR_COMMANDS,
  type DmirrorCommandName,
  type DmirrorContext,
  type DmirrorEvent,
  type DmirrorInput,
} from './dmirror-types.ts';
import { snapshotByte } from './snapshot-bytes.ts';

/** Pages per fault, snapshot and exclusive chunk (dmirror's 64-entry pfn arrays). */
export const CHUNK_PAGES = MIGRATE_CHUNK_PAGES;
/** Device memory is added in chunks of DEVMEM_CHUNK_SIZE = 256 MiB. */
const DEVMEM_CHUNK_BYTES = 256 * 1024 * 1024;
const IOCTLS: DmirrorCommandName[] = DMIRROR_COMMANDS.filter((c) => c !== 'OPEN' && c !== 'CLOSE');

type Ev<T extends DmirrorEvent['type']> = Extract<DmirrorEvent, { type: T }>;

type Message = { type: string; [field: string]: unknown };

function send(to: string, event: Message) {
  return { type: 'kSend' as const, params: { to, event: event as EventObject } };
}

function sleep(tid: string, on: string) {
  return { type: 'kObserve' as const, params: { kind: 'sleep', tid, on } };
}

/** §5.6 preamble: the error a command is refused with before it starts, or 0. */
export function preambleError(c: DmirrorContext, e: Ev<'dmirror.cmd'>): number {
  if (!(DMIRROR_COMMANDS as readonly string[]).includes(e.cmd)) return EINVAL;
  if (e.cmd === 'OPEN') return c.open ? EINVAL : 0;
  if (!c.open) return EINVAL;
  if (e.cmd === 'CLOSE') return 0;
  const addr = e.addr ?? -1;
  const npages = e.npages ?? 0;
  if (!Number.isInteger(addr) || addr < 0 || addr % c.pageSize !== 0) return EINVAL;
  if (!Number.isInteger(npages) || npages <= 0 || !Number.isSafeInteger(addr + npages * c.pageSize)) return EINVAL;
  if (e.cmd === 'WRITE' && callerBuffer(c, e).length < npages * c.wordsPerPage) return EFAULT;
  return 0;
}

/** WRITE's source buffer (copy_from_user): the words given, or those a pattern stands for. */
function callerBuffer(c: DmirrorContext, e: Ev<'dmirror.cmd'>): number[] {
  const length = (e.npages ?? 0) * c.wordsPerPage;
  if (Array.isArray(e.pattern)) return patternValues(e.pattern, length);
  return Array.isArray(e.data) ? e.data.slice(0, length) : [];
}

function newCommand(c: DmirrorContext, e: Ev<'dmirror.cmd'>): Command {
  const addr = e.addr ?? 0;
  const npages = e.npages ?? 0;
  return {
    replyTo: e.replyTo,
    tid: e.tid,
    cmd: e.cmd as DmirrorCommandName,
    addr,
    npages,
    end: addr + npages * c.pageSize,
    data: e.cmd === 'WRITE' ? callerBuffer(c, e) : [],
    out: [],
    cursor: addr,
    batch: [],
    cpages: 0,
    faults: 0,
    fault: null,
    moved: [],
    result: 0,
  };
}

const cmdOf = (c: DmirrorContext): Command => c.cmd!;
const chunkEnd = (c: DmirrorContext, from: number) => Math.min(cmdOf(c).end, from + CHUNK_PAGES * c.pageSize);
const withCmd = (c: DmirrorContext, patch: Partial<Command>) => ({ cmd: { ...cmdOf(c), ...patch } });
const order = (pageSize: number, bytes: number) => Math.round(Math.log2(bytes / pageSize));

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
    forCallback: ({ context, event }) => 'tid' in event && event.tid === context.callback?.tid,
    mmGone: ({ event }) => event.type === 'mm.result' && event.result < 0,
    walkBusy: ({ event }) => event.type === 'hmm.rangeResult' && event.result === EBUSY,
    walkFailed: ({ event }) => event.type === 'hmm.rangeResult' && event.result < 0,
    seqCollided: ({ event }) => event.type === 'sub.retryResult' && event.retry,
    outOfRetries: ({ context }) => cmdOf(context).fault!.tries >= context.maxRetries,
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

    // ---- copying between the caller's buffer and the mapped pages (§5.7 READ, WRITE) -----
    collectMappedPages: assign(({ context }) => {
      const c = cmdOf(context);
      return withCmd(context, {
        batch: collectMapped(context.table, c.cursor, c.end, c.cmd === 'WRITE', context.pageSize),
      });
    }),
    transferBatch: enqueueActions(({ context, enqueue }) => {
      const c = cmdOf(context);
      const base = { replyTo: context.id, tid: c.tid, dev: context.id, pages: c.batch };
      if (c.cmd !== 'WRITE') enqueue(send(context.mm, { type: 'mm.devRead', ...base }));
      else {
        const from = ((c.cursor - c.addr) / context.pageSize) * context.wordsPerPage;
        const data = c.data.slice(from, from + c.batch.length * context.wordsPerPage);
        enqueue(send(context.mm, { type: 'mm.devWrite', ...base, data }));
      }
    }),
    recordTransfer: assign(({ context, event }) => {
      const c = cmdOf(context);
      const words = c.cmd === 'WRITE' ? [] : ((event as Ev<'mm.result'>).value as number[]);
      return withCmd(context, {
        out: [...c.out, ...words],
        cursor: c.cursor + c.batch.length * context.pageSize,
        batch: [],
      });
    }),
    countCopiedPages: assign(({ context }) => withCmd(context, { cpages: cmdOf(context).npages })),
    beginReadBack: assign(({ context }) => withCmd(context, { cursor: cmdOf(context).addr, out: [] })),

    // ---- the fault and snapshot loop (§5.5, §5.7 SNAPSHOT) ------------------------------
    /** One fault round over `[first missing page, end)`: `faults` counts rounds, not retries. */
    beginFaultPath: assign(({ context }) => {
      const c = cmdOf(context);
      const fault = {
        start: c.cursor,
        end: c.end,
        write: c.cmd === 'WRITE',
        chunkStart: c.cursor,
        chunkEnd: chunkEnd(context, c.cursor),
        seq: null,
        tries: 0,
        pfns: [],
      };
      return withCmd(context, { fault, faults: c.faults + 1 });
    }),
    mmgetNotZero: enqueueActions(({ context, enqueue }) => {
      enqueue(send(context.mm, { type: 'mm.get', replyTo: context.id, tid: cmdOf(context).tid }));
    }),
    mmput: enqueueActions(({ context, enqueue }) => {
      enqueue(send(context.mm, { type: 'mm.put', tid: cmdOf(context).tid }));
    }),
    notifierReadBegin: enqueueActions(({ context, enqueue }) => {
      const { tid } = cmdOf(context);
      enqueue(send(context.sub, { type: 'sub.readBegin', replyTo: context.id, tid }));
      enqueue(sleep(tid, context.sub));
    }),
    recordNotifierSeq: assign(({ context, event }) => {
      const c = cmdOf(context);
      return withCmd(context, { fault: { ...c.fault!, seq: (event as Ev<'sub.readBeginResult'>).seq } });
    }),
    /** hmm_range_fault over the chunk: REQ_FAULT (| REQ_WRITE) for faults, no flags for SNAPSHOT. */
    hmmRangeFault: enqueueActions(({ context, enqueue }) => {
      const c = cmdOf(context);
      const f = c.fault!;
      enqueue(
        send(context.mm, {
          type: 'hmm.rangeFault',
          replyTo: context.id,
          tid: c.tid,
          start: f.chunkStart,
          end: f.chunkEnd,
          fault: c.cmd !== 'SNAPSHOT',
          write: f.write,
          owner: context.owner,
          sub: context.sub,
          seq: f.seq,
        }),
      );
    }),
    recordWalk: assign(({ context, event }) => {
      const c = cmdOf(context);
      return withCmd(context, { fault: { ...c.fault!, pfns: (event as Ev<'hmm.rangeResult'>).pfns } });
    }),
    notifierReadRetry: enqueueActions(({ context, enqueue }) => {
      const c = cmdOf(context);
      enqueue(send(context.sub, { type: 'sub.readRetry', replyTo: context.id, tid: c.tid, seq: c.fault!.seq }));
    }),
    /** Under the lock, after read_retry passed: program the table, or encode SNAPSHOT bytes. */
    mirrorWalkedPages: assign(({ context }) => {
      const c = cmdOf(context);
      const f = c.fault!;
      if (c.cmd === 'SNAPSHOT') {
        const pmd = order(context.pageSize, 2 * 1024 * 1024);
        const pud = order(context.pageSize, 1024 * 1024 * 1024);
        const bytes = f.pfns.map((p: HmmPfn) => snapshotByte(p, context.owner, pmd, pud));
        return withCmd(context, { out: [...c.out, ...bytes], cpages: c.cpages + bytes.length });
      }
      const stored = storeWalk(context.table, f.pfns, f.write, context.owner, context.pageSize);
      return { table: stored.table, ...withCmd(context, { result: stored.result }) };
    }),
    nextChunk: assign(({ context }) => {
      const f = cmdOf(context).fault!;
      const next = {
        ...f,
        chunkStart: f.chunkEnd,
        chunkEnd: chunkEnd(context, f.chunkEnd),
        seq: null,
        tries: 0,
        pfns: [],
      };
      return withCmd(context, { fault: next });
    }),
    countRetry: assign(({ context }) => {
      const f = cmdOf(context).fault!;
      return withCmd(context, { fault: { ...f, tries: f.tries + 1, seq: null, pfns: [] } });
    }),
    endFaultPath: assign(({ context }) => withCmd(context, { fault: null })),
    beginSnapshot: assign(({ context }) => {
      const c = cmdOf(context);
      const fault = {
        start: c.addr,
        end: c.end,
        write: false,
        chunkStart: c.addr,
        chunkEnd: chunkEnd(context, c.addr),
        seq: null,
        tries: 0,
        pfns: [],
      };
      return withCmd(context, { fault });
    }),

    // ---- migrations (§5.7 MIGRATE_TO_DEV, MIGRATE_TO_SYS) -----------------------------
    /**
     * Entries the migration is about to replace are dropped first (the kernel replaces them
     * after migrate_vma_pages, while the old pages are still held): to device, the entries of
     * system pages; to system, the entries of this device's pages.
     */
    dropEntriesAboutToMove: assign(({ context }) => {
      const c = cmdOf(context);
      const device = c.cmd === 'MIGRATE_TO_SYS';
      return { table: eraseWhere(context.table, c.addr, c.end, context.pageSize, device) };
    }),
    requestMigration: enqueueActions(({ context, enqueue }) => {
      const c = cmdOf(context);
      const type = c.cmd === 'MIGRATE_TO_DEV' ? 'mm.migrateToDevice' : 'mm.migrateToSystem';
      const length = c.end - c.addr;
      enqueue(
        send(context.mm, {
          type,
          replyTo: context.id,
          tid: c.tid,
          addr: c.addr,
          length,
          owner: context.owner,
          memory: context.memory,
        }),
      );
    }),
    recordMovedPages: assign(({ context, event }) => {
      const e = event as Ev<'mm.result'>;
      return withCmd(context, {
        moved: (e.value as MigratedPage[] | undefined) ?? [],
        result: e.result < 0 ? e.result : 0,
      });
    }),
    storeMigratedPages: assign(({ context }) => {
      const c = cmdOf(context);
      const allocated = context.devmem.allocated + c.moved.length;
      const perChunk = DEVMEM_CHUNK_BYTES / context.pageSize;
      const chunks = Math.max(context.devmem.chunks, Math.ceil(allocated / perChunk));
      return {
        table: storeMoved(context.table, c.moved, null, true, context.pageSize),
        devmem: { chunks, allocated },
        ...withCmd(context, { moved: [] }),
      };
    }),
    countMigratedBack: assign(({ context }) => withCmd(context, { cpages: cmdOf(context).moved.length, moved: [] })),

    // ---- EXCLUSIVE (§5.7) --------------------------------------------------------------
    /** make_device_exclusive_range over one chunk, with a NULL owner (dmirror's choice). */
    makeDeviceExclusive: enqueueActions(({ context, enqueue }) => {
      const c = cmdOf(context);
      const length = chunkEnd(context, c.cursor) - c.cursor;
      enqueue(
        send(context.mm, {
          type: 'mm.makeExclusive',
          replyTo: context.id,
          tid: c.tid,
          addr: c.cursor,
          length,
          owner: null,
        }),
      );
    }),
    storeAtomicEntries: assign(({ context }) => {
      const c = cmdOf(context);
      return {
        table: storeMoved(context.table, c.moved, 'atomic', false, context.pageSize),
        ...withCmd(context, { moved: [], cursor: chunkEnd(context, c.cursor) }),
      };
    }),

    // ---- the invalidate callback (§5.4) -----------------------------------------------
    beginCallback: assign(({ event }) => {
      const e = event as Ev<'drv.invalidate'>;
      return {
        callback: { sub: e.sub, tid: e.tid, start: e.start, end: e.end, curSeq: e.curSeq, blockable: e.blockable },
      };
    }),
    returnWithoutInvalidating: enqueueActions(({ event, enqueue }) => {
      const e = event as Ev<'drv.invalidate'>;
      enqueue(send(e.sub, { type: 'drv.invalidateReturned', sub: e.sub, ok: true }));
    }),
    /** migrate_to_ram's `xa_erase` of exactly the migrating page (no set_seq, no mutex). */
    eraseMigratedPage: assign(({ context, event }) => {
      const e = event as Ev<'drv.invalidate'>;
      return { table: eraseExact(context.table, e.start, e.end, context.pageSize) };
    }),
    trylockMirror: enqueueActions(({ context, enqueue }) => {
      enqueue(
        send(context.lock, { type: 'lock.tryAcquire', replyTo: context.id, tid: context.callback!.tid, mode: 'write' }),
      );
    }),
    lockMirrorInCallback: enqueueActions(({ context, enqueue }) => {
      const { tid } = context.callback!;
      enqueue(send(context.lock, { type: 'lock.acquire', replyTo: context.id, tid, mode: 'write' }));
      enqueue(sleep(tid, context.lock));
    }),
    setNotifierSeq: enqueueActions(({ context, enqueue }) => {
      const cb = context.callback!;
      enqueue(send(cb.sub, { type: 'sub.setSeq', curSeq: cb.curSeq, tid: cb.tid }));
    }),
    eraseInvalidatedRange: assign(({ context }) => {
      const cb = context.callback!;
      return { table: eraseInclusive(context.table, cb.start, cb.end, context.pageSize) };
    }),
    unlockMirrorInCallback: enqueueActions(({ context, enqueue }) => {
      enqueue(send(context.lock, { type: 'lock.release', tid: context.callback!.tid }));
    }),
    returnInvalidated: enqueueActions(({ context, enqueue }) => {
      const cb = context.callback!;
      enqueue(send(cb.sub, { type: 'drv.invalidateReturned', sub: cb.sub, ok: true }));
      enqueue.assign({ callback: null });
    }),
    /** Non-blockable and the lock is taken: the range must be retried later (false). */
    returnBusy: enqueueActions(({ context, enqueue }) => {
      const cb = context.callback!;
      enqueue(send(cb.sub, { type: 'drv.invalidateReturned', sub: cb.sub, ok: false }));
      enqueue.assign({ callback: null });
    }),
  },
});
