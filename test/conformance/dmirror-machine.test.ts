import { describe, expect, it } from 'vitest';
import { dmirrorMachine } from '../../machines/dmirror/dmirror.machine.ts';
import type { TableEntry } from '../../machines/dmirror/dmirror-types.ts';
import { EBUSY, EFAULT, EINVAL, EPERM } from '../../machines/errno.ts';
import { MachineHarness } from '../../src/testing/index.ts';

const ID = 'drv:d0';
const T = 'thread:t1';
const SUB = 'sub:d0';
const LOCK = 'lock:d0';
const MM = 'mm:p';
const P = 4096;
const A = 0x100000;

function dmirror(
  opts: { open?: boolean; device?: number; table?: Record<number, TableEntry>; maxRetries?: number | 'unbounded' } = {},
): MachineHarness {
  const h = new MachineHarness(dmirrorMachine, {
    id: ID,
    sub: SUB,
    lock: LOCK,
    mm: MM,
    device: opts.device ?? 0,
    wordsPerPage: 2,
    subscribed: opts.open ?? true,
    ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
  });
  if (opts.table) {
    h.snapshot = dmirrorMachine.resolveState({
      value: h.snapshot.value,
      context: { ...(h.snapshot.context as object), table: opts.table } as never,
    });
  }
  return h;
}

const entry = (pfn: number, perm: TableEntry['perm'] = 'write'): TableEntry => ({
  pfn,
  gen: 1,
  version: 1,
  perm,
  pinned: false,
  device: false,
});

function cmd(h: MachineHarness, c: string, extra: Record<string, unknown> = {}) {
  return h.send({ type: 'dmirror.cmd', replyTo: T, tid: T, cmd: c, addr: A, npages: 2, ...extra });
}

function pfn(addr: number, p: number, write: boolean) {
  return { addr, pfn: p, gen: 1, version: 3, valid: true, write, error: false, order: 0 };
}

