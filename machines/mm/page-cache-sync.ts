/**
 * One page cache seen by every process. Each mm keeps its own copy of the file and shmem pages
 * it uses (the model has one pfn space per mm), so a change to such a page in one mm is sent to
 * the others as `mm.cacheSync { file, index, data }` before the change's caller hears back: a
 * write through a shared mapping, a device write into a shared page or a pwrite is seen by the
 * other processes by the time it returns, as with the kernel's single page.
 *
 * A shmem object of a shared anonymous mapping (`shmem:<mm>#<n>`) is reachable only through a
 * mapping inherited at fork, so an mm that no longer maps it ignores its changes.
 */
import type { KSendParams } from '../kernel-actions.ts';
import { isShmemObject, mutablePage, pageCachePage, type Tx } from './pages.ts';
import type { MmMemory } from './types.ts';

/**
 * `mm.cacheSync`: a page-cache page's new data, sent to the peer mms that share the file so every
 * process sees a write when it returns.
 *
 * @example
 * ```ts
 * import type { CacheSyncEvent } from 'mirrorlab';
 *
 * const sync: CacheSyncEvent = { type: 'mm.cacheSync', file: 'data.bin', index: 0, data: [1, 2, 3, 4] };
 * ```
 */
export interface CacheSyncEvent {
  type: 'mm.cacheSync';
  file: string;
  index: number;
  data: number[];
}

/** The page-cache pages whose data `tx` changed (compared with `before`), as sync events. */
export function changedCachePages(before: MmMemory, tx: Tx): CacheSyncEvent[] {
  if (tx.owned.size === 0) return [];
  const out: CacheSyncEvent[] = [];
  for (const [file, pages] of Object.entries(tx.m.files)) {
    for (const [index, pfn] of Object.entries(pages)) {
      if (!tx.owned.has(pfn)) continue;
      const now = tx.m.pages[pfn].data;
      const was = before.pages[pfn]?.data;
      const changed = was ? now.some((w, i) => w !== was[i]) : now.some((w) => w !== 0);
      if (changed) out.push({ type: 'mm.cacheSync', file, index: Number(index), data: [...now] });
    }
  }
  return out;
}

/** `kSend`s of every changed page to every peer, in a fixed order. */
export function cacheSyncSends(peers: string[], before: MmMemory, tx: Tx): KSendParams[] {
  if (peers.length === 0) return [];
  const changed = changedCachePages(before, tx);
  return peers.flatMap((to) => changed.map((event) => ({ to, event })));
}

/** A peer's change: this mm's copy of the page takes the data (read in first if not cached). */
export function applyCacheSync(tx: Tx, ev: CacheSyncEvent): void {
  if (isShmemObject(ev.file) && !tx.m.vmas.some((v) => v.file === ev.file)) return;
  const pfn = pageCachePage(tx, ev.file, ev.index);
  mutablePage(tx, pfn).data = [...ev.data];
}
