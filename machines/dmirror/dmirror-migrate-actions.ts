/**
 * dmirror's actions that move pages (docs/kernel-semantics.md §5.7 MIGRATE_TO_DEV, MIGRATE_TO_SYS,
 * EXCLUSIVE): migrations to and from device memory, and device-exclusive (atomic) entries.
 */
import { assign, enqueueActions } from 'xstate';
import type { MigratedPage } from '../mm/ops-migrate.ts';
import { eraseWhere, storeMoved } from './device-table.ts';
import { chunkEnd, cmdOf, dmirrorActions, type Ev, send, withCmd } from './dmirror-action-support.ts';
import { DMIRROR_FLAG_FAIL_ALLOC } from './dmirror-types.ts';

/** Device memory is added in chunks of DEVMEM_CHUNK_SIZE = 256 MiB. */
const DEVMEM_CHUNK_BYTES = 256 * 1024 * 1024;

export const migrateActions = dmirrorActions({
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
        ...((context.flags & DMIRROR_FLAG_FAIL_ALLOC) !== 0 ? { failAlloc: true } : {}),
      }),
    );
  }),
  /** The pages moved; FAIL_ALLOC is cleared once an allocation used it up. */
  recordMovedPages: assign(({ context, event }) => {
    const e = event as Ev<'mm.result'>;
    const flags = e.allocFailed ? context.flags & ~DMIRROR_FLAG_FAIL_ALLOC : context.flags;
    return {
      flags,
      ...withCmd(context, {
        moved: (e.value as MigratedPage[] | undefined) ?? [],
        result: e.result < 0 ? e.result : 0,
      }),
    };
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
});
