import { describe, expect, it } from 'vitest';
import { EFAULT, EPERM } from '../../../machines/errno.ts';
import { decidePage, type HmmRequest, type PageDecision, walkRange } from '../../../machines/mm/hmm-walk.ts';
import type { Pte, Vma } from '../../../machines/mm/types.ts';
import { anonVma, memory, PAGE, page } from './mm-test-kit.ts';

const A = 0x200000; // a 2 MiB-aligned VMA start
const SNAP: Omit<HmmRequest, 'start' | 'end'> = { fault: false, write: false, owner: 'dev:gpu0' };
const READ: Omit<HmmRequest, 'start' | 'end'> = { fault: true, write: false, owner: 'dev:gpu0' };
const WRITE: Omit<HmmRequest, 'start' | 'end'> = { fault: true, write: true, owner: 'dev:gpu0' };

/** The decision for the first page of a one-page mm with `pte` (and `vma`) under `req`. */
function decide(pte: Pte | undefined, req: Omit<HmmRequest, 'start' | 'end'>, vma: Vma | null = anonVma(A, 1)) {
  const m = memory({
    vmas: vma ? [vma] : [],
    ptes: pte ? { [A / PAGE]: pte } : {},
    pages: { 5: page(3), 6: page(1, 'device') },
  });
  m.versions[A / PAGE] = 4;
  return decidePage(m, A, { start: A, end: A + PAGE, ...req });
}

function out(d: PageDecision) {
  if (d.kind !== 'out') throw new Error(`expected an output, got ${JSON.stringify(d)}`);
  const { pfn, valid, write, error, order } = d.pfn;
  return { pfn, valid, write, error, order };
}

const NOTHING = { pfn: null, valid: false, write: false, error: false, order: 0 };
const ERROR = { pfn: null, valid: false, write: false, error: true, order: 0 };
const FAULT_READ: PageDecision = { kind: 'fault', write: false };
const FAULT_WRITE: PageDecision = { kind: 'fault', write: true };
const FAIL_EFAULT: PageDecision = { kind: 'fail', result: EFAULT };

const present = (write: boolean): Pte => ({ kind: 'present', pfn: 5, write, cow: false });
const devPrivate = (owner: string, write: boolean): Pte => ({ kind: 'devicePrivate', pfn: 6, owner, write });

