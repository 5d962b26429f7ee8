/**
 * From what the walk (hmm_range_fault) or the pin (pin_user_pages) returned to what the
 * driver writes into the device page table (`dev.map` entries), and the registration
 * cache's bookkeeping of pinned pages. Pure functions over plain data.
 */
import type { HmmPfn, Page, PinnedPage } from './driver-types.ts';

export const PAGE_SIZE = 4096;

/** A device page-table entry as `dev.map` takes it (docs/protocol.md, Device). */
export interface DeviceEntry {
  addr: number;
  pfn: number;
  gen: number;
  version: number | null;
  perm: 'read' | 'write';
  pinned: boolean;
}

/** hmm_pfn_to_page is only meaningful for VALID, non-ERROR outputs; WRITE says the CPU PTE was writable. */
export function pagesFromWalk(pfns: readonly HmmPfn[]): Page[] {
  return pfns
    .filter((p) => p.valid !== false && p.error !== true && !flagSet(p.flags, 'error'))
    .map((p) => ({
      addr: p.addr,
      pfn: p.pfn,
      gen: p.gen,
      version: p.version ?? null,
      write: p.write === true || flagSet(p.flags, 'write'),
    }))
    .sort(byAddr);
}

/** A pin for write gives a writable page; a read pin a read-only one. */
export function pagesFromPins(value: unknown, write: boolean): Page[] {
  if (!Array.isArray(value)) return [];
  return (value as HmmPfn[])
    .map((p) => ({ addr: p.addr, pfn: p.pfn, gen: p.gen, version: p.version ?? null, write }))
    .sort(byAddr);
}

export function deviceEntries(pages: readonly Page[], pinned: boolean): DeviceEntry[] {
  return pages.map((p) => ({
    addr: p.addr,
    pfn: p.pfn,
    gen: p.gen,
    version: p.version,
    perm: p.write ? 'write' : 'read',
    pinned,
  }));
}

export function pinsOf(pages: readonly Page[]): PinnedPage[] {
  return pages.map((p) => ({ addr: p.addr, pfn: p.pfn, gen: p.gen }));
}

export function inRange(addr: number, start: number, end: number): boolean {
  return addr >= start && addr < end;
}

/** Pins kept by the cache once `fresh` replaces whatever was cached at the same addresses. */
export function replacePins(cached: readonly PinnedPage[], fresh: readonly PinnedPage[]): PinnedPage[] {
  const addrs = new Set(fresh.map((p) => p.addr));
  return [...cached.filter((p) => !addrs.has(p.addr)), ...fresh].sort(byAddr);
}

/** Pins the cache drops because `fresh` replaces them (they must be unpinned). */
export function replacedPins(cached: readonly PinnedPage[], fresh: readonly PinnedPage[]): PinnedPage[] {
  const addrs = new Set(fresh.map((p) => p.addr));
  return cached.filter((p) => addrs.has(p.addr));
}

/** The page containing `addr`. */
export function pageRange(addr: number, pageSize: number): { start: number; end: number } {
  const start = addr - (addr % pageSize);
  return { start, end: start + pageSize };
}

function byAddr(a: { addr: number }, b: { addr: number }): number {
  return a.addr - b.addr;
}

/** Tolerates `flags` as a list of names or a record of booleans. */
function flagSet(flags: unknown, name: string): boolean {
  if (Array.isArray(flags)) return flags.includes(name);
  if (flags && typeof flags === 'object') return (flags as Record<string, unknown>)[name] === true;
  return false;
}
