import { describe, expect, it } from 'vitest';
import { EAGAIN, EBUSY, EFAULT, EINVAL, EPERM } from '../../../machines/errno.ts';
import { MM_TASK_SIZE } from '../../../machines/mm/types.ts';
import { MmKit, PAGE } from './mm-test-kit.ts';

const A = 0x200000;
const vpn = (addr: number) => addr / PAGE;
const rangeFault = (start: number, pages: number, extra: Record<string, unknown> = {}) => ({
  type: 'hmm.rangeFault',
  start,
  end: start + pages * PAGE,
  fault: true,
  write: false,
  owner: null,
  ...extra,
});

describe('mm fork', () => {
  function forked() {
    const parent = new MmKit();
    parent.mmapAnon(A, 2);
    parent.mmapAnon(A + 4 * PAGE, 1, { shared: true });
    parent.mmapAnon(A + 8 * PAGE, 1, { write: false });
    parent.request({ type: 'mm.writeRange', addr: A, count: 2, pattern: { kind: 'index', add: 100 } });
    const reply = parent.request({ type: 'mm.fork', child: 'mm:p2' });
    const forkedMsg = parent.h.sent.find((s) => s.to === 'mm:p2')!.event;
    const child = new MmKit({ child: true, pfnBase: 1000 }, 'mm:p2', 'core:p1');
    return { parent, child, reply, forkedMsg };
  }

  it('should send PROTECTION_PAGE over each private writable VMA only, then mm.forked to the child', () => {
    const { parent, reply, forkedMsg } = forked();
    expect(reply).toMatchObject({ op: 'fork', result: 0, value: 'mm:p2' });
    expect(parent.events()).toEqual([['PROTECTION_PAGE', A, A + 2 * PAGE]]);
    expect(parent.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present', write: false, cow: true });
    expect(forkedMsg).toMatchObject({ type: 'mm.forked', parent: 'mm:p1' });
  });

  it("should break COW on the parent's next write with CLEAR of that page and keep the data", () => {
    const { parent } = forked();
    const oldPfn = (parent.ctx.ptes[vpn(A + PAGE)] as { pfn: number }).pfn;
    parent.request({ type: 'mm.write', addr: A + PAGE, value: 5 });
    expect(parent.events(1)).toEqual([['CLEAR', A + PAGE, A + 2 * PAGE]]);
    expect(parent.ctx.ptes[vpn(A + PAGE)]).toMatchObject({ write: true, cow: false });
    expect((parent.ctx.ptes[vpn(A + PAGE)] as { pfn: number }).pfn).not.toBe(oldPfn);
    expect(parent.request({ type: 'mm.readRange', addr: A, count: 2 }).value).toEqual([100, 5]);
  });

  it('should start the child unborn, deferring requests, and bring it alive with its own copies', () => {
    const { child, forkedMsg } = forked();
    expect(child.h.matches('unborn')).toBe(true);
    expect(child.h.snapshot.getMeta()['mm.unborn']).toMatchObject({ defer: expect.arrayContaining(['mm.read']) });
    child.h.send(forkedMsg);
    expect(child.h.matches('alive.idle')).toBe(true);
    expect(child.ctx.mmUsers).toBe(1);
    expect(child.request({ type: 'mm.readRange', addr: A, count: 2 }).value).toEqual([100, 101]);
    const pfns = Object.keys(child.ctx.pages).map(Number);
    expect(pfns.every((p) => p >= 1000)).toBe(true);
    child.request({ type: 'mm.write', addr: A, value: 1 });
    expect(child.events()).toEqual([['CLEAR', A, A + PAGE]]);
  });
});

describe('mm exit', () => {
  it('should send RELEASE then UNMAP over the whole mm, freeing pages only after RELEASE ended', () => {
    const k = new MmKit();
    k.mmapAnon(A, 2);
    k.request({ type: 'mm.writeRange', addr: A, count: 2, pattern: { kind: 'index' } });
    k.post({ type: 'mm.exit' });
    expect(k.ctx.mmUsers).toBe(0);
    expect(k.h.sentTo('core:p1')).toEqual([
      {
        type: 'core.invalidateStart',
        replyTo: 'mm:p1',
        tid: 't1',
        start: 0,
        end: MM_TASK_SIZE,
        event: 'RELEASE',
        owner: null,
        blockable: true,
      },
    ]);
    k.h.send({ type: 'core.startDone', tid: 't1', result: 0 });
    expect(k.h.sentTo('core:p1')).toEqual([{ type: 'core.invalidateEnd', replyTo: 'mm:p1', tid: 't1' }]);
    k.h.send({ type: 'core.endDone', tid: 't1' });
    expect(k.h.sentTo('core:p1')).toMatchObject([{ event: 'UNMAP', start: 0, end: MM_TASK_SIZE, blockable: true }]);
    expect(k.observed('page.freed')).toEqual([]);
    k.h.send({ type: 'core.startDone', tid: 't1', result: 0 });
    expect(k.observed('page.freed')).toHaveLength(2);
    k.h.send({ type: 'core.endDone', tid: 't1' });
    expect(k.h.matches('exited')).toBe(true);
    expect(k.observed('mm.exited')).toEqual([{ kind: 'mm.exited', mm: 'mm:p1' }]);
    expect(k.h.sentTo('thread:t1')).toMatchObject([{ type: 'mm.result', op: 'exit', result: 0 }]);
  });

  it('should skip UNMAP when no VMA is left (exit_mmap stops after release)', () => {
    const k = new MmKit();
    k.request({ type: 'mm.exit' });
    expect(k.events().map((e) => e[0])).toEqual(['RELEASE']);
  });

  it('should answer every request after exit with an error: mmget_not_zero and the walk fail', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.exit' });
    expect(k.request({ type: 'mm.get' }).result).toBe(EFAULT);
    expect(k.request(rangeFault(A, 1))).toMatchObject({ type: 'hmm.rangeResult', result: EFAULT, pfns: [] });
    expect(k.request({ type: 'mm.read', addr: A }).result).toBe(EFAULT);
    expect(k.request({ type: 'mm.oomReap' }).result).toBe(0);
  });
});