describe('hmm-walk decidePage (docs/kernel-semantics.md §2.3, one row at a time)', () => {
  it('should report ERROR for a hole when no fault is requested, and fail with -EFAULT when it is', () => {
    expect(out(decide(undefined, SNAP, null))).toEqual(ERROR);
    expect(decide(undefined, READ, null)).toEqual(FAIL_EFAULT);
  });

  it('should report ERROR for a VMA without VM_READ, and -EFAULT (not -EPERM) when faulting', () => {
    const noRead = anonVma(A, 1, { read: false });
    expect(out(decide(present(true), SNAP, noRead))).toEqual(ERROR);
    expect(decide(present(true), READ, noRead)).toEqual(FAIL_EFAULT);
    expect(decide(present(true), WRITE, noRead)).toEqual(FAIL_EFAULT);
  });

  it('should report ERROR for a VM_IO/VM_PFNMAP VMA, and -EFAULT when faulting', () => {
    const io = anonVma(A, 1, { io: true });
    expect(out(decide(present(true), SNAP, io))).toEqual(ERROR);
    expect(decide(undefined, READ, io)).toEqual(FAIL_EFAULT);
  });

  it('should report 0 for pte_none, and fault it (write fault for a write request)', () => {
    expect(out(decide(undefined, SNAP))).toEqual(NOTHING);
    expect(decide(undefined, READ)).toEqual(FAULT_READ);
    expect(decide(undefined, WRITE)).toEqual(FAULT_WRITE);
  });

  it('should report a present writable entry as pfn|VALID|WRITE with its gen and version, never faulting', () => {
    const d = decide(present(true), WRITE);
    expect(out(d)).toEqual({ pfn: 5, valid: true, write: true, error: false, order: 0 });
    expect(d.kind === 'out' && [d.pfn.gen, d.pfn.version, d.pfn.addr]).toEqual([3, 4, A]);
  });

  it('should report a present read-only entry as pfn|VALID, and write-fault it for a write request', () => {
    expect(out(decide(present(false), READ))).toEqual({ pfn: 5, valid: true, write: false, error: false, order: 0 });
    expect(decide(present(false), WRITE)).toEqual(FAULT_WRITE);
  });

  it('should report the zero page as VALID read-only, and write-fault it for a write request', () => {
    expect(out(decide({ kind: 'zero' }, READ))).toEqual({ pfn: 0, valid: true, write: false, error: false, order: 0 });
    expect(decide({ kind: 'zero' }, WRITE)).toEqual(FAULT_WRITE);
  });

  it('should ignore REQ_WRITE without REQ_FAULT (snapshot only)', () => {
    expect(out(decide(present(false), { fault: false, write: true, owner: null })).valid).toBe(true);
    expect(out(decide(undefined, { fault: false, write: true, owner: null }))).toEqual(NOTHING);
  });

  it('should report a PROT_NONE (NUMA hint) entry as a pfn without flags, and fault it', () => {
    const numa: Pte = { kind: 'protNone', pfn: 5, write: true };
    expect(out(decide(numa, SNAP))).toEqual({ pfn: 5, valid: false, write: false, error: false, order: 0 });
    expect(decide(numa, READ)).toEqual(FAULT_READ);
  });

  it('should report a special PTE as ERROR, and -EFAULT when a fault is requested', () => {
    expect(out(decide({ kind: 'special', pfn: 99 }, SNAP))).toEqual(ERROR);
    expect(decide({ kind: 'special', pfn: 99 }, READ)).toEqual(FAIL_EFAULT);
  });

  it('should report a swap entry as 0, and fault it (swap-in)', () => {
    expect(out(decide({ kind: 'swap', slot: 0 }, SNAP))).toEqual(NOTHING);
    expect(decide({ kind: 'swap', slot: 0 }, READ)).toEqual(FAULT_READ);
  });

  it("should report the caller's own device-private page as devpfn|VALID(+WRITE) and never fault it", () => {
    expect(out(decide(devPrivate('dev:gpu0', true), SNAP))).toEqual({
      pfn: 6,
      valid: true,
      write: true,
      error: false,
      order: 0,
    });
    // Even a write request on a read-only owned entry returns it as is.
    expect(out(decide(devPrivate('dev:gpu0', false), WRITE))).toEqual({
      pfn: 6,
      valid: true,
      write: false,
      error: false,
      order: 0,
    });
  });

  it("should report another owner's device-private page as 0, and fault it (migrate to RAM)", () => {
    expect(out(decide(devPrivate('dev:other', true), SNAP))).toEqual(NOTHING);
    expect(decide(devPrivate('dev:other', true), READ)).toEqual(FAULT_READ);
  });

  it('should never treat a device-private page as owned when the caller has no owner', () => {
    const m = memory({ vmas: [anonVma(A, 1)], ptes: { [A / PAGE]: devPrivate('dev:gpu0', true) } });
    expect(decidePage(m, A, { start: A, end: A + PAGE, fault: true, write: false, owner: null })).toEqual(FAULT_READ);
  });

  it('should report a device-exclusive entry as 0, and fault it (restore the mapping)', () => {
    const excl: Pte = { kind: 'deviceExclusive', pfn: 5, owner: 'dev:gpu0', write: true };
    expect(out(decide(excl, SNAP))).toEqual(NOTHING);
    expect(decide(excl, WRITE)).toEqual(FAULT_WRITE);
  });

  it('should report a migration entry as 0, and fault it (wait, then re-walk)', () => {
    const mig: Pte = { kind: 'migration', pfn: 5, write: true };
    expect(out(decide(mig, SNAP))).toEqual(NOTHING);
    expect(decide(mig, READ)).toEqual(FAULT_READ);
  });

  it('should report another non-present entry (hwpoison) as 0, and -EFAULT when faulting', () => {
    expect(out(decide({ kind: 'hwpoison' }, SNAP))).toEqual(NOTHING);
    expect(decide({ kind: 'hwpoison' }, READ)).toEqual(FAIL_EFAULT);
  });

  it('should report order 9 for every page of a fully populated aligned block in a THP VMA', () => {
    const vma = anonVma(A, 512, { thp: true });
    const ptes: Record<number, Pte> = {};
    const pages: Record<number, ReturnType<typeof page>> = {};
    for (let i = 0; i < 512; i++) {
      ptes[A / PAGE + i] = { kind: 'present', pfn: 10 + i, write: true, cow: false };
      pages[10 + i] = page();
    }
    const full = memory({ vmas: [vma], ptes, pages });
    const res = walkRange(full, { start: A, end: A + 512 * PAGE, ...SNAP });
    expect(res.kind === 'done' && new Set(res.pfns.map((p) => p.order))).toEqual(new Set([9]));
    delete ptes[A / PAGE + 511];
    const partial = memory({ vmas: [vma], ptes, pages });
    expect(decidePage(partial, A, { start: A, end: A + PAGE, ...SNAP })).toMatchObject({ pfn: { order: 0 } });
  });

  it('should report order 0 in a THP VMA whose aligned block is not wholly inside the VMA', () => {
    const vma = anonVma(A + PAGE, 511, { thp: true });
    const m = memory({ vmas: [vma], ptes: { [A / PAGE + 1]: present(true) }, pages: { 5: page() } });
    expect(decidePage(m, A + PAGE, { start: A + PAGE, end: A + 2 * PAGE, ...SNAP })).toMatchObject({
      pfn: { order: 0, valid: true },
    });
  });

  it('should report the huge page order for a hugetlb entry, and fault it like a PTE', () => {
    const huge = anonVma(A, 512, { hugetlb: true });
    expect(out(decide(present(true), SNAP, huge)).order).toBe(9);
    expect(decide(undefined, READ, huge)).toEqual(FAULT_READ);
  });
});

