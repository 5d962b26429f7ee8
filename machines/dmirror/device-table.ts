/**
 * dmirror's device page table (the per-open XArray of docs/kernel-semantics.md §5.3) as pure functions
 * over a plain record vpn → entry. Every function returns a new record (the machine assigns it),
 * and only runs where the machine holds the update lock, except `eraseMigratedToRam`, which
 * the kernel also does without the mutex (`xa_erase` in `migrate_to_ram`).
 */
import { EFAULT } from '../errno.ts';
import type { HmmPfn } from '../mm/hmm-walk.ts';
import type { MigratedPage } from '../mm/ops-migrate.ts';
import type { EntryPerm, TableEntry } from './dmirror-types.ts';

export type Table = Record<number, TableEntry>;

/**
 * The invalidate callback's erase: every index from `start >> PAGE_SHIFT` to `end >> PAGE_SHIFT`
 * INCLUSIVE, so the page just after the range goes too (the kernel's harmless over-invalidation).
 */
export function eraseInclusive(table: Table, start: number, end: number, pageSize: number): Table {
  return eraseVpns(table, Math.floor(start / pageSize), Math.floor(end / pageSize));
}

/** `xa_erase` of exactly the pages of `[start, end)` (migrate_to_ram, MIGRATE_TO_SYS). */
export function eraseExact(table: Table, start: number, end: number, pageSize: number): Table {
  return eraseVpns(table, Math.floor(start / pageSize), Math.ceil(end / pageSize) - 1);
}

function eraseVpns(table: Table, first: number, last: number): Table {
  // Walk whichever is shorter: the range (one page for a CPU fault) or the table.
  const candidates = last - first < 256 ? range(first, last) : Object.keys(table).map(Number);
  const doomed = candidates.filter((vpn) => vpn >= first && vpn <= last && vpn in table);
  if (doomed.length === 0) return table;
  const out: Table = { ...table };
  for (const vpn of doomed) delete out[vpn];
  return out;
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}

/** Erase the entries of `[start, end)` that do (`device`) or do not point at this device's memory. */
export function eraseWhere(table: Table, start: number, end: number, pageSize: number, device: boolean): Table {
  const out: Table = { ...table };
  for (let vpn = start / pageSize; vpn < end / pageSize; vpn++) if (out[vpn]?.device === device) delete out[vpn];
  return out;
}

/**
 * The fault path's store (`dmirror_do_fault`): each page reported by the walk, tagged WRITE when
 * the walk says writable, else read-only. A read-only result for a write fault is -EFAULT (the
 * kernel WARNs): the entries stored before it stay.
 */
export function storeWalk(
  table: Table,
  pfns: HmmPfn[],
  write: boolean,
  owner: string,
  pageSize: number,
): { table: Table; result: number } {
  const out: Table = { ...table };
  for (const p of pfns) {
    if (!p.write && write) return { table: out, result: EFAULT };
    if (p.pfn === null || p.gen === null) continue;
    out[p.addr / pageSize] = entry(p.pfn, p.gen, p.version, p.write ? 'write' : 'read', p.owner === owner);
  }
  return { table: out, result: 0 };
}

/** Store pages a migration or make_device_exclusive_range returned. */
export function storeMoved(
  table: Table,
  pages: MigratedPage[],
  perm: EntryPerm | null,
  device: boolean,
  pageSize: number,
): Table {
  const out: Table = { ...table };
  for (const p of pages) {
    out[p.addr / pageSize] = entry(p.pfn, p.gen, p.version, perm ?? (p.write ? 'write' : 'read'), device);
  }
  return out;
}

function entry(pfn: number, gen: number, version: number, perm: EntryPerm, device: boolean): TableEntry {
  return { pfn, gen, version, perm, pinned: false, device };
}

/**
 * The pages a copy step transfers: from `cursor`, each page that has an entry (with the WRITE
 * tag when `needWrite`), up to the first that has none (the kernel's -ENOENT point) or `end`.
 */
export function collectMapped(
  table: Table,
  cursor: number,
  end: number,
  needWrite: boolean,
  pageSize: number,
): { addr: number; pfn: number; gen: number }[] {
  const out: { addr: number; pfn: number; gen: number }[] = [];
  for (let a = cursor; a < end; a += pageSize) {
    const e = table[a / pageSize];
    if (!e || (needWrite && e.perm !== 'write')) break;
    out.push({ addr: a, pfn: e.pfn, gen: e.gen });
  }
  return out;
}

/** CHECK_EXCLUSIVE: some entry of `[start, end)` carries the ATOMIC tag. */
export function hasAtomicEntry(table: Table, start: number, end: number, pageSize: number): boolean {
  for (let a = start; a < end; a += pageSize) if (table[a / pageSize]?.perm === 'atomic') return true;
  return false;
}
