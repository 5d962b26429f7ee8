/**
 * mremap(2) (`mm/mremap.c`): shrink in place, grow in place when the space after the mapping is
 * free, or move the mapping (MREMAP_MAYMOVE; MREMAP_FIXED to `newAddr`; MREMAP_DONTUNMAP keeps
 * the old VMA, emptied).
 *
 * Notifier events, in the kernel's order:
 * - shrinking unmaps the tail: UNMAP over it (`do_vmi_munmap`);
 * - FIXED first unmaps whatever is mapped at the target: UNMAP over it;
 * - the move (`move_page_tables`) sends UNMAP over the old range, then the entries move to the
 *   new addresses as they are (the same pages, device-private and swap entries included; no
 *   page is copied or freed), each a PTE change at both addresses;
 * - without DONTUNMAP the old VMA is then unmapped: UNMAP over the old range again (its
 *   entries are already gone).
 * Growing in place changes no entry and sends nothing.
 *
 * Errors as mremap's: -EINVAL (unaligned address, zero new length, FIXED or DONTUNMAP without
 * MAYMOVE, DONTUNMAP with a length change, a FIXED target overlapping the old range or unaligned),
 * -EFAULT (the old range is not inside one VMA), -ENOMEM (cannot grow in place and may not move,
 * or no room to move).
 */
import { EFAULT, EINVAL, ENOMEM } from '../errno.ts';
import { type Attempt, blockable, invalidate, type OpHandler, reply } from './attempt.ts';
import type { MmRequest } from './events.ts';
import { unmapStep } from './ops-map.ts';
import { vpnsWithEntries, writePte } from './page-table.ts';
import type { Tx } from './pages.ts';
import { MM_TASK_SIZE, MMAP_BASE, type Vma } from './types.ts';
import { findGap, findVma, insertVma, vmasIntersecting } from './vma.ts';

type Req = Extract<MmRequest, { type: 'mm.mremap' }>;

/** Where the operation is: each stage ends with one invalidation or the reply. */
type Stage =
  | { stage: 'shrink' }
  | { stage: 'clearTarget'; to: number; len: number }
  | { stage: 'move'; to: number; len: number }
  | { stage: 'unmapOld'; to: number; len: number }
  | { stage: 'done'; result: number };

function checkArgs(tx: Tx, req: Req): number | null {
  const { pageSize } = tx.m;
  const aligned = (n: number) => Number.isInteger(n) && n >= 0 && n % pageSize === 0;
  if (!aligned(req.addr) || !Number.isInteger(req.oldLength) || req.oldLength < 0) return EINVAL;
  if (!Number.isInteger(req.newLength) || req.newLength <= 0) return EINVAL;
  if ((req.fixed || req.dontUnmap) && !req.mayMove) return EINVAL;
  if (req.dontUnmap && req.oldLength !== req.newLength) return EINVAL;
  if (req.fixed) {
    const to = req.newAddr ?? -1;
    if (!aligned(to) || to + pageAlign(tx, req.newLength) > MM_TASK_SIZE) return EINVAL;
    if (to < req.addr + pageAlign(tx, req.oldLength) && req.addr < to + pageAlign(tx, req.newLength)) return EINVAL;
  }
  const vma = findVma(tx.m.vmas, req.addr);
  if (!vma || req.addr + pageAlign(tx, req.oldLength) > vma.end) return EFAULT;
  return null;
}

function pageAlign(tx: Tx, n: number): number {
  return Math.ceil(n / tx.m.pageSize) * tx.m.pageSize;
}

