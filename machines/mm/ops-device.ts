/**
 * The rarer PTE producers a mirror sees (docs/kernel-semantics.md §1.5, §5.7):
 * `make_device_exclusive_range` and soft-dirty clearing (`/proc/pid/clear_refs`). Device
 * migrations are in ops-migrate.ts.
 *
 * Simplification: one EXCLUSIVE invalidation over the whole request range (the kernel sends
 * one per page; the union is the same).
 */
import { EBUSY, EINVAL } from '../errno.ts';
import { blockable, invalidate, type OpHandler, pageRange, reply } from './attempt.ts';
import type { MmRequest } from './events.ts';
import { ensurePage } from './ops-access.ts';
import type { Tx } from './pages.ts';
import { MM_TASK_SIZE } from './types.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;

/**
 * Fault every page in for write (as GUP does), then one EXCLUSIVE invalidation (owner = the
 * caller) and the entries become device-exclusive. A page that cannot be write-faulted
 * (no VMA, read-only VMA) → -EBUSY, as dmirror reports a short exclusive range.
 */
export const makeExclusive: OpHandler<Req<'mm.makeExclusive'>> = (tx, req, progress) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  if (progress !== null) return reply(0, exclusivePages(tx, range.start, range.end));
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

/** The pages of `[start, end)` now device-exclusive, as make_device_exclusive_range returns them. */
function exclusivePages(tx: Tx, start: number, end: number) {
  const { m } = tx;
  const out: { addr: number; pfn: number; gen: number; version: number; write: boolean }[] = [];
  for (let a = start; a < end; a += m.pageSize) {
    const pte = m.ptes[a / m.pageSize];
    if (pte?.kind !== 'deviceExclusive') continue;
    out.push({
      addr: a,
      pfn: pte.pfn,
      gen: m.pages[pte.pfn].gen,
      version: m.versions[a / m.pageSize] ?? 0,
      write: pte.write,
    });
  }
  return out;
}

/** SOFT_DIRTY over the whole mm, then every writable entry is write-protected. */
export const clearRefs: OpHandler<Req<'mm.clearRefs'>> = (_tx, _req, progress) => {
  if (progress !== null) return reply(0);
  return invalidate(
    blockable(0, MM_TASK_SIZE, 'SOFT_DIRTY'),
    { kind: 'wrprotect', start: 0, end: MM_TASK_SIZE, cow: false },
    { done: true },
  );
};
