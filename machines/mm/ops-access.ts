/**
 * CPU accesses (a thread loading or storing a word), `pin_user_pages` / `unpin_user_pages`,
 * and page reclaim of one page (`shrink_folio_list` → `try_to_unmap_one` → swap).
 *
 * An access first checks the VMA (no VMA or no permission → -EFAULT, standing for SIGSEGV),
 * then runs fault steps until the entry allows it. A step that needs an invalidation (COW
 * break, device-exclusive restore, device-private migration) ends the attempt; the machine
 * runs it and attempts again from the recorded word index.
 *
 * Words: a page holds `wordsPerPage` ints; the word at byte address `a` is
 * `data[(a % pageSize) / (pageSize / wordsPerPage)]` (rounded down).
 */
import { EAGAIN, EBUSY, EFAULT, EINVAL } from '../errno.ts';
import { type Attempt, blockable, invalidate, type OpHandler, pageRange, reply } from './attempt.ts';
import type { MmRequest, WritePattern } from './events.ts';
import { accessAllowed, cpuFaultStep } from './fault.ts';
import { ptePfn } from './page-table.ts';
import { mutablePage, type Tx, unpinPage } from './pages.ts';
import type { Invalidation, Mutation } from './types.ts';
import { findVma } from './vma.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;

export type EnsureResult =
  | { kind: 'ok'; pfn: number }
  | { kind: 'error'; errno: number }
  | { kind: 'invalidate'; inv: Invalidation; mutation: Mutation };

/** Fault the page at `addr` in until it allows the access; fills are committed to `tx`. */
export function ensurePage(tx: Tx, addr: number, write: boolean): EnsureResult {
  const vma = findVma(tx.m.vmas, addr);
  if (!accessAllowed(vma, write)) return { kind: 'error', errno: EFAULT };
  // A fill may be followed by a second step (a NUMA restore, then a COW break for a write).
  for (let steps = 0; steps < 4; steps++) {
    const step = cpuFaultStep(tx, vma, addr, write);
    if (step.kind === 'ok') {
      const pfn = ptePfn(tx.m, tx.m.ptes[Math.floor(addr / tx.m.pageSize)]);
      if (pfn === null) throw new Error(`mm ${tx.mmId}: access at ${addr} found no page`);
      return { kind: 'ok', pfn };
    }
    if (step.kind !== 'filled') return step;
  }
  throw new Error(`mm ${tx.mmId}: fault at ${addr} made no progress`);
}

function wordBytes(tx: Tx): number {
  return tx.m.pageSize / tx.m.wordsPerPage;
}

function wordIndex(tx: Tx, addr: number): number {
  return Math.floor((addr % tx.m.pageSize) / wordBytes(tx));
}

function patternValue(p: WritePattern, i: number): number {
  if (p.kind === 'const') return p.value ?? 0;
  return (p.scale ?? 1) * i + (p.add ?? 0);
}

/** Access `count` consecutive words from `addr`, resuming at word `from`. */
function accessWords(
  tx: Tx,
  addr: number,
  count: number,
  from: number,
  write: ((i: number) => number) | null,
  out: number[],
): Attempt | null {
  if (!Number.isInteger(addr) || addr < 0 || !Number.isInteger(count) || count < 0) return reply(EINVAL);
  const base = Math.floor(addr / wordBytes(tx)) * wordBytes(tx);
  for (let i = from; i < count; i++) {
    const a = base + i * wordBytes(tx);
    const got = ensurePage(tx, a, write !== null);
    if (got.kind === 'error') return reply(got.errno);
    if (got.kind === 'invalidate') return invalidate(got.inv, got.mutation, { index: i });
    if (write) mutablePage(tx, got.pfn).data[wordIndex(tx, a)] = write(i);
    else out.push(tx.m.pages[got.pfn].data[wordIndex(tx, a)]);
  }
  return null;
}

export const read: OpHandler<Req<'mm.read'>> = (tx, req) => {
  const out: number[] = [];
  return accessWords(tx, req.addr, 1, 0, null, out) ?? reply(0, out[0]);
};

export const write: OpHandler<Req<'mm.write'>> = (tx, req, progress) => {
  const from = (progress as { index: number } | null)?.index ?? 0;
  return accessWords(tx, req.addr, 1, from, () => req.value, []) ?? reply(0);
};

/** Words read before an invalidation are kept (the thread already loaded them); the read resumes. */
export const readRange: OpHandler<Req<'mm.readRange'>> = (tx, req, progress) => {
  const p = progress as { index: number; out: number[] } | null;
  const out: number[] = p ? [...p.out] : [];
  const step = accessWords(tx, req.addr, req.count, p?.index ?? 0, null, out);
  if (step?.kind === 'invalidate')
    return { ...step, progress: { index: (step.progress as { index: number }).index, out } };
  return step ?? reply(0, out);
};

