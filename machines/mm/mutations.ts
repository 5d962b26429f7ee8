/**
 * Applying a `Mutation`: the PTE change an operation makes between `core.startDone` and
 * `core.invalidateEnd` (the window in which, per mmu_notifier.h, CPU PTEs change and pages
 * may be freed). Each mutation re-reads the current entries, so one that no longer applies
 * (the entry changed meanwhile) does nothing for that page.
 */

import { swapOutPte, vpnsWithEntries, writePte, wrprotectRange, zapRange } from './page-table.ts';
import { allocPage, getPage, putPage, type Tx } from './pages.ts';
import type { Mutation } from './types.ts';
import { findVma, removeRange, updateRange } from './vma.ts';

export function applyMutation(tx: Tx, mu: Mutation): void {
  const { m } = tx;
  switch (mu.kind) {
    case 'none':
      return;
    case 'unmap':
      zapRange(tx, mu.start, mu.end);
      m.vmas = removeRange(m.vmas, mu.start, mu.end, m.pageSize);
      return;
    case 'zap':
      zapRange(tx, mu.start, mu.end);
      return;
    case 'protect':
      m.vmas = updateRange(m.vmas, mu.start, mu.end, m.pageSize, { read: mu.read, write: mu.write });
      if (!mu.write) wrprotectRange(tx, mu.start, mu.end, false);
      return;
    case 'wrprotect':
      wrprotectRange(tx, mu.start, mu.end, mu.cow);
      return;
    case 'cowBreak':
      cowBreak(tx, mu.vpn);
      return;
    case 'swapOut':
      if (m.ptes[mu.vpn]?.kind === 'present') swapOutPte(tx, mu.vpn);
      return;
    case 'restoreExclusive': {
      const pte = m.ptes[mu.vpn];
      if (pte?.kind === 'deviceExclusive')
        writePte(tx, mu.vpn, { kind: 'present', pfn: pte.pfn, write: pte.write, cow: false });
      return;
    }
    case 'migrateToRam':
      migrateToRam(tx, mu.vpn, null);
      return;
    case 'migrateBack':
      for (const vpn of vpnsWithEntries(m, mu.start, mu.end)) migrateToRam(tx, vpn, mu.owner);
      return;
    case 'migrateToDevice':
      migrateToDevice(tx, mu.start, mu.end, mu.owner);
      return;
    case 'makeExclusive':
      for (const vpn of vpnsWithEntries(m, mu.start, mu.end)) {
        const pte = m.ptes[vpn];
        if (pte.kind === 'present' && m.pages[pte.pfn].kind === 'anon')
          writePte(tx, vpn, { kind: 'deviceExclusive', pfn: pte.pfn, owner: mu.owner, write: pte.write });
      }
      return;
  }
}

/** Copy a device-private page (of `owner`, or of anyone when null) back into a system page. */
function migrateToRam(tx: Tx, vpn: number, owner: string | null): void {
  const pte = tx.m.ptes[vpn];
  if (pte?.kind !== 'devicePrivate' || (owner !== null && pte.owner !== owner)) return;
  const pfn = allocPage(tx, 'anon', tx.m.pages[pte.pfn].data);
  getPage(tx, pfn);
  writePte(tx, vpn, { kind: 'present', pfn, write: pte.write, cow: false });
  putPage(tx, pte.pfn);
}

/** `wp_page_copy`: map a private copy of the read-only page (or of the zero page), writable. */
function cowBreak(tx: Tx, vpn: number): void {
  const pte = tx.m.ptes[vpn];
  if (pte?.kind !== 'zero' && pte?.kind !== 'present') return;
  const data = pte.kind === 'present' ? tx.m.pages[pte.pfn].data : undefined;
  const pfn = allocPage(tx, 'anon', data);
  getPage(tx, pfn);
  writePte(tx, vpn, { kind: 'present', pfn, write: true, cow: false });
  if (pte.kind === 'present') putPage(tx, pte.pfn);
}

/**
 * `migrate_vma_setup/pages/finalize` to device-private memory (dmirror MIGRATE_TO_DEV):
 * private anonymous system pages (and empty or zero-page entries, which become zeroed device
 * pages) move to new device pages owned by `owner`. Pinned pages and anything else stay.
 */
function migrateToDevice(tx: Tx, start: number, end: number, owner: string): void {
  const { m } = tx;
  for (let addr = start; addr < end; addr += m.pageSize) {
    const vma = findVma(m.vmas, addr);
    if (!vma || vma.shared || vma.backing !== 'anon') continue;
    const vpn = addr / m.pageSize;
    const pte = m.ptes[vpn];
    if (!pte || pte.kind === 'zero') {
      const pfn = allocPage(tx, 'device');
      getPage(tx, pfn);
      writePte(tx, vpn, { kind: 'devicePrivate', pfn, owner, write: !pte && vma.write });
      continue;
    }
    if (pte.kind !== 'present') continue;
    const page = m.pages[pte.pfn];
    if (page.kind !== 'anon' || page.pins > 0) continue;
    const pfn = allocPage(tx, 'device', page.data);
    getPage(tx, pfn);
    writePte(tx, vpn, { kind: 'devicePrivate', pfn, owner, write: pte.write });
    putPage(tx, pte.pfn);
  }
}
