/**
 * The CPU page table of one mm: writing an entry (with its version bump and `pte.changed`
 * observation) and the range walks that clear (`zap_pte_range`) or write-protect
 * (`change_pte_range`, `copy_present_pte`, `clear_soft_dirty`) entries.
 *
 * Callers decide whether a notifier invalidation is needed; these functions only change the
 * table. Filling an empty entry bumps its version too, but needs no invalidation.
 */
import { allocSwapSlot, putPage, type Tx, writable } from './pages.ts';
import type { MmMemory, Pte } from './types.ts';

/** The pfn an entry refers to, or null (swap, hwpoison). The zero page has its fixed pfn. */
export function ptePfn(m: MmMemory, pte: Pte | undefined): number | null {
  if (!pte) return null;
  if (pte.kind === 'zero') return m.zeroPfn;
  if (pte.kind === 'swap' || pte.kind === 'hwpoison') return null;
  return pte.pfn;
}

/** Entries that hold a page reference (a mapping of a struct page). */
function holdsPageRef(pte: Pte): pte is Extract<Pte, { pfn: number }> {
  return pte.kind !== 'zero' && pte.kind !== 'swap' && pte.kind !== 'hwpoison' && pte.kind !== 'special';
}

/** The vpns with an entry in `[start, end)`, ascending. */
export function vpnsWithEntries(m: MmMemory, start: number, end: number): number[] {
  const lo = start / m.pageSize;
  const hi = end / m.pageSize;
  return Object.keys(m.ptes)
    .map(Number)
    .filter((vpn) => vpn >= lo && vpn < hi);
}

/** Set (or clear, with `pte` undefined) the entry of `vpn`; bumps its version unless told not to. */
export function writePte(tx: Tx, vpn: number, pte: Pte | undefined, bumpVersion = true): void {
  const { m } = tx;
  if (pte) writable(tx, 'ptes')[vpn] = pte;
  else delete writable(tx, 'ptes')[vpn];
  if (bumpVersion) writable(tx, 'versions')[vpn] = (m.versions[vpn] ?? 0) + 1;
  tx.obs.push({
    kind: 'pte.changed',
    mm: tx.mmId,
    addr: vpn * m.pageSize,
    version: m.versions[vpn] ?? 0,
    pfn: ptePfn(m, pte),
  });
}

/** Clear one entry: drop its page reference (freeing an unpinned page) or its swap slot. */
export function zapPte(tx: Tx, vpn: number): void {
  const pte = tx.m.ptes[vpn];
  if (!pte) return;
  writePte(tx, vpn, undefined);
  if (pte.kind === 'swap') delete writable(tx, 'swap')[pte.slot];
  else if (holdsPageRef(pte)) putPage(tx, pte.pfn);
}

export function zapRange(tx: Tx, start: number, end: number): void {
  for (const vpn of vpnsWithEntries(tx.m, start, end)) zapPte(tx, vpn);
}

/**
 * Write-protect the writable entries of `[start, end)`. With `cow`, also mark present pages
 * copy-on-write (fork), so the next CPU write replaces the page instead of reusing it; a
 * device-exclusive entry is restored to a present, copy-on-write one (fork in v6.12 restores
 * the original entry before copying it; the fork's own invalidation covers the change).
 */
export function wrprotectRange(tx: Tx, start: number, end: number, cow: boolean): void {
  for (const vpn of vpnsWithEntries(tx.m, start, end)) {
    const pte = tx.m.ptes[vpn];
    if (pte.kind === 'present' || pte.kind === 'deviceCoherent') {
      if (pte.write) writePte(tx, vpn, { ...pte, write: false, cow: cow || pte.cow });
      else if (cow && !pte.cow) writable(tx, 'ptes')[vpn] = { ...pte, write: false, cow: true };
    } else if (pte.kind === 'deviceExclusive' && cow) {
      writePte(tx, vpn, { kind: 'present', pfn: pte.pfn, write: false, cow: true });
    } else if ((pte.kind === 'devicePrivate' || pte.kind === 'deviceExclusive') && pte.write) {
      writePte(tx, vpn, { ...pte, write: false });
    }
  }
}

/** Move a present anonymous page out to swap (`try_to_unmap_one` + `add_to_swap`). */
export function swapOutPte(tx: Tx, vpn: number): void {
  const pte = tx.m.ptes[vpn];
  if (pte?.kind !== 'present') throw new Error(`mm ${tx.mmId}: swap-out of a non-present pte at vpn ${vpn}`);
  const slot = allocSwapSlot(tx, tx.m.pages[pte.pfn].data);
  writePte(tx, vpn, { kind: 'swap', slot });
  putPage(tx, pte.pfn);
}
