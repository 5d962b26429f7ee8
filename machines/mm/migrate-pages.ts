/**
 * Moving one page between system memory and device memory (`migrate_vma_setup` /
 * `migrate_vma_pages` / `migrate_vma_finalize`, `migrate_device_range`, and a device's
 * `migrate_to_ram`), as PTE and page changes made inside the covering invalidation.
 *
 * Which pages a migration selects (docs/kernel-semantics.md §5.7, `migrate_vma_collect`):
 * - to device (MIGRATE_VMA_SELECT_SYSTEM): in a private VMA, an anonymous unpinned system page,
 *   or, in an anonymous VMA only, an empty or zero-page entry (it becomes a zeroed device page).
 *   Device pages (private or coherent, of any owner) are never selected; shared mappings and
 *   page-cache pages are not migratable to device memory.
 * - back to system memory (SELECT_DEVICE_PRIVATE / _COHERENT): the owner's device pages.
 * The new device page is writable when the source entry was, or when the source was empty or
 * the zero page and the VMA is writable. Device pages are allocated from the mm's own pfn space
 * with page kind 'device'.
 */
import { kernelAtLeast } from './kernel-version.ts';
import { writePte } from './page-table.ts';
import { allocPage, getPage, putPage, type Tx, writable } from './pages.ts';
import type { DeviceMemoryKind, MmMemory, Pte } from './types.ts';
import { findVma } from './vma.ts';

/** The entry at `vpn` would be selected by a migration of system memory to a device. */
export function migratableToDevice(m: MmMemory, vpn: number): boolean {
  const vma = findVma(m.vmas, vpn * m.pageSize);
  if (!vma || vma.shared) return false;
  const pte = m.ptes[vpn];
  if (!pte || pte.kind === 'zero') return vma.backing === 'anon';
  if (pte.kind !== 'present') return false;
  const page = m.pages[pte.pfn];
  return page.kind === 'anon' && page.pins === 0;
}

/** The entry at `vpn` is a device page of `owner` of the given kind (any kind when null). */
export function isDevicePageOf(pte: Pte | undefined, owner: string, memory: DeviceMemoryKind | null): boolean {
  if (pte?.kind === 'devicePrivate') return pte.owner === owner && memory !== 'coherent';
  if (pte?.kind === 'deviceCoherent') return pte.owner === owner && memory !== 'private';
  return false;
}

/** Move the page at `vpn` to a new device page of `owner` (if it is still migratable). */
export function migratePageToDevice(tx: Tx, vpn: number, owner: string, memory: DeviceMemoryKind): void {
  const { m } = tx;
  if (!migratableToDevice(m, vpn)) return;
  const vma = findVma(m.vmas, vpn * m.pageSize)!;
  const pte = m.ptes[vpn];
  const source = pte?.kind === 'present' ? pte : null;
  const pfn = allocPage(tx, 'device', source ? m.pages[source.pfn].data : undefined);
  getPage(tx, pfn);
  const write = source ? source.write : vma.write;
  writePte(
    tx,
    vpn,
    memory === 'coherent'
      ? { kind: 'deviceCoherent', pfn, owner, write, cow: false }
      : { kind: 'devicePrivate', pfn, owner, write },
  );
  if (source) putPage(tx, source.pfn);
}

/**
 * After a migration to device-private memory on a kernel that migrates THPs whole (after
 * v6.12, MIGRATE_VMA_SELECT_COMPOUND as test_hmm passes it): every huge-page block touching
 * `[start, end)` (a chunk of the migration) inside a MADV_HUGEPAGE VMA whose pages are now all
 * `owner`'s device-private pages is one device THP, its entries marked `huge`.
 */
export function markDeviceThps(tx: Tx, start: number, end: number, owner: string, split: number[] = []): void {
  const { m } = tx;
  if (!kernelAtLeast(m.kernel, 'upstream')) return;
  const first = Math.floor(start / m.hugePageSize) * m.hugePageSize;
  for (let block = first; block < end; block += m.hugePageSize) {
    if (split.includes(block)) continue;
    const vma = findVma(m.vmas, block);
    if (!vma?.thp || vma.start > block || vma.end < block + m.hugePageSize) continue;
    const vpns = Array.from({ length: m.hugePageSize / m.pageSize }, (_, k) => block / m.pageSize + k);
    const entries = vpns.map((v) => m.ptes[v]);
    if (!entries.every((e) => e?.kind === 'devicePrivate' && e.owner === owner && !e.huge)) continue;
    // Becoming a THP changes no mapping: the entries keep their versions.
    const ptes = writable(tx, 'ptes');
    for (const v of vpns) ptes[v] = { ...(ptes[v] as Extract<Pte, { kind: 'devicePrivate' }>), huge: true };
  }
}

/**
 * The huge-page block (its start address) that a migration to device memory would take whole
 * as one compound unit (MIGRATE_PFN_COMPOUND, kernels after v6.12) when it selects `vpn`, or
 * null for a base page: the block lies in a MADV_HUGEPAGE VMA and is a THP (every page a
 * present anonymous page) or, in an anonymous VMA, a huge hole or huge zero page (every entry
 * empty or the zero page).
 */
export function compoundBlock(m: MmMemory, vpn: number): number | null {
  if (!kernelAtLeast(m.kernel, 'upstream')) return null;
  const block = Math.floor((vpn * m.pageSize) / m.hugePageSize) * m.hugePageSize;
  const vma = findVma(m.vmas, vpn * m.pageSize);
  if (!vma?.thp || vma.start > block || vma.end < block + m.hugePageSize) return null;
  const entries = Array.from({ length: m.hugePageSize / m.pageSize }, (_, k) => m.ptes[block / m.pageSize + k]);
  const thp = entries.every((e) => e?.kind === 'present' && m.pages[e.pfn].kind === 'anon');
  const hole = vma.backing === 'anon' && entries.every((e) => !e || e.kind === 'zero');
  return thp || hole ? block : null;
}

/** A device-private THP that loses a page is split: its other pages stay, as base pages. */
function splitDeviceThp(tx: Tx, vpn: number): void {
  const { m } = tx;
  const per = m.hugePageSize / m.pageSize;
  const first = Math.floor(vpn / per) * per;
  for (let v = first; v < first + per; v++) {
    const e = m.ptes[v];
    if (e?.kind === 'devicePrivate' && e.huge)
      writable(tx, 'ptes')[v] = { kind: 'devicePrivate', pfn: e.pfn, owner: e.owner, write: e.write };
  }
}

/**
 * Copy a device page back into a new system page, keeping its writability. `owner` null: any
 * owner's device-private page (a CPU fault's `migrate_to_ram`); otherwise only `owner`'s pages,
 * private and coherent (MIGRATE_TO_SYS, eviction, a long-term pin of a coherent page).
 */
export function migratePageToRam(tx: Tx, vpn: number, owner: string | null): void {
  const pte = tx.m.ptes[vpn];
  if (owner === null ? pte?.kind !== 'devicePrivate' : !isDevicePageOf(pte, owner, null)) return;
  if (pte?.kind !== 'devicePrivate' && pte?.kind !== 'deviceCoherent') return;
  if (pte.kind === 'devicePrivate' && pte.huge) splitDeviceThp(tx, vpn);
  const pfn = allocPage(tx, 'anon', tx.m.pages[pte.pfn].data);
  getPage(tx, pfn);
  writePte(tx, vpn, { kind: 'present', pfn, write: pte.write, cow: pte.kind === 'deviceCoherent' && pte.cow });
  putPage(tx, pte.pfn);
}
