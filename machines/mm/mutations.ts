/**
 * Applying a `Mutation`: the PTE change an operation makes between `core.startDone` and
 * `core.invalidateEnd` (the window in which, per mmu_notifier.h, CPU PTEs change and pages
 * may be freed). Each mutation re-reads the current entries, so one that no longer applies
 * (the entry changed meanwhile) does nothing for that page.
 */

import { markDeviceThps, migratePageToDevice, migratePageToRam } from './migrate-pages.ts';
import { moveRange } from './ops-remap.ts';
import { swapOutPte, vpnsWithEntries, writePte, wrprotectRange, zapRange } from './page-table.ts';
import { allocPage, dropUnmappedShmem, getPage, putPage, type Tx } from './pages.ts';
import type { Mutation } from './types.ts';
import { removeRange, updateRange } from './vma.ts';

export function applyMutation(tx: Tx, mu: Mutation): void {
  const { m } = tx;
  switch (mu.kind) {
    case 'none':
      return;
    case 'unmap':
      zapRange(tx, mu.start, mu.end);
      m.vmas = removeRange(m.vmas, mu.start, mu.end, m.pageSize);
      dropUnmappedShmem(tx);
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
      migratePageToRam(tx, mu.vpn, null);
      return;
    case 'migrateBack':
      for (const vpn of vpnsWithEntries(m, mu.start, mu.until ?? mu.end)) migratePageToRam(tx, vpn, mu.owner);
      return;
    case 'migrateToDevice':
      for (let vpn = mu.start / m.pageSize; vpn < mu.end / m.pageSize; vpn++)
        if (vpn !== mu.skip) migratePageToDevice(tx, vpn, mu.owner, mu.memory);
      if (mu.memory === 'private') markDeviceThps(tx, mu.start, mu.end, mu.owner, mu.split ?? []);
      return;
    case 'move':
      moveRange(tx, mu.from, mu.to, mu.length, mu.grow);
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

/** `wp_page_copy`: map a private copy of the read-only page (or of the zero page), writable. */
function cowBreak(tx: Tx, vpn: number): void {
  const pte = tx.m.ptes[vpn];
  if (pte?.kind !== 'zero' && pte?.kind !== 'present' && pte?.kind !== 'deviceCoherent') return;
  const data = pte.kind === 'zero' ? undefined : tx.m.pages[pte.pfn].data;
  const pfn = allocPage(tx, 'anon', data);
  getPage(tx, pfn);
  writePte(tx, vpn, { kind: 'present', pfn, write: true, cow: false });
  if (pte.kind !== 'zero') putPage(tx, pte.pfn);
}
