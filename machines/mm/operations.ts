/**
 * Dispatch of an mm request to its operation handler, and the reply message it produces
 * (`mm.result`, or `hmm.rangeResult` for the walk).
 */
import type { OpHandler } from './attempt.ts';
import type { MmReply, MmRequest } from './events.ts';
import type { HmmPfn } from './hmm-walk.ts';
import { incrementRange, pin, read, readRange, reclaim, write, writeRange } from './ops-access.ts';
import { clearRefs, makeExclusive } from './ops-device.ts';
import { pread, pwrite } from './ops-file.ts';
import { exit, fork, oomReap } from './ops-life.ts';
import { madvise, mmap, mprotect, munmap } from './ops-map.ts';
import { evictDevice, migrateToDevice, migrateToSystem } from './ops-migrate.ts';
import { mremap } from './ops-remap.ts';
import { rangeFault } from './ops-walk.ts';

type Handlers = { [T in MmRequest['type']]: OpHandler<Extract<MmRequest, { type: T }>> };

export const OPERATIONS: Handlers = {
  'mm.mmap': mmap,
  'mm.munmap': munmap,
  'mm.mremap': mremap,
  'mm.mprotect': mprotect,
  'mm.madvise': madvise,
  'mm.read': read,
  'mm.write': write,
  'mm.readRange': readRange,
  'mm.writeRange': writeRange,
  'mm.pin': pin,
  'mm.incrementRange': incrementRange,
  'mm.pwrite': pwrite,
  'mm.pread': pread,
  'mm.fork': fork,
  'mm.exit': exit,
  'mm.oomReap': oomReap,
  'mm.reclaim': reclaim,
  'mm.migrateToDevice': migrateToDevice,
  'mm.migrateToSystem': migrateToSystem,
  'mm.evictDevice': evictDevice,
  'mm.makeExclusive': makeExclusive,
  'mm.clearRefs': clearRefs,
  'hmm.rangeFault': rangeFault,
};

export function handlerFor(req: MmRequest): OpHandler<MmRequest> {
  return OPERATIONS[req.type] as OpHandler<MmRequest>;
}

/** `mm.mmap` → `mmap`: the `op` field of `mm.result`. */
export function opName(type: string): string {
  return type.replace(/^h?mm\./, '');
}

export function replyFor(
  mmId: string,
  req: { type: string; tid: string },
  result: number,
  value?: unknown,
  pfns?: HmmPfn[],
  allocFailed?: true,
): MmReply {
  if (req.type === 'hmm.rangeFault')
    return { type: 'hmm.rangeResult', mm: mmId, tid: req.tid, result, pfns: pfns ?? [] };
  const out: MmReply = { type: 'mm.result', mm: mmId, tid: req.tid, op: opName(req.type), result };
  if (value !== undefined) out.value = value;
  if (allocFailed && out.type === 'mm.result') out.allocFailed = true;
  return out;
}
