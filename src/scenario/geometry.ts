/**
 * The scenario's geometry, checked when it loads, so that a scenario tests what it says instead
 * of a set-up the kernel would refuse (the set-up thread does not check replies: an unaligned
 * mapping or a populate outside every mapping would otherwise fail silently, and the device
 * access would then meet -EFAULT):
 *   - the page size is a power of two the huge page size is a multiple of, and the modelled
 *     words per page a power of two that divides it, within a bound;
 *   - set-up mappings are page aligned (huge-page aligned for hugetlb), non-empty, a whole number
 *     of pages, inside the address space, and do not overlap; a file mapping names its file;
 *   - every populated word lies in a mapping of its process, one that can be written;
 *   - subscriptions and the addresses threads' operations name lie inside the address space.
 * An operation that expects an error (`expect: { result: -EINVAL }`, `acceptErrors`) is meant to
 * fail, so its addresses are left to the kernel model: the conformance suite tests -EFAULT and
 * -EINVAL paths that way. Every error names the place (file:line:col), the value and the fix.
 */
import { MM_TASK_SIZE } from '../../machines/mm/types.ts';
import { ScenarioError } from './parse.ts';
import type { Scenario } from './schema.ts';

/** The mm model's huge page size (machines/mm/context.ts). */
export const HUGE_PAGE_SIZE = 2 * 1024 * 1024;
/** Words of content modelled per page, at most: every page carries an array of them in every state. */
export const MAX_WORDS_PER_PAGE = 1024;

type Where = (path: (string | number)[]) => string;

const hex = (n: number): string => `0x${n.toString(16)}`;
const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;

function fail(where: string, text: string): never {
  throw new ScenarioError(`${where}: ${text}`);
}

export function checkGeometry(s: Scenario, where: Where): void {
  if (!isPowerOfTwo(s.pageSize) || HUGE_PAGE_SIZE % s.pageSize !== 0) {
    fail(
      where(['pageSize']),
      `pageSize must be a power of two no larger than the huge page size ${HUGE_PAGE_SIZE} (got ${s.pageSize}): use 4096`,
    );
  }
  if (!isPowerOfTwo(s.wordsPerPage) || s.wordsPerPage > MAX_WORDS_PER_PAGE || s.pageSize % s.wordsPerPage !== 0) {
    fail(
      where(['wordsPerPage']),
      `wordsPerPage must be a power of two that divides pageSize ${s.pageSize} and is at most ${MAX_WORDS_PER_PAGE} (got ${s.wordsPerPage}): every page carries that many modelled words in every state; the selftests need 4`,
    );
  }
  for (const [p, proc] of Object.entries(s.processes)) checkProcess(s, p, proc, where);
  for (const [d, dev] of Object.entries(s.devices)) {
    if (dev.subscription) {
      const { start, length } = dev.subscription;
      if (length <= 0 || start + length > MM_TASK_SIZE)
        fail(
          where(['devices', d, 'subscription']),
          `the subscription [${hex(start)}, +${hex(length)}) must be non-empty and inside the address space [0, ${hex(MM_TASK_SIZE)})`,
        );
    }
    const allocates = dev.completion.allocates;
    if (allocates && allocates.addr >= MM_TASK_SIZE)
      fail(
        where(['devices', d, 'completion', 'allocates', 'addr']),
        `${hex(allocates.addr)} is outside the address space [0, ${hex(MM_TASK_SIZE)})`,
      );
  }
  for (const [t, thread] of Object.entries(s.threads)) {
    thread.ops.forEach((op, k) => {
      checkOp(op, where(['threads', t, 'ops', k]));
    });
  }
}

