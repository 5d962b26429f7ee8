/**
 * `hmm_range_fault`'s page walk as pure functions over the mm's memory: the per-page decision
 * of docs/kernel-semantics.md §2.3 (`decidePage`, one branch per table row) and one pass over a range
 * (`walkRange`), which either produces every output or names the first sub-range that must be
 * faulted (`hmm_vma_fault`). The machine runs the faults (mm/fault.ts) and the loop of §2.4.
 *
 * Request flags are range-wide (`default_flags`; no per-page input flags, i.e.
 * `pfn_flags_mask` = 0): `fault` = HMM_PFN_REQ_FAULT, `write` = HMM_PFN_REQ_WRITE (ignored
 * without `fault`, as in the kernel). The walk takes no page references.
 *
 * Map order (approximation): a valid entry in a hugetlb VMA reports log2(hugePageSize /
 * pageSize); in a MADV_HUGEPAGE VMA it does so when the whole aligned huge block lies inside
 * the VMA and every page of it is present (standing for a PMD mapping); otherwise 0. A page of
 * a device-private THP (`huge`, kernels after v6.12) reports the PMD order too.
 * Rows not representable in this model: PMD migration entries and bad PMDs (the model has no
 * PMD level), so they have no branch here.
 */
import { EFAULT, EPERM } from '../errno.ts';
import type { MmMemory, Pte, Vma } from './types.ts';
import { findVma } from './vma.ts';

export interface HmmRequest {
  start: number;
  end: number;
  fault: boolean;
  write: boolean;
  /** `dev_private_owner`: device-private pages of this owner are reported, never faulted. */
  owner: string | null;
}

/** One output entry (`hmm_pfns[i]` decoded). `pfn`/`gen` are null when nothing is reported. */
export interface HmmPfn {
  addr: number;
  pfn: number | null;
  gen: number | null;
  /** The CPU PTE version at walk time (a device entry built from it is stale once it moves). */
  version: number;
  valid: boolean;
  write: boolean;
  error: boolean;
  order: number;
  /**
   * Only on valid entries of special pages (absent for ordinary system pages): what the pfn is,
   * for callers that report it (dmirror's SNAPSHOT: `is_zero_pfn`, `is_device_private_page`,
   * `is_device_coherent_page` and the page's pgmap owner).
   */
  zone?: 'zero' | 'devicePrivate' | 'deviceCoherent';
  owner?: string;
}

export type PageDecision =
  | { kind: 'out'; pfn: HmmPfn }
  | { kind: 'fault'; write: boolean }
  | { kind: 'fail'; result: number };

export type WalkOutcome =
  | { kind: 'done'; pfns: HmmPfn[] }
  | { kind: 'fail'; result: number }
  | { kind: 'fault'; start: number; end: number; write: boolean };

interface CpuFlags {
  valid: boolean;
  write: boolean;
}

/** `hmm_pte_need_fault`: none, a read fault, or a write fault. */
function needFault(req: HmmRequest, cpu: CpuFlags): 'none' | 'read' | 'write' {
  if (!req.fault) return 'none';
  if (req.write && !cpu.write) return 'write';
  if (!cpu.valid) return 'read';
  return 'none';
}

function output(m: MmMemory, addr: number, pfn: number | null, flags: Partial<HmmPfn>): HmmPfn {
  const vpn = addr / m.pageSize;
  const out: HmmPfn = {
    addr,
    pfn,
    gen: pfn === null ? null : (m.pages[pfn]?.gen ?? null),
    version: m.versions[vpn] ?? 0,
    valid: flags.valid ?? false,
    write: flags.write ?? false,
    error: flags.error ?? false,
    order: flags.order ?? 0,
  };
  if (out.valid && flags.zone) out.zone = flags.zone;
  if (out.valid && flags.owner !== undefined) out.owner = flags.owner;
  return out;
}

/** The map order of a valid entry at `addr` (see the header for the approximation). */
export function mapOrder(m: MmMemory, vma: Vma, addr: number): number {
  const hugeOrder = Math.round(Math.log2(m.hugePageSize / m.pageSize));
  if (vma.hugetlb) return hugeOrder;
  if (!vma.thp) return 0;
  const blockStart = Math.floor(addr / m.hugePageSize) * m.hugePageSize;
  const blockEnd = blockStart + m.hugePageSize;
  if (blockStart < vma.start || blockEnd > vma.end) return 0;
  for (let a = blockStart; a < blockEnd; a += m.pageSize) {
    if (m.ptes[a / m.pageSize]?.kind !== 'present') return 0;
  }
  return hugeOrder;
}

