/**
 * Device migrations as mm operations (docs/kernel-semantics.md §5.7): dmirror's MIGRATE_TO_DEV and
 * MIGRATE_TO_SYS loops (`migrate_vma_setup` / `_pages` / `_finalize` per chunk), and the
 * eviction of a device's memory (`migrate_device_range`, dmirror RELEASE and close).
 *
 * MIGRATE_TO_DEV / _SYS walk the range in chunks of at most `MIGRATE_CHUNK_PAGES` pages clipped
 * to the VMA, holding the mmap lock throughout. A chunk whose VMA is missing, lacks VM_READ, or
 * is hugetlb / VM_IO fails the request with -EINVAL; the chunks before it stay migrated. Each
 * chunk sends one MIGRATE invalidation (owner = the device) over the chunk, whatever it selects.
 * The reply's value lists the pages migrated, `{ addr, pfn, gen, version, write }`, also on
 * -EINVAL, so the caller can map what did move.
 *
 * FAIL_ALLOC (`failAlloc`, dmirror's HMM_DMIRROR_FLAGS after v6.12): the first page of the
 * request selected for migration gets no new page, and the reply says so (`allocFailed`). To
 * device: a page of a compound unit (`compoundBlock`) falls back to base pages, so the whole
 * block still moves but never becomes a device THP; a base page stays in system memory (its
 * read-back then fails with -ENOENT). To system: a device THP falls back to base pages (what
 * the model does anyway); a base page ends the chunk's allocations, so none of the chunk moves.
 *
 * Eviction sends one CLEAR invalidation per run of contiguous device pages of the owner
 * (`try_to_migrate_one` uses CLEAR; the kernel sends one per page, the union is the same)
 * and copies them back into system pages.
 */
import { EINVAL } from '../errno.ts';
import { type Attempt, blockable, invalidate, type OpHandler, pageRange, reply } from './attempt.ts';
import type { MmRequest } from './events.ts';
import { compoundBlock, isDevicePageOf, migratableToDevice } from './migrate-pages.ts';
import type { Tx } from './pages.ts';
import { type DeviceMemoryKind, MIGRATE_CHUNK_PAGES, MM_TASK_SIZE, type Mutation } from './types.ts';
import { findVma } from './vma.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;

/** One migrated page, as the reply reports it. */
export interface MigratedPage {
  addr: number;
  pfn: number;
  gen: number;
  version: number;
  write: boolean;
}

interface ChunkProgress {
  cursor: number;
  /** vpns selected in the chunk just migrated, to be confirmed from their new entries. */
  selected: number[];
  migrated: MigratedPage[];
  /** FAIL_ALLOC: the next allocation fails (true), it did (false), not asked (absent). */
  failAlloc?: boolean;
  /** Huge-page blocks whose compound allocation failed: they move as base pages. */
  split: number[];
}

/** What a failed first allocation changes in the chunk that makes it. */
export interface AllocFailure {
  /** To device: this page stays in system memory. */
  skip?: number;
  /** To device: the block (start address) moves as base pages. */
  split?: number;
  /** To system: nothing of the chunk from this address on moves. */
  until?: number;
}

function finish(result: number, migrated: MigratedPage[], p: ChunkProgress): Attempt {
  const out: Attempt = { kind: 'reply', result, value: migrated };
  return p.failAlloc === false ? { ...out, allocFailed: true } : out;
}

/** What the selected pages of the last chunk became (those that did move to `wanted`). */
function confirm(tx: Tx, selected: number[], owner: string, wanted: 'device' | 'system'): MigratedPage[] {
  const out: MigratedPage[] = [];
  for (const vpn of selected) {
    const pte = tx.m.ptes[vpn];
    const moved = wanted === 'device' ? isDevicePageOf(pte, owner, null) : pte?.kind === 'present';
    if (!moved || !pte || !('pfn' in pte)) continue;
    const write = 'write' in pte ? pte.write : false;
    const gen = tx.m.pages[pte.pfn].gen;
    out.push({ addr: vpn * tx.m.pageSize, pfn: pte.pfn, gen, version: tx.m.versions[vpn] ?? 0, write });
  }
  return out;
}

/**
 * The chunk loop shared by both directions: `select(vpn)` says which entries of a chunk the
 * migration takes; `mutation` builds the PTE change of one chunk.
 */
