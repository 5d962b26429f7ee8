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

/**
 * A change in progress: a private copy of the memory and what the monitors will be told.
 * The copy is shallow per record (entries are replaced, never edited in place); page objects
 * and page-cache files are copied on their first write (`mutablePage`), which keeps a step
 * cheap for the explorer.
 */
export interface Tx {
  mmId: string;
  m: MmMemory;
  obs: Observation[];
  /** Pfns whose page object (and data) this transaction already copied. */
  owned: Set<number>;
}

export function beginTx(mmId: string, m: MmMemory): Tx {
  const copy: MmMemory = {
    ...m,
    ptes: { ...m.ptes },
    versions: { ...m.versions },
    pages: { ...m.pages },
    lastGen: { ...m.lastGen },
    files: { ...m.files },
    swap: { ...m.swap },
  };
  return { mmId, m: copy, obs: [], owned: new Set() };
}

/** The page at `pfn`, copied into this transaction before its first change. */
export function mutablePage(tx: Tx, pfn: number): Page {
  if (!tx.owned.has(pfn)) {
    const page = tx.m.pages[pfn];
    tx.m.pages[pfn] = { ...page, data: [...page.data] };
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
  delete m.lastGen[pfn];
  m.pages[pfn] = makePage(gen, kind, data ? [...data] : new Array(m.wordsPerPage).fill(0));
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
  delete tx.m.pages[pfn];
  tx.m.lastGen[pfn] = page.gen;
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
  tx.m.swap[slot] = [...data];
  return slot;
}
