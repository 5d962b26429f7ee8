/**
 * `pwrite` / `pread` on a file of this process (the page cache, not a mapping): the selftests
 * fill a tmpfile with `pwrite` before mapping it and check it with `pread` afterwards.
 *
 * Words are addressed like in a mapping: word k of the request is at byte `offset + k *
 * pageSize / wordsPerPage` of the file. A page not cached yet is read in zero-filled. Changing
 * page-cache data needs no invalidation: every mapping of the page sees the new words.
 */
import { EINVAL } from '../errno.ts';
import { type OpHandler, reply } from './attempt.ts';
import type { MmRequest, WritePattern } from './events.ts';
import { mutablePage, pageCachePage, type Tx } from './pages.ts';

type Req<T extends MmRequest['type']> = Extract<MmRequest, { type: T }>;

function valid(req: { file: string; offset: number; count: number }): boolean {
  const { file, offset, count } = req;
  return typeof file === 'string' && file !== '' && Number.isInteger(offset) && offset >= 0 && count >= 0;
}

/** The page-cache pfn and word index of word `k` of a request at byte `offset`. */
function locate(tx: Tx, file: string, offset: number, k: number): { pfn: number; word: number } {
  const wordBytes = tx.m.pageSize / tx.m.wordsPerPage;
  const byte = Math.floor(offset / wordBytes) * wordBytes + k * wordBytes;
  const pfn = pageCachePage(tx, file, Math.floor(byte / tx.m.pageSize));
  return { pfn, word: Math.floor((byte % tx.m.pageSize) / wordBytes) };
}

function patternValue(p: WritePattern, i: number): number {
  if (p.kind === 'const') return p.value ?? 0;
  return (p.scale ?? 1) * i + (p.add ?? 0);
}

export const pwrite: OpHandler<Req<'mm.pwrite'>> = (tx, req) => {
  if (!valid(req)) return reply(EINVAL);
  for (let k = 0; k < req.count; k++) {
    const { pfn, word } = locate(tx, req.file, req.offset, k);
    mutablePage(tx, pfn).data[word] = patternValue(req.pattern, k);
  }
  return reply(0);
};

export const pread: OpHandler<Req<'mm.pread'>> = (tx, req) => {
  if (!valid(req)) return reply(EINVAL);
  const out: number[] = [];
  for (let k = 0; k < req.count; k++) {
    const { pfn, word } = locate(tx, req.file, req.offset, k);
    out.push(tx.m.pages[pfn].data[word]);
  }
  return reply(0, out);
};