/**
 * `ptr[i] += delta` for each word, in order (a load and a store per word, like the selftests'
 * post-increment loops). Value: the words as they were before the increment.
 */
export const incrementRange: OpHandler<Req<'mm.incrementRange'>> = (tx, req, progress) => {
  const p = progress as { index: number; out: number[] } | null;
  const out: number[] = p ? [...p.out] : [];
  const base = Math.floor(req.addr / wordBytes(tx)) * wordBytes(tx);
  const step = accessWords(
    tx,
    req.addr,
    req.count,
    p?.index ?? 0,
    (i) => {
      const a = base + i * wordBytes(tx);
      const pte = tx.m.ptes[Math.floor(a / tx.m.pageSize)];
      const old = tx.m.pages[ptePfn(tx.m, pte)!].data[wordIndex(tx, a)];
      out.push(old);
      return old + (req.delta ?? 1);
    },
    [],
  );
  if (step?.kind === 'invalidate')
    return { ...step, progress: { index: (step.progress as { index: number }).index, out } };
  return step ?? reply(0, out);
};

export const writeRange: OpHandler<Req<'mm.writeRange'>> = (tx, req, progress) => {
  const from = (progress as { index: number } | null)?.index ?? 0;
  return accessWords(tx, req.addr, req.count, from, (i) => patternValue(req.pattern, i), []) ?? reply(0);
};

/**
 * `pin_user_pages`: fault every page in like a CPU access (write if `write`), then pin them
 * all. All or nothing: an error pins nothing. Value: `[{ addr, pfn, gen }]`.
 */
export const pin: OpHandler<Req<'mm.pin'>> = (tx, req) => {
  const range = pageRange(tx.m, req.addr, req.length);
  if (typeof range === 'number') return reply(range);
  const pfns: number[] = [];
  for (let a = range.start; a < range.end; a += tx.m.pageSize) {
    const got = ensurePage(tx, a, req.write);
    if (got.kind === 'error') return reply(got.errno);
    if (got.kind === 'invalidate') return invalidate(got.inv, got.mutation);
    const vpn = a / tx.m.pageSize;
    const pte = tx.m.ptes[vpn];
    // FOLL_LONGTERM: a device-coherent page cannot stay pinned for long; it is migrated to
    // system memory first (`migrate_longterm_unpinnable_folios` → try_to_migrate: CLEAR).
    if (req.longterm && pte?.kind === 'deviceCoherent')
      return invalidate(blockable(a, a + tx.m.pageSize, 'CLEAR'), {
        kind: 'migrateBack',
        start: a,
        end: a + tx.m.pageSize,
        owner: pte.owner,
      });
    pfns.push(got.pfn);
  }
  const value = pfns.map((pfn, i) => {
    // `release`: the caller unpins at once (gup_test pins and unpins in one ioctl).
    if (!req.release) mutablePage(tx, pfn).pins++;
    return { addr: range.start + i * tx.m.pageSize, pfn, gen: tx.m.pages[pfn].gen };
  });
  return reply(0, value);
};

/** `unpin_user_pages`; returns the pfns that had no pin (a caller bug, observed by the machine). */
export function unpinAll(tx: Tx, pfns: (number | { pfn: number })[]): number[] {
  const bad: number[] = [];
  for (const p of pfns) {
    const pfn = typeof p === 'number' ? p : p.pfn;
    if (!unpinPage(tx, pfn)) bad.push(pfn);
  }
  return bad;
}

/**
 * Reclaim the page mapped at `addr`: CLEAR invalidation of that page, then an anonymous page
 * goes to swap (data saved) and is freed; a file page is unmapped (the page cache keeps it);
 * a zero-page entry is cleared. Pinned pages cannot be reclaimed (-EBUSY, no invalidation);
 * nothing reclaimable at `addr` → -EAGAIN; no VMA → -EFAULT.
 */
export const reclaim: OpHandler<Req<'mm.reclaim'>> = (tx, req, progress) => {
  const { m } = tx;
  if (progress !== null) return reply(0);
  const start = Math.floor(req.addr / m.pageSize) * m.pageSize;
  if (!findVma(m.vmas, start)) return reply(EFAULT);
  const vpn = start / m.pageSize;
  const pte = m.ptes[vpn];
  const inv = blockable(start, start + m.pageSize, 'CLEAR');
  const zap: Mutation = { kind: 'zap', start, end: start + m.pageSize };
  if (pte?.kind === 'zero') return invalidate(inv, zap, { done: true });
  if (pte?.kind !== 'present') return reply(EAGAIN);
  const page = m.pages[pte.pfn];
  if (page.pins > 0) return reply(EBUSY);
  return invalidate(inv, page.kind === 'file' ? zap : { kind: 'swapOut', vpn }, { done: true });
};
