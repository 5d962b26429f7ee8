/**
 * dmirror's HMM_DMIRROR_FLAGS(FAIL_ALLOC) (lib/test_hmm.c after v6.12): the next device or system
 * allocation of a migration fails. A compound unit falls back to base pages; a base page does not
 * move. The mm side (ops-migrate.ts) and the device side (the flag is used up once).
 */
import { describe, expect, it } from 'vitest';
import { dmirrorMachine } from '../../machines/dmirror/dmirror.machine.ts';
import { EINVAL } from '../../machines/errno.ts';
import { MachineHarness } from '../../src/testing/index.ts';
import { MmKit, PAGE } from '../machines/mm/mm-test-kit.ts';

const HUGE = 8 * PAGE;
const A = 0x200000;
const vpn = (a: number) => a / PAGE;

/** An upstream mm with two huge blocks of anonymous memory at A; `thp`: MADV_HUGEPAGE. */
function kit(opts: { thp: boolean; fill: boolean }): MmKit {
  const k = new MmKit({ wordsPerPage: 1, hugePageSize: HUGE, kernel: 'upstream' });
  k.request({ type: 'mm.mmap', addr: A, length: 2 * HUGE, read: true, write: true, shared: false, backing: 'anon' });
  if (opts.thp) k.request({ type: 'mm.madvise', addr: A, length: 2 * HUGE, advice: 'HUGEPAGE' });
  if (opts.fill) k.request({ type: 'mm.writeRange', addr: A, count: 16, pattern: { kind: 'index' } });
  return k;
}

const toDevice = (failAlloc: boolean) => ({
  type: 'mm.migrateToDevice',
  addr: A,
  length: 2 * HUGE,
  owner: 'dev0',
  chunkPages: 4,
  failAlloc,
});

describe('FAIL_ALLOC in migrations', () => {
  it('should move a THP whose huge allocation failed as base pages, never a device THP', () => {
    const k = kit({ thp: true, fill: true });
    const r = k.request(toDevice(true));
    expect(r).toMatchObject({ result: 0, allocFailed: true });
    expect(r.value).toHaveLength(16);
    // The first block was split; the second, allocated whole, is a device THP.
    for (let a = A; a < A + HUGE; a += PAGE) expect(k.ctx.ptes[vpn(a)]).not.toHaveProperty('huge');
    for (let a = A + HUGE; a < A + 2 * HUGE; a += PAGE) expect(k.ctx.ptes[vpn(a)]).toMatchObject({ huge: true });
    const again = kit({ thp: true, fill: true }).request(toDevice(false));
    expect(again).not.toHaveProperty('allocFailed');
  });

  it('should move a huge hole as zeroed base pages', () => {
    const k = kit({ thp: true, fill: false });
    const r = k.request(toDevice(true));
    expect(r).toMatchObject({ result: 0, allocFailed: true });
    expect(r.value).toHaveLength(16);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'devicePrivate' });
    expect(k.ctx.ptes[vpn(A)]).not.toHaveProperty('huge');
  });

  it('should leave a base page whose allocation failed in system memory, and only that one', () => {
    const k = kit({ thp: false, fill: true });
    const r = k.request(toDevice(true));
    expect(r).toMatchObject({ result: 0, allocFailed: true });
    expect(r.value.map((p: { addr: number }) => p.addr)).not.toContain(A);
    expect(r.value).toHaveLength(15);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present' });
  });

  it('should end a chunk of a migration back at a base page whose system allocation failed', () => {
    const k = kit({ thp: false, fill: true });
    k.request(toDevice(false));
    const back = { type: 'mm.migrateToSystem', addr: A, length: 2 * HUGE, owner: 'dev0', chunkPages: 4 };
    const r = k.request({ ...back, failAlloc: true });
    expect(r).toMatchObject({ result: 0, allocFailed: true });
    // The first chunk (4 pages) stays on the device; the rest comes back.
    expect(r.value).toHaveLength(12);
    for (let a = A; a < A + 4 * PAGE; a += PAGE) expect(k.ctx.ptes[vpn(a)]).toMatchObject({ kind: 'devicePrivate' });
    expect(k.ctx.ptes[vpn(A + 4 * PAGE)]).toMatchObject({ kind: 'present' });
  });

  it('should keep FAIL_ALLOC when a migration selects nothing', () => {
    const k = kit({ thp: false, fill: true });
    const r = k.request({ type: 'mm.migrateToSystem', addr: A, length: HUGE, owner: 'dev0', failAlloc: true });
    expect(r).toMatchObject({ result: 0 });
    expect(r).not.toHaveProperty('allocFailed');
  });
});

describe('dmirror HMM_DMIRROR_FLAGS', () => {
  const T = 'thread:t1';
  const h = () =>
    new MachineHarness(dmirrorMachine, { id: 'drv:d0', sub: 'sub:d0', lock: 'lock:d0', mm: 'mm:p', subscribed: true });
  const cmd = (m: MachineHarness, c: string, npages: number) =>
    m.send({ type: 'dmirror.cmd', replyTo: T, tid: T, cmd: c, addr: A, npages });

  it('should set the flags word from npages, with zeroed counters, and refuse a zero word like any ioctl', () => {
    const m = h();
    cmd(m, 'FLAGS', 1);
    expect(m.sentTo(T)).toEqual([
      { type: 'dmirror.result', tid: T, cmd: 'FLAGS', result: 0, counters: { cpages: 0, faults: 0 } },
    ]);
    expect(m.context.flags).toBe(1);
    cmd(m, 'FLAGS', 0);
    expect(m.sentTo(T)).toMatchObject([{ result: EINVAL }]);
    expect(m.context.flags).toBe(1);
  });

  it('should ask the next migration to fail an allocation and clear the flag once the mm used it', () => {
    const m = h();
    cmd(m, 'FLAGS', 1);
    m.sentTo(T);
    cmd(m, 'MIGRATE_TO_SYS', 4);
    m.send({ type: 'mm.result', mm: 'mm:p', tid: T, op: 'mmgetNotZero', result: 0 });
    m.send({ type: 'lock.granted', lock: 'lock:d0', tid: T, mode: 'write' });
    expect(m.sentTo('mm:p').at(-1)).toMatchObject({ type: 'mm.migrateToSystem', failAlloc: true });
    m.send({ type: 'mm.result', mm: 'mm:p', tid: T, op: 'migrateToSystem', result: 0, value: [], allocFailed: true });
    expect(m.context.flags).toBe(0);
  });
});