function chunkLoop(
  tx: Tx,
  req: { addr: number; length: number; owner: string; chunkPages?: number; failAlloc?: boolean },
  progress: unknown,
  wanted: 'device' | 'system',
  select: (vpn: number) => boolean,
  failFirst: (vpn: number) => AllocFailure,
  mutation: (start: number, end: number, failure: AllocFailure, split: number[]) => Mutation,
): Attempt {
  const { m } = tx;
  const range = pageRange(m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  if (m.mmUsers <= 0) return reply(EINVAL, []);
  const p = (progress as ChunkProgress | null) ?? {
    cursor: range.start,
    selected: [],
    migrated: [],
    split: [],
    ...(req.failAlloc ? { failAlloc: true } : {}),
  };
  const migrated = [...p.migrated, ...confirm(tx, p.selected, req.owner, wanted)];
  if (p.cursor >= range.end) return finish(0, migrated, p);
  const vma = findVma(m.vmas, p.cursor);
  if (!vma?.read || vma.hugetlb || vma.io) return finish(EINVAL, migrated, p);
  const chunk = (req.chunkPages ?? MIGRATE_CHUNK_PAGES) * m.pageSize;
  const next = Math.min(range.end, p.cursor + chunk, vma.end);
  const selected: number[] = [];
  for (let vpn = p.cursor / m.pageSize; vpn < next / m.pageSize; vpn++) if (select(vpn)) selected.push(vpn);
  // dmirror consumes FAIL_ALLOC at the first page it allocates for.
  const failing = p.failAlloc === true && selected.length > 0;
  const failure = failing ? failFirst(selected[0]) : {};
  const split = failure.split === undefined ? p.split : [...p.split, failure.split];
  const after: ChunkProgress = {
    ...p,
    cursor: next,
    selected,
    migrated,
    split,
    ...(failing ? { failAlloc: false } : {}),
  };
  return invalidate(blockable(p.cursor, next, 'MIGRATE', req.owner), mutation(p.cursor, next, failure, split), after);
}

/** MIGRATE_TO_DEV: system pages of the range become `memory` device pages of `owner`. */
export const migrateToDevice: OpHandler<Req<'mm.migrateToDevice'>> = (tx, req, progress) => {
  const memory: DeviceMemoryKind = req.memory ?? 'private';
  return chunkLoop(
    tx,
    req,
    progress,
    'device',
    (vpn) => migratableToDevice(tx.m, vpn),
    (vpn) => {
      const block = compoundBlock(tx.m, vpn);
      return block === null ? { skip: vpn } : { split: block };
    },
    (start, end, failure, split) => ({
      kind: 'migrateToDevice',
      start,
      end,
      owner: req.owner,
      memory,
      ...(failure.skip === undefined ? {} : { skip: failure.skip }),
      ...(split.length > 0 ? { split } : {}),
    }),
  );
};

/** MIGRATE_TO_SYS: `owner`'s device pages (of `memory` kind) in the range come back. */
export const migrateToSystem: OpHandler<Req<'mm.migrateToSystem'>> = (tx, req, progress) => {
  const memory = req.memory ?? null;
  return chunkLoop(
    tx,
    req,
    progress,
    'system',
    (vpn) => isDevicePageOf(tx.m.ptes[vpn], req.owner, memory),
    (vpn) => {
      const pte = tx.m.ptes[vpn];
      return pte?.kind === 'devicePrivate' && pte.huge ? {} : { until: vpn * tx.m.pageSize };
    },
    (start, end, failure) => ({
      kind: 'migrateBack',
      start,
      end,
      owner: req.owner,
      ...(failure.until === undefined ? {} : { until: failure.until }),
    }),
  );
};

/** Evict every device page of `owner` back to system memory. Value: the number of pages. */
export const evictDevice: OpHandler<Req<'mm.evictDevice'>> = (tx, req, progress) => {
  const { m } = tx;
  const done = (progress as { pages: number } | null)?.pages ?? 0;
  const vpns = Object.keys(m.ptes)
    .map(Number)
    .filter((vpn) => isDevicePageOf(m.ptes[vpn], req.owner, null))
    .sort((a, b) => a - b);
  if (vpns.length === 0) return reply(0, done);
  const present = new Set(vpns);
  let last = vpns[0];
  while (present.has(last + 1)) last++;
  const start = vpns[0] * m.pageSize;
  const end = Math.min((last + 1) * m.pageSize, MM_TASK_SIZE);
  return invalidate(
    blockable(start, end, 'CLEAR'),
    { kind: 'migrateBack', start, end, owner: req.owner },
    { pages: done + last + 1 - vpns[0] },
  );
};
