/**
 * The CPU page-fault path (`handle_mm_fault` → `do_anonymous_page`, `do_read_fault`,
 * `do_cow_fault`, `do_shared_fault`, `do_wp_page`, `do_swap_page`, `do_numa_page`, and the
 * device-private / device-exclusive entry handlers), used by CPU accesses, by
 * `pin_user_pages` and by `hmm_range_fault` when a page must be faulted.
 *
 * One call makes one step for one page:
 * - `ok`: the entry already allows the access;
 * - `filled`: the entry was filled or upgraded in `tx` without an invalidation (a `pte_none`
 *   fill, a swap-in, a NUMA-hint restore, a write upgrade of an exclusive read-only page);
 * - `invalidate`: the entry must be replaced; the caller runs the invalidation and applies
 *   `mutation` between start and end, then asks again;
 * - `error`: the access cannot be satisfied (SIGSEGV / SIGBUS → -EFAULT).
 *
 * Simplifications (documented in docs/protocol.md "mm"):
 * - a migration entry cannot be in flight in this mm (operations are serialised), so finding
 *   one means the migration finished: the entry is restored (the "wait, then re-walk" row);
 * - a device-private page's owner `migrate_to_ram` is folded into the mm: a `MIGRATE`
 *   invalidation with the entry's owner, then the data is copied back into a system page;
 * - a hugetlb fault fills one base page (the walk still reports the huge order);
 * - a device-coherent entry is a present mapping of device memory: accessed in place.
 */
import { EFAULT } from '../errno.ts';
import { writePte } from './page-table.ts';
import { allocPage, getPage, pageCachePage, type Tx, writable } from './pages.ts';
import type { Invalidation, Mutation, Vma } from './types.ts';
import { filePageIndex } from './vma.ts';

export type FaultStep =
  | { kind: 'ok' }
  | { kind: 'filled' }
  | { kind: 'error'; errno: number }
  | { kind: 'invalidate'; inv: Invalidation; mutation: Mutation };

/** The VMA permits this access (a write needs VM_WRITE, a read VM_READ). */
export function accessAllowed(vma: Vma | undefined, write: boolean): vma is Vma {
  if (!vma || vma.io) return false;
  return write ? vma.write : vma.read;
}

function onePage(tx: Tx, vpn: number, event: Invalidation['event'], owner: string | null): Invalidation {
  const start = vpn * tx.m.pageSize;
  return { start, end: start + tx.m.pageSize, event, owner, blockable: true };
}

/** One fault step for the page at `addr` of `vma` (the caller checked `accessAllowed`). */
export function cpuFaultStep(tx: Tx, vma: Vma, addr: number, write: boolean): FaultStep {
  const { m } = tx;
  const vpn = Math.floor(addr / m.pageSize);
  const pte = m.ptes[vpn];
  if (!pte) {
    fillNone(tx, vma, vpn, write);
    return { kind: 'filled' };
  }
  switch (pte.kind) {
    case 'present': {
      if (!write || pte.write) return { kind: 'ok' };
      const page = m.pages[pte.pfn];
      if (pte.cow || (page.kind === 'file' && !vma.shared))
        return { kind: 'invalidate', inv: onePage(tx, vpn, 'CLEAR', null), mutation: { kind: 'cowBreak', vpn } };
      // An exclusive page in a writable mapping: upgrade in place (wp_page_reuse). Gaining a
      // permission needs no invalidation, and a read-only mirror of the page stays coherent,
      // so the version is kept.
      writePte(tx, vpn, { ...pte, write: true }, false);
      return { kind: 'filled' };
    }
    case 'deviceCoherent':
      // CPU-addressable device memory: accessed in place; a write to a read-only entry breaks
      // COW into a system page, or upgrades an exclusive page in place (as for `present`).
      if (!write || pte.write) return { kind: 'ok' };
      if (pte.cow)
        return { kind: 'invalidate', inv: onePage(tx, vpn, 'CLEAR', null), mutation: { kind: 'cowBreak', vpn } };
      writePte(tx, vpn, { ...pte, write: true }, false);
      return { kind: 'filled' };
    case 'zero':
      if (!write) return { kind: 'ok' };
      return { kind: 'invalidate', inv: onePage(tx, vpn, 'CLEAR', null), mutation: { kind: 'cowBreak', vpn } };
    case 'swap': {
      const pfn = allocPage(tx, 'anon', m.swap[pte.slot]);
      getPage(tx, pfn);
      delete writable(tx, 'swap')[pte.slot];
      writePte(tx, vpn, { kind: 'present', pfn, write: write && vma.write, cow: false });
      return { kind: 'filled' };
    }
    case 'devicePrivate':
      return {
        kind: 'invalidate',
        inv: onePage(tx, vpn, 'MIGRATE', pte.owner),
        mutation: { kind: 'migrateToRam', vpn },
      };
    case 'deviceExclusive':
      return {
        kind: 'invalidate',
        inv: onePage(tx, vpn, 'EXCLUSIVE', null),
        mutation: { kind: 'restoreExclusive', vpn },
      };
    case 'migration':
    case 'protNone':
      writePte(tx, vpn, { kind: 'present', pfn: pte.pfn, write: pte.write, cow: false });
      return { kind: 'filled' };
    case 'special':
    case 'hwpoison':
      return { kind: 'error', errno: EFAULT };
  }
}

/** Fill a `pte_none` entry: zero page, a new zeroed page, the page cache, or a private copy. */
function fillNone(tx: Tx, vma: Vma, vpn: number, write: boolean): void {
  const { m } = tx;
  const addr = vpn * m.pageSize;
  if (vma.backing === 'file' && vma.file !== null) {
    const cached = pageCachePage(tx, vma.file, filePageIndex(vma, addr, m.pageSize));
    if (vma.shared || !write) {
      getPage(tx, cached);
      writePte(tx, vpn, { kind: 'present', pfn: cached, write: vma.shared && vma.write, cow: false });
      return;
    }
    const copy = allocPage(tx, 'anon', m.pages[cached].data);
    getPage(tx, copy);
    writePte(tx, vpn, { kind: 'present', pfn: copy, write: true, cow: false });
    return;
  }
  if (!write && !vma.shared && !vma.hugetlb) {
    writePte(tx, vpn, { kind: 'zero' });
    return;
  }
  const pfn = allocPage(tx, 'anon');
  getPage(tx, pfn);
  writePte(tx, vpn, { kind: 'present', pfn, write: vma.write, cow: false });
}