describe('hmm-walk walkRange', () => {
  const base = [anonVma(A, 4)];

  it('should report every page in order when nothing needs a fault', () => {
    const m = memory({ vmas: base, ptes: { [A / PAGE + 1]: present(true) }, pages: { 5: page() } });
    const res = walkRange(m, { start: A, end: A + 4 * PAGE, ...SNAP });
    expect(res.kind === 'done' && res.pfns.map((p) => [p.addr, p.valid])).toEqual([
      [A, false],
      [A + PAGE, true],
      [A + 2 * PAGE, false],
      [A + 3 * PAGE, false],
    ]);
  });

  it('should name the sub-range to fault from the first page needing it to the end of its VMA', () => {
    const m = memory({ vmas: base, ptes: { [A / PAGE]: present(true) }, pages: { 5: page() } });
    expect(walkRange(m, { start: A, end: A + 8 * PAGE, ...WRITE })).toEqual({
      kind: 'fault',
      start: A + PAGE,
      end: A + 4 * PAGE,
      write: true,
    });
  });

  it('should clip the fault sub-range at the request end and at the huge block boundary', () => {
    const m = memory({ vmas: [anonVma(A - 2 * PAGE, 8)] });
    expect(walkRange(m, { start: A - 2 * PAGE, end: A + 6 * PAGE, ...READ })).toEqual({
      kind: 'fault',
      start: A - 2 * PAGE,
      end: A,
      write: false,
    });
    expect(walkRange(m, { start: A, end: A + 3 * PAGE, ...READ })).toMatchObject({ end: A + 3 * PAGE });
  });

  it('should fail with -EPERM when a write fault is needed on a VMA without VM_WRITE', () => {
    const m = memory({ vmas: [anonVma(A, 2, { write: false })] });
    expect(walkRange(m, { start: A, end: A + 2 * PAGE, ...WRITE })).toEqual({ kind: 'fail', result: EPERM });
  });

  it('should fail with -EFAULT on a hole even after pages that could be reported', () => {
    const m = memory({ vmas: [anonVma(A, 1)], ptes: { [A / PAGE]: present(true) }, pages: { 5: page() } });
    expect(walkRange(m, { start: A, end: A + 2 * PAGE, ...READ })).toEqual(FAIL_EFAULT);
  });
});