describe('mm OOM reaper', () => {
  it('should send non-blockable UNMAP per reapable VMA, skip refused ones without change or end, and return -EAGAIN', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.mmapAnon(A + 2 * PAGE, 1, { write: false });
    k.mmapAnon(A + 4 * PAGE, 1, { backing: 'file', file: 'f', shared: true });
    k.request({ type: 'mm.write', addr: A, value: 1 });
    k.request({ type: 'mm.read', addr: A + 2 * PAGE });
    k.refuse = (inv) => inv.start === A;
    expect(k.request({ type: 'mm.oomReap' }).result).toBe(EAGAIN);
    expect(k.invalidations.map((r) => [r.event, r.start, r.blockable, r.ended])).toEqual([
      ['UNMAP', A, false, false],
      ['UNMAP', A + 2 * PAGE, false, true],
    ]);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present' });
    expect(k.ctx.ptes[vpn(A + 2 * PAGE)]).toBeUndefined();
    expect(k.ctx.vmas).toHaveLength(3);
  });

  it('should return 0 when every VMA was reaped', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.write', addr: A, value: 1 });
    expect(k.request({ type: 'mm.oomReap' }).result).toBe(0);
    expect(k.observed('page.freed')).toHaveLength(1);
  });
});

describe('mm pins and page generations', () => {
  it('should keep a pinned page allocated with its gen across munmap, and free it on unpin', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.write', addr: A, value: 3 });
    const pin = k.request({ type: 'mm.pin', addr: A, length: PAGE, write: true });
    expect(pin.value).toEqual([{ addr: A, pfn: 1, gen: 1 }]);
    k.request({ type: 'mm.munmap', addr: A, length: PAGE });
    expect(k.ctx.pages[1]).toMatchObject({ gen: 1, refcount: 0, pins: 1, data: [3] });
    expect(k.observed('page.freed')).toEqual([]);
    k.h.send({ type: 'mm.unpin', pfns: pin.value });
    expect(k.ctx.pages[1]).toBeUndefined();
    expect(k.observed('page.freed')).toEqual([{ kind: 'page.freed', mm: 'mm:p1', pfn: 1, gen: 1 }]);
  });

  it('should observe a misuse for an unpin of a page without pins', () => {
    const k = new MmKit();
    k.h.send({ type: 'mm.unpin', tid: 't1', pfns: [7] });
    expect(k.observed('mm.misuse')).toMatchObject([{ pfn: 7, tid: 't1' }]);
  });

  it('should reuse the lowest freed pfn with the next generation', () => {
    const k = new MmKit();
    k.mmapAnon(A, 2);
    k.request({ type: 'mm.write', addr: A, value: 1 });
    k.request({ type: 'mm.munmap', addr: A, length: PAGE });
    k.request({ type: 'mm.write', addr: A + PAGE, value: 2 });
    expect(k.observed('page.allocated').map((o) => [o.pfn, o.gen])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(k.ctx.lastGen).toEqual({});
  });
});

