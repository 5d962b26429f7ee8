/**
 * The rarer PTE producers a mirror sees (kernel-model.md §1.5, §5.7): device-private
 * migration (`migrate_vma_setup/pages/finalize`, dmirror MIGRATE_TO_DEV / MIGRATE_TO_SYS),
 * `make_device_exclusive_range`, and soft-dirty clearing (`/proc/pid/clear_refs`).
 *
 * Simplifications: one invalidation over the whole request range (the kernel works in chunks
 * of at most 64 pages and, for exclusive entries, page by page); device pages are allocated
 * from this mm's own pfn space with kind 'device'.
 */
import { EBUSY, EINVAL } from '../errno.ts';
import { blockable, invalidate, type OpHandler, pageRange, reply } from './attempt.ts';
import type { MmRequest } from './events.ts';
import { ensurePage } from './ops-access.ts';
import { MM_TASK_SIZE } from './types.ts';
import { rangeFullyMapped } from './vma.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;

/** MIGRATE (owner = the device) over the range; -EINVAL on a hole or once the mm is gone. */
export const migrateToDevice: OpHandler<Req<'mm.migrateToDevice'>> = (tx, req, progress) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  if (progress !== null) return reply(0);
  if (tx.m.mmUsers <= 0 || !rangeFullyMapped(tx.m.vmas, range.start, range.end)) return reply(EINVAL);
  return invalidate(
    blockable(range.start, range.end, 'MIGRATE', req.owner),
    { kind: 'migrateToDevice', ...range, owner: req.owner },
    { done: true },
  );
};

export const migrateToSystem: OpHandler<Req<'mm.migrateToSystem'>> = (tx, req, progress) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  if (progress !== null) return reply(0);
  if (tx.m.mmUsers <= 0 || !rangeFullyMapped(tx.m.vmas, range.start, range.end)) return reply(EINVAL);
  return invalidate(
    blockable(range.start, range.end, 'MIGRATE', req.owner),
    { kind: 'migrateBack', ...range, owner: req.owner },
    { done: true },
  );
};

/**
 * Fault every page in for write (as GUP does), then one EXCLUSIVE invalidation (owner = the
 * caller) and the entries become device-exclusive. A page that cannot be write-faulted
 * (no VMA, read-only VMA) → -EBUSY, as dmirror reports a short exclusive range.
 */
export const makeExclusive: OpHandler<Req<'mm.makeExclusive'>> = (tx, req, progress) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  if (progress !== null) return reply(0);
  if (tx.m.mmUsers <= 0) return reply(EINVAL);
  for (let a = range.start; a < range.end; a += tx.m.pageSize) {
    const got = ensurePage(tx, a, true);
    if (got.kind === 'error') return reply(EBUSY);
    if (got.kind === 'invalidate') return invalidate(got.inv, got.mutation);
  }
  return invalidate(
    blockable(range.start, range.end, 'EXCLUSIVE', req.owner),
    { kind: 'makeExclusive', ...range, owner: req.owner },
    { done: true },
  );
};

/** SOFT_DIRTY over the whole mm, then every writable entry is write-protected. */
export const clearRefs: OpHandler<Req<'mm.clearRefs'>> = (_tx, _req, progress) => {
  if (progress !== null) return reply(0);
  return invalidate(
    blockable(0, MM_TASK_SIZE, 'SOFT_DIRTY'),
    { kind: 'wrprotect', start: 0, end: MM_TASK_SIZE, cow: false },
    { done: true },
  );
};