/** The §2.3 decision for the page at `addr` (page aligned). */
export function decidePage(m: MmMemory, addr: number, req: HmmRequest): PageDecision {
  const vma = findVma(m.vmas, addr);
  // Rows "no VMA" and "VMA without VM_READ, or VM_IO/VM_PFNMAP": any fault request fails the call.
  if (!vma?.read || vma.io) {
    if (req.fault) return { kind: 'fail', result: EFAULT };
    return { kind: 'out', pfn: output(m, addr, null, { error: true }) };
  }
  const pte: Pte | undefined = m.ptes[addr / m.pageSize];
  if (!pte) return decideOrFault(m, addr, req, { valid: false, write: false }, null);
  switch (pte.kind) {
    case 'present':
      return decideOrFault(m, addr, req, { valid: true, write: pte.write }, pte.pfn, mapOrder(m, vma, addr));
    case 'zero':
      return decideOrFault(m, addr, req, { valid: true, write: false }, m.zeroPfn, mapOrder(m, vma, addr), {
        zone: 'zero',
      });
    case 'deviceCoherent':
      // A present mapping of CPU-addressable device memory: reported like any present page.
      return decideOrFault(m, addr, req, { valid: true, write: pte.write }, pte.pfn, 0, {
        zone: 'deviceCoherent',
        owner: pte.owner,
      });
    case 'protNone':
      // NUMA hint: present but no access; the pfn is reported without flags.
      return decideOrFault(m, addr, req, { valid: false, write: false }, pte.pfn);
    case 'special':
      // No struct page behind it: ERROR, or -EFAULT when the page had to be valid.
      if (req.fault) return { kind: 'fail', result: EFAULT };
      return { kind: 'out', pfn: output(m, addr, null, { error: true }) };
    case 'devicePrivate':
      // Owned by the caller: reported as is, never faulted (even for a write request).
      if (req.owner !== null && pte.owner === req.owner)
        return {
          kind: 'out',
          pfn: output(m, addr, pte.pfn, {
            valid: true,
            write: pte.write,
            zone: 'devicePrivate',
            owner: pte.owner,
            order: pte.huge ? Math.round(Math.log2(m.hugePageSize / m.pageSize)) : 0,
          }),
        };
      return nonPresent(m, addr, req, 'fault');
    case 'swap':
    case 'deviceExclusive':
    case 'migration':
      // Migration: "wait for it, then re-walk"; the fault path completes it (see fault.ts).
      return nonPresent(m, addr, req, 'fault');
    case 'hwpoison':
      return nonPresent(m, addr, req, 'fail');
  }
}

function decideOrFault(
  m: MmMemory,
  addr: number,
  req: HmmRequest,
  cpu: CpuFlags,
  pfn: number | null,
  order = 0,
  zone: Pick<HmmPfn, 'zone' | 'owner'> = {},
): PageDecision {
  const need = needFault(req, cpu);
  if (need !== 'none') return { kind: 'fault', write: need === 'write' };
  return {
    kind: 'out',
    pfn: output(m, addr, pfn, { valid: cpu.valid, write: cpu.write, order: cpu.valid ? order : 0, ...zone }),
  };
}

/** Non-present entries: output 0 unless a fault is required; then fault or fail the call. */
function nonPresent(m: MmMemory, addr: number, req: HmmRequest, whenNeeded: 'fault' | 'fail'): PageDecision {
  const need = needFault(req, { valid: false, write: false });
  if (need === 'none') return { kind: 'out', pfn: output(m, addr, null, {}) };
  if (whenNeeded === 'fail') return { kind: 'fail', result: EFAULT };
  return { kind: 'fault', write: need === 'write' };
}

/**
 * One pass over `[start, end)`. On the first page that needs a fault, returns the sub-range to
 * fault: from that page to the end of its huge block, its VMA or the request, whichever comes
 * first (the PMD-table range `hmm_vma_walk_pmd` hands to `hmm_vma_fault`). A write fault on a
 * VMA without VM_WRITE is -EPERM.
 */
export function walkRange(m: MmMemory, req: HmmRequest): WalkOutcome {
  const pfns: HmmPfn[] = [];
  for (let addr = req.start; addr < req.end; addr += m.pageSize) {
    const d = decidePage(m, addr, req);
    if (d.kind === 'fail') return d;
    if (d.kind === 'out') {
      pfns.push(d.pfn);
      continue;
    }
    const vma = findVma(m.vmas, addr)!;
    if (d.write && !vma.write) return { kind: 'fail', result: EPERM };
    const blockEnd = (Math.floor(addr / m.hugePageSize) + 1) * m.hugePageSize;
    return { kind: 'fault', start: addr, end: Math.min(req.end, vma.end, blockEnd), write: d.write };
  }
  return { kind: 'done', pfns };
}