describe('mm hmm.rangeFault return codes (docs/kernel-semantics.md §2.5)', () => {
  it('should return 0 with one output per page, faulting in the pages', () => {
    const k = new MmKit();
    k.mmapAnon(A, 2);
    const r = k.request(rangeFault(A, 2, { write: true }));
    expect(r.result).toBe(0);
    expect(r.pfns.map((p: any) => [p.addr, p.valid, p.write, p.version])).toEqual([
      [A, true, true, 1],
      [A + PAGE, true, true, 1],
    ]);
    expect(k.invalidations).toEqual([]);
  });

  it('should return -EBUSY after a fault that sent an invalidation (COW break), then 0 on retry', () => {
    const k = new MmKit();
    k.mmapAnon(A, 2);
    k.request({ type: 'mm.read', addr: A });
    const r = k.request(rangeFault(A, 2, { write: true }));
    expect(r.result).toBe(-16);
    expect(k.events()).toEqual([['CLEAR', A, A + PAGE]]);
    expect(k.ctx.ptes[vpn(A + PAGE)]).toMatchObject({ kind: 'present', write: true });
    expect(k.request(rangeFault(A, 2, { write: true })).result).toBe(0);
  });

  it('should fault the whole sub-range before returning -EBUSY, so one retry suffices', () => {
    const k = new MmKit();
    k.mmapAnon(A, 3);
    k.request({ type: 'mm.readRange', addr: A, count: 3 });
    expect(k.request(rangeFault(A, 3, { write: true })).result).toBe(EBUSY);
    expect(k.events()).toEqual([
      ['CLEAR', A, A + PAGE],
      ['CLEAR', A + PAGE, A + 2 * PAGE],
      ['CLEAR', A + 2 * PAGE, A + 3 * PAGE],
    ]);
    expect(k.request(rangeFault(A, 3, { write: true })).result).toBe(0);
  });

  it('should restore a device-exclusive entry with EXCLUSIVE(null) when the walk faults it, then -EBUSY', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.makeExclusive', addr: A, length: PAGE, owner: 'dev:a' });
    expect(k.request(rangeFault(A, 1, { fault: false })).pfns[0]).toMatchObject({ valid: false, pfn: null });
    expect(k.request(rangeFault(A, 1)).result).toBe(EBUSY);
    expect(k.invalidations.map((r) => [r.event, r.owner])).toEqual([
      ['EXCLUSIVE', 'dev:a'],
      ['EXCLUSIVE', null],
    ]);
  });

  it('should not report -EBUSY after a swap-in (no invalidation)', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.write', addr: A, value: 4 });
    k.request({ type: 'mm.reclaim', addr: A });
    expect(k.request(rangeFault(A, 1)).result).toBe(0);
    expect(k.invalidations).toHaveLength(1);
  });

  it('should return -EFAULT for a hole and -EPERM for a write fault on a read-only VMA', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1, { write: false });
    expect(k.request(rangeFault(A, 2)).result).toBe(EFAULT);
    expect(k.request(rangeFault(A, 1, { write: true })).result).toBe(EPERM);
  });

  it('should return -EINVAL when start >= end or the range is unaligned', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    expect(k.request({ ...rangeFault(A, 1), end: A }).result).toBe(EINVAL);
    expect(k.request({ ...rangeFault(A, 1), start: A + 8 }).result).toBe(EINVAL);
  });

  it('should return -EFAULT once mm_users is 0 (the walk needs mmget_not_zero)', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    expect(k.request({ type: 'mm.get' })).toMatchObject({ result: 0 });
    expect(k.ctx.mmUsers).toBe(2);
    k.h.send({ type: 'mm.put' });
    k.h.send({ type: 'mm.put' });
    expect(k.request(rangeFault(A, 1)).result).toBe(EFAULT);
    expect(k.request({ type: 'mm.get' }).result).toBe(EFAULT);
  });

  it("should report the caller's device-private page without migrating it, and migrate another owner's", () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.migrateToDevice', addr: A, length: PAGE, owner: 'dev:a' });
    const own = k.request(rangeFault(A, 1, { owner: 'dev:a', write: true }));
    expect(own.result).toBe(0);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'devicePrivate' });
    const other = k.request(rangeFault(A, 1, { owner: 'dev:b' }));
    expect(other.result).toBe(EBUSY);
    expect(k.invalidations.map((r) => [r.event, r.owner])).toEqual([
      ['MIGRATE', 'dev:a'],
      ['MIGRATE', 'dev:a'],
    ]);
    expect(k.request(rangeFault(A, 1, { owner: 'dev:b' })).pfns[0]).toMatchObject({ valid: true, write: true });
  });
});

describe('mm one operation at a time', () => {
  it('should defer lock-needing requests while busy but answer mm.get and mm.unpin at once', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.read', addr: A });
    k.post({ type: 'mm.write', addr: A, value: 1 }); // zero page → CLEAR: waits for the core
    expect(k.h.matches('alive.busy.starting')).toBe(true);
    const meta = k.h.snapshot.getMeta()['mm.alive.busy'] as { defer: string[] };
    expect(meta.defer).toEqual(expect.arrayContaining(['mm.munmap', 'mm.write', 'hmm.rangeFault', 'mm.exit']));
    expect(meta.defer).not.toContain('mm.get');
    k.h.send({ type: 'mm.get', replyTo: 'thread:t2', tid: 't2' });
    expect(k.h.sentTo('thread:t2')).toMatchObject([{ op: 'get', result: 0 }]);
    expect(k.h.matches('alive.busy.starting')).toBe(true);
    k.settle();
    expect(k.h.matches('alive.idle')).toBe(true);
    expect(k.ctx.op).toBeNull();
  });
});