export const mremap: OpHandler<Req> = (tx, req, progress) => {
  const p = progress as Stage | null;
  if (p === null) {
    const bad = checkArgs(tx, req);
    if (bad !== null) return reply(bad);
  }
  const oldLen = pageAlign(tx, req.oldLength);
  const newLen = pageAlign(tx, req.newLength);
  const stage = p ?? { stage: 'shrink' };
  switch (stage.stage) {
    case 'shrink': {
      // The tail beyond the new length goes first (in place and before a move alike).
      if (newLen < oldLen && !req.dontUnmap) {
        const step = unmapStep(tx, req.addr + newLen, req.addr + oldLen);
        if (step) return { ...step, progress: nextAfterShrink(tx, req, newLen) } as Attempt;
      }
      return mremap(tx, req, nextAfterShrink(tx, req, newLen));
    }
    case 'clearTarget': {
      const step = unmapStep(tx, stage.to, stage.to + newLen);
      const next: Stage = { stage: 'move', to: stage.to, len: stage.len };
      if (step) return { ...step, progress: next } as Attempt;
      return mremap(tx, req, next);
    }
    case 'move':
      return invalidate(
        blockable(req.addr, req.addr + stage.len, 'UNMAP'),
        { kind: 'move', from: req.addr, to: stage.to, length: stage.len, grow: newLen - stage.len },
        { stage: 'unmapOld', to: stage.to, len: stage.len },
      );
    case 'unmapOld': {
      const done: Stage = { stage: 'done', result: stage.to };
      if (req.dontUnmap) return reply(stage.to);
      const step = unmapStep(tx, req.addr, req.addr + stage.len);
      return step ? ({ ...step, progress: done } as Attempt) : reply(stage.to);
    }
    case 'done':
      return reply(stage.result);
  }
};

/** After the tail is gone: done in place (shrink, or grow into free space), or a move. */
function nextAfterShrink(tx: Tx, req: Req, newLen: number): Stage {
  const oldLen = pageAlign(tx, req.oldLength);
  const kept = Math.min(oldLen, newLen);
  if (req.fixed) return { stage: 'clearTarget', to: req.newAddr!, len: kept };
  if (newLen <= oldLen && !req.dontUnmap) return { stage: 'done', result: req.addr };
  if (!req.dontUnmap && vmasIntersecting(tx.m.vmas, req.addr + oldLen, req.addr + newLen).length === 0) {
    growInPlace(tx, req.addr, oldLen, newLen);
    return { stage: 'done', result: req.addr };
  }
  if (!req.mayMove) return { stage: 'done', result: ENOMEM };
  const to = findGap(tx.m.vmas, newLen, tx.m.pageSize, MMAP_BASE);
  return to === null ? { stage: 'done', result: ENOMEM } : { stage: 'move', to, len: kept };
}

/** `vma_expand`: the VMA that ends at `addr + oldLen` grows by the difference. */
function growInPlace(tx: Tx, addr: number, oldLen: number, newLen: number): void {
  const last = findVma(tx.m.vmas, addr + oldLen - 1)!;
  const piece: Vma = { ...last, start: addr + oldLen, end: addr + newLen };
  if (piece.file !== null) piece.pgoff = last.pgoff + (piece.start - last.start) / tx.m.pageSize;
  tx.m.vmas = insertVma(tx.m.vmas, piece, tx.m.pageSize);
}

/**
 * `move_vma`: the VMAs of `[from, from + length)` are copied to `to` (the last one `grow` bytes
 * longer) and every entry moves with its page; the old VMAs stay (removed by the UNMAP that
 * follows, or kept empty with DONTUNMAP).
 */
export function moveRange(tx: Tx, from: number, to: number, length: number, grow: number): void {
  const { m } = tx;
  const delta = to - from;
  const pieces = vmasIntersecting(m.vmas, from, from + length).map((v): Vma => {
    const start = Math.max(v.start, from);
    const end = Math.min(v.end, from + length);
    const pgoff = v.file === null ? 0 : v.pgoff + (start - v.start) / m.pageSize;
    return { ...v, start: start + delta, end: end + delta, pgoff };
  });
  if (pieces.length > 0 && grow > 0) pieces[pieces.length - 1].end += grow;
  for (const piece of pieces) m.vmas = insertVma(m.vmas, piece, m.pageSize);
  const shift = delta / m.pageSize;
  for (const vpn of vpnsWithEntries(m, from, from + length)) {
    const pte = m.ptes[vpn];
    writePte(tx, vpn, undefined);
    writePte(tx, vpn + shift, pte);
  }
}
