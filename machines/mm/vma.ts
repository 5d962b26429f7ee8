/**
 * The VMA list of one mm (`mm->mm_mt`, simplified to a sorted array): lookup, splitting at
 * range boundaries (`split_vma`), removal (`do_vmi_munmap`), attribute changes over a range
 * (`mprotect_fixup`, `madvise_update_vma`) and merging of identical neighbours (`vma_merge`),
 * so that equal address spaces always have equal VMA lists.
 *
 * All functions are pure: they return new arrays and never change their arguments.
 */
import { MM_TASK_SIZE, type Vma } from './types.ts';

/** A VMA with every field present, in one fixed key order (canonical JSON). */
export function makeVma(v: {
  start: number;
  end: number;
  read: boolean;
  write: boolean;
  shared: boolean;
  backing: 'anon' | 'file';
  file?: string | null;
  pgoff?: number;
  hugetlb?: boolean;
  thp?: boolean;
  io?: boolean;
}): Vma {
  return {
    start: v.start,
    end: v.end,
    read: v.read,
    write: v.write,
    shared: v.shared,
    backing: v.backing,
    file: v.file ?? null,
    pgoff: v.pgoff ?? 0,
    hugetlb: v.hugetlb ?? false,
    thp: v.thp ?? false,
    io: v.io ?? false,
  };
}

export function findVma(vmas: Vma[], addr: number): Vma | undefined {
  return vmas.find((v) => v.start <= addr && addr < v.end);
}

export function vmasIntersecting(vmas: Vma[], start: number, end: number): Vma[] {
  return vmas.filter((v) => v.start < end && start < v.end);
}

/** True when every byte of `[start, end)` is inside some VMA. */
export function rangeFullyMapped(vmas: Vma[], start: number, end: number): boolean {
  let cursor = start;
  for (const v of vmasIntersecting(vmas, start, end)) {
    if (v.start > cursor) return false;
    cursor = v.end;
  }
  return cursor >= end;
}

/** True for private (copy-on-write) mappings that may be written: fork write-protects these. */
export function isCowMapping(v: Vma): boolean {
  return !v.shared && v.write;
}

/** The piece of `v` inside `[start, end)`, with its file offset moved along. */
function clip(v: Vma, start: number, end: number, pageSize: number): Vma {
  const s = Math.max(v.start, start);
  const e = Math.min(v.end, end);
  return { ...v, start: s, end: e, pgoff: v.backing === 'file' ? v.pgoff + (s - v.start) / pageSize : 0 };
}

/** Split every VMA at `start` and `end`: afterwards no VMA straddles either boundary. */
function splitAt(vmas: Vma[], start: number, end: number, pageSize: number): Vma[] {
  const out: Vma[] = [];
  for (const v of vmas) {
    const cuts = [v.start, ...[start, end].filter((c) => v.start < c && c < v.end), v.end];
    for (let i = 0; i + 1 < cuts.length; i++) out.push(clip(v, cuts[i], cuts[i + 1], pageSize));
  }
  return out;
}

/** Remove `[start, end)` from the address space (munmap), splitting VMAs at the edges. */
export function removeRange(vmas: Vma[], start: number, end: number, pageSize: number): Vma[] {
  return splitAt(vmas, start, end, pageSize).filter((v) => v.end <= start || v.start >= end);
}

/** Apply `patch` to the parts of VMAs inside `[start, end)`, then merge identical neighbours. */
export function updateRange(
  vmas: Vma[],
  start: number,
  end: number,
  pageSize: number,
  patch: Partial<Pick<Vma, 'read' | 'write' | 'thp'>>,
): Vma[] {
  const split = splitAt(vmas, start, end, pageSize);
  return mergeVmas(
    split.map((v) => (v.start >= start && v.end <= end ? { ...v, ...patch } : v)),
    pageSize,
  );
}

export function insertVma(vmas: Vma[], vma: Vma, pageSize: number): Vma[] {
  return mergeVmas(
    [...vmas, vma].sort((a, b) => a.start - b.start),
    pageSize,
  );
}

function mergeable(a: Vma, b: Vma, pageSize: number): boolean {
  if (a.end !== b.start) return false;
  const same =
    a.read === b.read &&
    a.write === b.write &&
    a.shared === b.shared &&
    a.backing === b.backing &&
    a.file === b.file &&
    a.hugetlb === b.hugetlb &&
    a.thp === b.thp &&
    a.io === b.io;
  if (!same) return false;
  return a.backing === 'anon' || a.pgoff + (a.end - a.start) / pageSize === b.pgoff;
}

/** Merge adjacent VMAs with identical attributes (and contiguous file offsets). */
export function mergeVmas(vmas: Vma[], pageSize: number): Vma[] {
  const out: Vma[] = [];
  for (const v of vmas) {
    const prev = out[out.length - 1];
    if (prev && mergeable(prev, v, pageSize)) out[out.length - 1] = { ...prev, end: v.end };
    else out.push(v);
  }
  return out;
}

/** The lowest `align`-aligned address at or above MMAP_BASE with `length` free bytes, or null. */
export function findGap(vmas: Vma[], length: number, align: number, base: number): number | null {
  let addr = Math.ceil(base / align) * align;
  for (const v of vmas) {
    if (v.end <= addr) continue;
    if (v.start >= addr + length) break;
    addr = Math.ceil(v.end / align) * align;
  }
  return addr + length <= MM_TASK_SIZE ? addr : null;
}

/** The file page index that address `addr` of file VMA `v` maps. */
export function filePageIndex(v: Vma, addr: number, pageSize: number): number {
  return v.pgoff + Math.floor((addr - v.start) / pageSize);
}