describe('dmirror (lib/test_hmm.c)', () => {
  it('should refuse ioctls on a file that is not open, and bad arguments, before doing anything', () => {
    const closed = dmirror({ open: false });
    cmd(closed, 'READ');
    expect(closed.sentTo(T)).toEqual([{ type: 'dmirror.result', tid: T, cmd: 'READ', result: EINVAL }]);
    const h = dmirror();
    cmd(h, 'READ', { addr: A + 8 });
    expect(h.sentTo(T)).toMatchObject([{ result: EINVAL }]);
    cmd(h, 'READ', { npages: 0 });
    expect(h.sentTo(T)).toMatchObject([{ result: EINVAL }]);
    cmd(h, 'WRITE', { data: [1, 2] });
    expect(h.sentTo(T)).toMatchObject([{ result: EFAULT }]);
    cmd(h, 'FROB');
    expect(h.sentTo(T)).toMatchObject([{ result: EINVAL }]);
    expect(h.matches({ command: 'idle' } as never)).toBe(true);
  });

  it("should restart a colliding fault round without end, and keep no count, with maxRetries 'unbounded'", () => {
    const busyRounds = (h: MachineHarness, rounds: number) => {
      cmd(h, 'READ');
      h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
      h.send({ type: 'mm.result', mm: MM, tid: T, op: 'get', result: 0 });
      for (let r = 0; r < rounds; r++) {
        h.send({ type: 'sub.readBeginResult', sub: SUB, tid: T, seq: 5 });
        h.send({ type: 'hmm.rangeResult', mm: MM, tid: T, result: EBUSY, pfns: [] });
      }
    };
    const bounded = dmirror({ maxRetries: 2 });
    busyRounds(bounded, 3);
    expect(bounded.sentTo(T)).toMatchObject([{ type: 'dmirror.result', cmd: 'READ', result: EBUSY }]);
    const h = dmirror({ maxRetries: 'unbounded' });
    busyRounds(h, 12);
    expect(h.sentTo(SUB)).toEqual([{ type: 'sub.readBegin', replyTo: ID, tid: T }]);
    expect((h.context as { cmd: { fault: { tries: number } } }).cmd.fault.tries).toBe(0);
    expect(() => dmirror({ maxRetries: -1 })).toThrow(
      /dmirror input 'maxRetries' must be a non-negative integer or 'unbounded', got -1/,
    );
  });

  it('should open by inserting one notifier over the whole address space of its mm', () => {
    const h = dmirror({ open: false });
    h.send({ type: 'dmirror.cmd', replyTo: T, tid: T, cmd: 'OPEN' });
    expect(h.sentTo('core:p')).toEqual([
      { type: 'core.insert', replyTo: ID, tid: T, sub: SUB, start: 0, length: 2 ** 47 },
    ]);
    h.send({ type: 'core.insertResult', tid: T, sub: SUB, result: 0 });
    expect(h.sentTo(T)).toEqual([{ type: 'dmirror.result', tid: T, cmd: 'OPEN', result: 0 }]);
    expect(h.context.open).toBe(true);
  });

  it('should READ by faulting the missing pages in under read_begin/read_retry, then copying under the lock', () => {
    const h = dmirror();
    cmd(h, 'READ');
    expect(h.sentTo(LOCK)).toEqual([{ type: 'lock.acquire', replyTo: ID, tid: T, mode: 'write' }]);
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    // Nothing mapped: unlock, then one fault round.
    expect(h.sentTo(LOCK)).toEqual([{ type: 'lock.release', tid: T }]);
    expect(h.sentTo(MM)).toEqual([{ type: 'mm.get', replyTo: ID, tid: T }]);
    h.send({ type: 'mm.result', mm: MM, tid: T, op: 'get', result: 0 });
    expect(h.sentTo(SUB)).toEqual([{ type: 'sub.readBegin', replyTo: ID, tid: T }]);
    h.send({ type: 'sub.readBeginResult', sub: SUB, tid: T, seq: 5 });
    expect(h.sentTo(MM)).toEqual([
      {
        type: 'hmm.rangeFault',
        replyTo: ID,
        tid: T,
        start: A,
        end: A + 2 * P,
        fault: true,
        write: false,
        owner: 'hmm_dmirror0',
        sub: SUB,
        seq: 5,
      },
    ]);
    h.send({ type: 'hmm.rangeResult', mm: MM, tid: T, result: 0, pfns: [pfn(A, 7, true), pfn(A + P, 8, false)] });
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    expect(h.sentTo(SUB)).toEqual([{ type: 'sub.readRetry', replyTo: ID, tid: T, seq: 5 }]);
    h.send({ type: 'sub.retryResult', sub: SUB, tid: T, retry: false });
    expect(h.context.table).toMatchObject({
      [A / P]: { pfn: 7, perm: 'write' },
      [A / P + 1]: { pfn: 8, perm: 'read' },
    });
    expect(h.sentTo(MM)).toEqual([{ type: 'mm.put', tid: T }]);
    // The copy again, this time with both pages mapped.
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    expect(h.sentTo(MM)).toMatchObject([
      {
        type: 'mm.devRead',
        dev: ID,
        pages: [
          { addr: A, pfn: 7, gen: 1 },
          { addr: A + P, pfn: 8, gen: 1 },
        ],
      },
    ]);
    h.send({ type: 'mm.result', mm: MM, tid: T, op: 'devRead', result: 0, value: [1, 2, 3, 4] });
    expect(h.sentTo(T)).toEqual([
      {
        type: 'dmirror.result',
        tid: T,
        cmd: 'READ',
        result: 0,
        counters: { cpages: 2, faults: 1 },
        value: [1, 2, 3, 4],
      },
    ]);
  });

  it('should fail a write fault that HMM reports read-only with -EFAULT and send no counters', () => {
    const h = dmirror();
    cmd(h, 'WRITE', { data: [1, 2, 3, 4] });
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    h.send({ type: 'mm.result', mm: MM, tid: T, op: 'get', result: 0 });
    h.send({ type: 'sub.readBeginResult', sub: SUB, tid: T, seq: 5 });
    h.send({ type: 'hmm.rangeResult', mm: MM, tid: T, result: 0, pfns: [pfn(A, 7, false), pfn(A + P, 8, false)] });
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    h.send({ type: 'sub.retryResult', sub: SUB, tid: T, retry: false });
    expect(h.sentTo(T)).toEqual([{ type: 'dmirror.result', tid: T, cmd: 'WRITE', result: EFAULT }]);
  });

  it('should set the seq and erase the range plus one page (inclusive end) under the lock', () => {
    const vpn = A / P;
    const h = dmirror({ table: { [vpn]: entry(1), [vpn + 1]: entry(2), [vpn + 2]: entry(3) } });
    const inv = { sub: SUB, start: A, end: A + P, curSeq: 7, event: 'UNMAP', owner: null, blockable: true, tid: 't2' };
    h.send({ type: 'drv.invalidate', ...inv });
    expect(h.sentTo(LOCK)).toEqual([{ type: 'lock.acquire', replyTo: ID, tid: 't2', mode: 'write' }]);
    h.send({ type: 'lock.granted', lock: LOCK, tid: 't2', mode: 'write' });
    expect(h.sentTo(SUB)).toEqual([
      { type: 'sub.setSeq', curSeq: 7, tid: 't2' },
      { type: 'drv.invalidateReturned', sub: SUB, ok: true, tid: 't2' },
    ]);
    expect(Object.keys(h.context.table as object).map(Number)).toEqual([vpn + 2]);
    expect(h.sentTo(LOCK)).toEqual([{ type: 'lock.release', tid: 't2' }]);
  });

  it('should return false from a non-blockable invalidation when the lock is taken', () => {
    const h = dmirror({ table: { [A / P]: entry(1) } });
    h.send({
      type: 'drv.invalidate',
      sub: SUB,
      start: A,
      end: A + P,
      curSeq: 7,
      event: 'UNMAP',
      owner: null,
      blockable: false,
      tid: 'oom',
    });
    expect(h.sentTo(LOCK)).toEqual([{ type: 'lock.tryAcquire', replyTo: ID, tid: 'oom', mode: 'write' }]);
    h.send({ type: 'lock.busy', lock: LOCK, tid: 'oom' });
    expect(h.sentTo(SUB)).toEqual([{ type: 'drv.invalidateReturned', sub: SUB, ok: false, tid: 'oom' }]);
    expect(h.context.table).toHaveProperty(String(A / P));
  });

  it("should ignore its own migration's MIGRATE, but erase exactly the page a CPU fault migrates back", () => {
    const vpn = A / P;
    const h = dmirror({ table: { [vpn]: entry(1), [vpn + 1]: entry(2) } });
    const own = { sub: SUB, start: A, end: A + P, curSeq: 7, event: 'MIGRATE', owner: 'hmm_dmirror0', blockable: true };
    h.send({ type: 'drv.invalidate', ...own, tid: 'cpu' });
    expect(h.sentTo(SUB)).toEqual([{ type: 'drv.invalidateReturned', sub: SUB, ok: true, tid: 'cpu' }]);
    expect(Object.keys(h.context.table as object).map(Number)).toEqual([vpn + 1]);
    // A migration this command started: nothing erased, no set_seq.
    cmd(h, 'MIGRATE_TO_SYS');
    h.send({ type: 'mm.result', mm: MM, tid: T, op: 'get', result: 0 });
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    h.send({ type: 'drv.invalidate', ...own, start: A + P, end: A + 2 * P, tid: T });
    expect(h.sentTo(SUB)).toEqual([{ type: 'drv.invalidateReturned', sub: SUB, ok: true, tid: T }]);
  });

  it('should report an ATOMIC entry with CHECK_EXCLUSIVE -EPERM, and 0 with zeroed counters otherwise', () => {
    const h = dmirror({ table: { [A / P + 1]: entry(1, 'atomic') } });
    cmd(h, 'CHECK_EXCLUSIVE');
    expect(h.sentTo(T)).toEqual([{ type: 'dmirror.result', tid: T, cmd: 'CHECK_EXCLUSIVE', result: EPERM }]);
    cmd(h, 'CHECK_EXCLUSIVE', { addr: A + 2 * P });
    expect(h.sentTo(T)).toEqual([
      { type: 'dmirror.result', tid: T, cmd: 'CHECK_EXCLUSIVE', result: 0, counters: { cpages: 0, faults: 0 } },
    ]);
  });

  it('should give devices 2 and 3 device-coherent memory and migrate with that kind', () => {
    const h = dmirror({ device: 2 });
    expect(h.context).toMatchObject({ owner: 'hmm_dmirror2', memory: 'coherent' });
    cmd(h, 'MIGRATE_TO_DEV');
    h.send({ type: 'mm.result', mm: MM, tid: T, op: 'get', result: 0 });
    h.send({ type: 'lock.granted', lock: LOCK, tid: T, mode: 'write' });
    expect(h.sentTo(MM)).toEqual([
      {
        type: 'mm.migrateToDevice',
        replyTo: ID,
        tid: T,
        addr: A,
        length: 2 * P,
        owner: 'hmm_dmirror2',
        memory: 'coherent',
      },
    ]);
  });
});
