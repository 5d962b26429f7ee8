/**
 * Physical pages of one mm: the page allocator (lowest free pfn first, with a generation that
 * grows on every reuse so the use-after-free monitor can tell "freed" from "reused"), page
 * references (`get_page`/`put_page`), pins (`pin_user_pages`/`unpin_user_pages`) and the
 * page cache.
 *
 * Everything works on a transaction (`Tx`): a private, mutable copy of the mm's memory plus the
 * observations the change produced. The machine commits the copy to its context in one assign.
 */
import type { Observation } from '../kernel-actions.ts';
import type { MmMemory, Page, PageKind } from './types.ts';

/** The records of `MmMemory` a transaction copies before its first write to them. */
export type TxRecord = 'ptes' | 'versions' | 'pages' | 'lastGen' | 'files' | 'swap';

/**
 * The memory as a transaction sees it: the records read-only (the committed ones, shared, until
 * `writable` copies one), so a write that skips the copy does not compile.
 */
export type TxMemory = Omit<MmMemory, TxRecord | 'files'> & {
  [K in Exclude<TxRecord, 'files'>]: Readonly<MmMemory[K]>;
} & { files: Readonly<Record<string, Readonly<Record<number, number>>>> };

/**
 * A change in progress: the memory and what the monitors will be told. A record (`ptes`,
 * `pages`, ...) is copied, shallowly, on the first write to it (`writable`): with a thousand
 * pages, copying every record up front was most of a step's time, and half the steps only
 * read. Entries are replaced, never edited in place; page objects and page-cache files are
 * copied on their first write (`mutablePage`), which keeps a step cheap for the explorer.
 */
export interface Tx {
  mmId: string;
  m: TxMemory;
  obs: Observation[];
  /** Pfns whose page object (and data) this transaction already copied. */
  owned: Set<number>;
  /** The records this transaction already copied (the others are still the committed ones). */
  copied: Set<TxRecord>;
}

export function beginTx(mmId: string, m: MmMemory): Tx {
  return { mmId, m: { ...m }, obs: [], owned: new Set(), copied: new Set() };
}

/** The record `key`, copied on the first call of this transaction so it can be written. */
export function writable<K extends TxRecord>(tx: Tx, key: K): MmMemory[K] {
  if (!tx.copied.has(key)) {
    copyRecord(tx.m, key);
    tx.copied.add(key);
  }
  return tx.m[key] as MmMemory[K];
}

/**
 * A shallow copy of one record, with a spread of its own per record: one spread that sees the
 * shapes of every record turns megamorphic in V8 and copies a thousand entries ten times slower.
 */
function copyRecord(m: TxMemory, key: TxRecord): void {
  switch (key) {
    case 'ptes':
      m.ptes = { ...m.ptes };
      return;
    case 'versions':
      m.versions = { ...m.versions };
      return;
    case 'pages':
      m.pages = { ...m.pages };
      return;
    case 'lastGen':
      m.lastGen = { ...m.lastGen };
      return;
    case 'files':
      m.files = { ...m.files };
      return;
    case 'swap':
      m.swap = { ...m.swap };
      return;
  }
}

/** The page at `pfn`, copied into this transaction before its first change. */
export function mutablePage(tx: Tx, pfn: number): Page {
  if (!tx.owned.has(pfn)) {
    const page = tx.m.pages[pfn];
    writable(tx, 'pages')[pfn] = { ...page, data: [...page.data] };
    tx.owned.add(pfn);
  }
  return tx.m.pages[pfn];
}

function makePage(gen: number, kind: PageKind, data: number[]): Page {
  return { gen, refcount: 0, pins: 0, kind, data };
}