function checkProcess(s: Scenario, p: string, proc: Scenario['processes'][string], where: Where): void {
  const spans: { start: number; end: number; k: number; writable: boolean }[] = [];
  proc.vmas.forEach((v, k) => {
    const at = where(['processes', p, 'vmas', k]);
    const align = v.hugetlb ? HUGE_PAGE_SIZE : s.pageSize;
    const unit = v.hugetlb ? 'huge page size' : 'page size';
    if (v.addr % align !== 0) {
      const down = v.addr - (v.addr % align);
      fail(
        at,
        `addr ${hex(v.addr)} is not aligned to the ${unit} ${hex(align)}: use ${hex(down)} or ${hex(down + align)}`,
      );
    }
    if (v.length <= 0) fail(at, `length ${hex(v.length)}: a mapping needs at least one page (${hex(align)})`);
    if (v.length % align !== 0) {
      const up = v.length + align - (v.length % align);
      fail(at, `length ${hex(v.length)} is not a whole number of ${unit}s (${hex(align)}): use ${hex(up)}`);
    }
    if (v.addr + v.length > MM_TASK_SIZE)
      fail(
        at,
        `the mapping [${hex(v.addr)}, ${hex(v.addr + v.length)}) ends beyond the address space (${hex(MM_TASK_SIZE)})`,
      );
    if (v.type.endsWith('-file') && !v.file)
      fail(at, `a ${v.type} mapping maps a file: add 'file: <name>' (mappings of one file share the name)`);
    const span = { start: v.addr, end: v.addr + v.length, k, writable: v.prot === 'rw' };
    const other = spans.find((o) => o.start < span.end && span.start < o.end);
    if (other)
      fail(
        at,
        `the mapping [${hex(span.start)}, ${hex(span.end)}) overlaps mapping ${other.k} [${hex(other.start)}, ${hex(other.end)}) of process '${p}' (at set-up the later one would silently replace the overlap): move or shorten one of them`,
      );
    spans.push(span);
  });
  const stride = s.pageSize / s.wordsPerPage;
  proc.populate.forEach((w, k) => {
    const at = where(['processes', p, 'populate', k]);
    if (w.addr % stride !== 0)
      fail(
        at,
        `addr ${hex(w.addr)} is not aligned to a modelled word (${hex(stride)} bytes with wordsPerPage ${s.wordsPerPage})`,
      );
    for (let c = 0; c < w.count; c++) {
      const addr = w.addr + c * stride;
      const vma = spans.find((o) => o.start <= addr && addr < o.end);
      if (!vma)
        fail(
          at,
          `populate writes ${hex(addr)}${c ? ` (word ${c} of ${w.count})` : ''}, which is in no mapping of process '${p}' (${spans.map((o) => `[${hex(o.start)}, ${hex(o.end)})`).join(', ') || 'it has none'}): map it under vmas: or move the write`,
        );
      if (!vma.writable)
        fail(
          at,
          `populate writes ${hex(addr)} in mapping ${vma.k}, which is not writable (prot must be rw at set-up; mprotect it in a thread instead)`,
        );
    }
  });
}

/** An op that expects an error is meant to fail: its addresses are the kernel model's to judge. */
function meantToFail(args: Record<string, unknown>): boolean {
  const e = args.expect as { result?: unknown; acceptErrors?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.acceptErrors === true) return true;
  const r = e.result;
  return (typeof r === 'number' && r < 0) || (typeof r === 'string' && r.trim().startsWith('-'));
}

function numeric(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  return null;
}

/** `addr` (+ `length`) of an op, and of each of a job's `accesses`, inside [0, TASK_SIZE). */
function checkOp(op: Record<string, unknown>, at: string): void {
  const [verb, raw] = Object.entries(op)[0] ?? [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return;
  const args = raw as Record<string, unknown>;
  if (verb === 'repeat' || meantToFail(args)) return;
  const addr = numeric(args.addr);
  if (addr !== null) {
    const length = numeric(args.length) ?? 0;
    if (addr >= MM_TASK_SIZE || addr + length > MM_TASK_SIZE)
      fail(
        at,
        `'${verb}' at ${hex(addr)}${length ? ` (length ${hex(length)})` : ''} reaches outside the address space [0, ${hex(MM_TASK_SIZE)}): fix the address, or say the op must fail with expect: { result: -EINVAL } (or the errno it gets)`,
      );
  }
  if (Array.isArray(args.accesses)) {
    for (const a of args.accesses) {
      const x = numeric((a as { addr?: unknown } | null)?.addr);
      if (x !== null && x >= MM_TASK_SIZE)
        fail(at, `'${verb}' accesses ${hex(x)}, outside the address space [0, ${hex(MM_TASK_SIZE)})`);
    }
  }
}
