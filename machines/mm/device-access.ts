/**
 * A device reading or writing physical pages directly (DMA, or dmirror's `memcpy` into the
 * pages its page table points at), without the CPU page table and without the mmap lock:
 * `mm.devRead` / `mm.devWrite`, lockless like `mm.unpin`.
 *
 * The device names the pages by `{ addr, pfn, gen }` (what its page table holds); each access is
 * observed as `dev.access { dev, addr, pfn, gen, version: null, write, pinned: false }`, so the
 * use-after-free monitor can tell when the page was freed or reused under the device. A freed
 * page reads as zeroes and takes no writes (the model's stand-in for whatever the memory holds).
 */
import type { Observation } from '../kernel-actions.ts';
import { mutablePage, type Tx } from './pages.ts';

/**
 * A physical page as a device names it in `mm.devRead` / `mm.devWrite`: the address it maps, and
 * the pfn and generation its page table holds.
 *
 * @example
 * ```ts
 * import type { DevicePage } from 'mirrorlab';
 *
 * const page: DevicePage = { addr: 0x10000, pfn: 7, gen: 0 };
 * ```
 */
export interface DevicePage {
  addr: number;
  pfn: number;
  gen: number;
}

function access(dev: string, p: DevicePage, write: boolean): Observation {
  return { kind: 'dev.access', dev, addr: p.addr, pfn: p.pfn, gen: p.gen, version: null, write, pinned: false };
}

function live(tx: Tx, p: DevicePage): boolean {
  return tx.m.pages[p.pfn]?.gen === p.gen;
}

/** The words of every page, in order (`wordsPerPage` each). */
export function deviceRead(tx: Tx, dev: string, pages: DevicePage[]): number[] {
  const out: number[] = [];
  for (const p of pages) {
    tx.obs.push(access(dev, p, false));
    const data = live(tx, p) ? tx.m.pages[p.pfn].data : new Array(tx.m.wordsPerPage).fill(0);
    out.push(...data);
  }
  return out;
}

/** Store `data` (`wordsPerPage` words per page, in order) into the pages. */
export function deviceWrite(tx: Tx, dev: string, pages: DevicePage[], data: number[]): void {
  const w = tx.m.wordsPerPage;
  pages.forEach((p, k) => {
    tx.obs.push(access(dev, p, true));
    if (!live(tx, p)) return;
    const page = mutablePage(tx, p.pfn);
    for (let i = 0; i < w; i++) page.data[i] = data[k * w + i] ?? 0;
  });
}