/** Allocate the lowest free pfn (from `pfnBase`) with `data` (zeroes by default), refcount 0. */
export function allocPage(tx: Tx, kind: PageKind, data?: number[]): number {
  const { m } = tx;
  let pfn = m.pfnBase;
  while (m.pages[pfn] !== undefined) pfn++;
  const gen = (m.lastGen[pfn] ?? 0) + 1;
  if (pfn in m.lastGen) delete writable(tx, 'lastGen')[pfn];
  writable(tx, 'pages')[pfn] = makePage(gen, kind, data ? [...data] : new Array(m.wordsPerPage).fill(0));
  tx.owned.add(pfn);
  tx.obs.push({ kind: 'page.allocated', mm: tx.mmId, pfn, gen });
  return pfn;
}

/** Take a reference (a new PTE mapping or a page-cache entry). The zero page is not counted. */
export function getPage(tx: Tx, pfn: number): void {
  if (pfn === tx.m.zeroPfn) return;
  mutablePage(tx, pfn).refcount++;
}

/** Drop a reference; the page is freed once neither references nor pins remain. */
export function putPage(tx: Tx, pfn: number): void {
  if (pfn === tx.m.zeroPfn) return;
  if (!tx.m.pages[pfn]) throw new Error(`mm ${tx.mmId}: put of unallocated pfn ${pfn}`);
  mutablePage(tx, pfn).refcount--;
  freeIfUnused(tx, pfn);
}

/** `unpin_user_page`: drop a pin; returns false when the page had no pin (caller misuse). */
export function unpinPage(tx: Tx, pfn: number): boolean {
  const page = tx.m.pages[pfn];
  if (!page || page.pins === 0) return false;
  mutablePage(tx, pfn).pins--;
  freeIfUnused(tx, pfn);
  return true;
}

function freeIfUnused(tx: Tx, pfn: number): void {
  const page = tx.m.pages[pfn];
  if (page.refcount > 0 || page.pins > 0 || page.kind === 'zero') return;
  delete writable(tx, 'pages')[pfn];
  writable(tx, 'lastGen')[pfn] = page.gen;
  tx.obs.push({ kind: 'page.freed', mm: tx.mmId, pfn, gen: page.gen });
}

/** The page-cache page of `file` at `index`, read in (zero-filled) if not cached yet. */
export function pageCachePage(tx: Tx, file: string, index: number): number {
  const { m } = tx;
  const cached = m.files[file]?.[index];
  if (cached !== undefined) return cached;
  const pfn = allocPage(tx, 'file');
  getPage(tx, pfn); // the page cache's own reference
  m.files = sortedRecord({ ...m.files, [file]: { ...m.files[file], [index]: pfn } });
  return pfn;
}

/** The page-cache name of the `n`th shared anonymous mapping of `mmId` (its shmem object). */
export function shmemName(mmId: string, n: number): string {
  return `shmem:${mmId.slice('mm:'.length)}#${n}`;
}

/** A shmem object of a shared anonymous mapping: it lives only while some VMA maps it. */
export function isShmemObject(file: string): boolean {
  return file.startsWith('shmem:');
}

/**
 * Free the shmem objects no VMA of this mm maps any more (the last munmap of a shared anonymous
 * mapping): their page-cache references are dropped, freeing the pages nothing else holds.
 */
export function dropUnmappedShmem(tx: Tx): void {
  const mapped = new Set(tx.m.vmas.map((v) => v.file));
  for (const file of Object.keys(tx.m.files)) {
    if (!isShmemObject(file) || mapped.has(file)) continue;
    const pages = tx.m.files[file];
    const { [file]: _gone, ...rest } = tx.m.files;
    tx.m.files = rest;
    for (const pfn of Object.values(pages)) putPage(tx, pfn);
  }
}

/** Rebuild a name-keyed record with sorted keys, so equal states serialise equally. */
export function sortedRecord<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(rec).sort()) out[key] = rec[key];
  return out;
}

/** Save `data` in the lowest free swap slot. */
export function allocSwapSlot(tx: Tx, data: number[]): number {
  let slot = 0;
  while (tx.m.swap[slot] !== undefined) slot++;
  writable(tx, 'swap')[slot] = [...data];
  return slot;
}
