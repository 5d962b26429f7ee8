import { describe, expect, it } from 'vitest';
import { EINVAL } from '../../machines/errno.ts';
import { MmKit, PAGE } from '../machines/mm/mm-test-kit.ts';

const A = 0x100000;
const vpn = (a: number) => a / PAGE;

/** An mm with `pages` private anonymous pages at A, page k holding `wordsPerPage` words k*10+j. */
function kit(pages: number, opts: { prot?: 'rw' | 'r' } = {}): MmKit {
  const k = new MmKit({ wordsPerPage: 2 });
  k.request({
    type: 'mm.mmap',
    addr: A,
    length: pages * PAGE,
    read: true,
    write: true,
    shared: false,
    backing: 'anon',
  });
  k.request({ type: 'mm.writeRange', addr: A, count: 2 * pages, pattern: { kind: 'index' } });
  if (opts.prot === 'r') k.request({ type: 'mm.mprotect', addr: A, length: pages * PAGE, read: true, write: false });
  return k;
}

describe('mm device memory for dmirror (migrations, coherent pages, device access)', () => {
  it('should migrate in chunks with one MIGRATE per chunk and report each migrated page', () => {
    const k = kit(3);
    const r = k.request({ type: 'mm.migrateToDevice', addr: A, length: 3 * PAGE, owner: 'dev0', chunkPages: 2 });
    expect(r.result).toBe(0);
    expect(k.invalidations.filter((i) => i.event === 'MIGRATE').map((i) => [i.start, i.end, i.owner])).toEqual([
      [A, A + 2 * PAGE, 'dev0'],
      [A + 2 * PAGE, A + 3 * PAGE, 'dev0'],
    ]);
    expect(r.value.map((p: { addr: number }) => p.addr)).toEqual([A, A + PAGE, A + 2 * PAGE]);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'devicePrivate', owner: 'dev0', write: true });
  });

  it('should fail a chunk without VM_READ with -EINVAL, keeping what earlier chunks migrated', () => {
    const k = kit(2);
    k.request({ type: 'mm.mprotect', addr: A + PAGE, length: PAGE, read: false, write: false });
    const r = k.request({ type: 'mm.migrateToDevice', addr: A, length: 2 * PAGE, owner: 'dev0' });
    expect(r.result).toBe(EINVAL);
    expect(r.value).toHaveLength(1);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'devicePrivate' });
  });

  it('should map device-coherent pages in place: CPU reads do not migrate them, MIGRATE_TO_SYS does', () => {
    const k = kit(1);
    k.request({ type: 'mm.migrateToDevice', addr: A, length: PAGE, owner: 'dev2', memory: 'coherent' });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'deviceCoherent', owner: 'dev2' });
    const before = k.invalidations.length;
    expect(k.request({ type: 'mm.readRange', addr: A, count: 2 }).value).toEqual([0, 1]);
    expect(k.invalidations).toHaveLength(before);
    const back = k.request({ type: 'mm.migrateToSystem', addr: A, length: PAGE, owner: 'dev2', memory: 'coherent' });
    expect(back.value).toHaveLength(1);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present' });
  });

  it('should report the zone and owner of special pages to the walk (SNAPSHOT needs them)', () => {
    const k = kit(2);
    k.request({ type: 'mm.migrateToDevice', addr: A, length: PAGE, owner: 'dev2', memory: 'coherent' });
    const walk = (owner: string) =>
      k.request({ type: 'hmm.rangeFault', start: A, end: A + 2 * PAGE, fault: false, write: false, owner }).pfns;
    expect(walk('dev2')[0]).toMatchObject({ valid: true, zone: 'deviceCoherent', owner: 'dev2' });
    expect(walk('dev2')[1]).not.toHaveProperty('zone');
  });

  it('should move a coherent page to system memory before a long-term pin (CLEAR), not before a plain one', () => {
    const k = kit(1);
    k.request({ type: 'mm.migrateToDevice', addr: A, length: PAGE, owner: 'dev2', memory: 'coherent' });
    k.request({ type: 'mm.pin', addr: A, length: PAGE, write: true, release: true });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'deviceCoherent' });
    k.request({ type: 'mm.pin', addr: A, length: PAGE, write: true, longterm: true, release: true });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present' });
    expect(k.invalidations.at(-1)).toMatchObject({ event: 'CLEAR', start: A, end: A + PAGE });
  });

  it('should evict every device page of an owner back with CLEAR (RELEASE) and keep the data', () => {
    const k = kit(3);
    k.request({ type: 'mm.migrateToDevice', addr: A, length: 3 * PAGE, owner: 'dev0' });
    expect(k.request({ type: 'mm.evictDevice', owner: 'dev0' })).toMatchObject({ result: 0, value: 3 });
    expect(k.invalidations.at(-1)).toMatchObject({ event: 'CLEAR', start: A, end: A + 3 * PAGE });
    expect(k.request({ type: 'mm.readRange', addr: A, count: 6 }).value).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('should let a device read and write physical pages without the mmap lock, observing each access', () => {
    const k = kit(1);
    const pfn = (k.ctx.ptes[vpn(A)] as { pfn: number }).pfn;
    const gen = k.ctx.pages[pfn].gen;
    k.h.send({
      type: 'mm.devWrite',
      replyTo: 't',
      tid: 't',
      dev: 'drv:d0',
      pages: [{ addr: A, pfn, gen }],
      data: [7, 8],
    });
    k.h.send({ type: 'mm.devRead', replyTo: 't', tid: 't', dev: 'drv:d0', pages: [{ addr: A, pfn, gen }] });
    expect(k.h.sentTo('t')).toEqual([
      { type: 'mm.result', mm: 'mm:p1', tid: 't', op: 'devRead', result: 0, value: [7, 8] },
    ]);
    expect(k.h.observed.filter((o) => o.kind === 'dev.access')).toHaveLength(2);
  });

  it('should pwrite and pread words of a file through the page cache, and post-increment words', () => {
    const k = new MmKit({ wordsPerPage: 2 });
    k.request({ type: 'mm.pwrite', file: 'tmp', offset: 0, count: 4, pattern: { kind: 'index', add: 5 } });
    expect(k.request({ type: 'mm.pread', file: 'tmp', offset: 2048, count: 3 }).value).toEqual([6, 7, 8]);
    const m = kit(1);
    expect(m.request({ type: 'mm.incrementRange', addr: A, count: 2 }).value).toEqual([0, 1]);
    expect(m.request({ type: 'mm.readRange', addr: A, count: 2 }).value).toEqual([1, 2]);
  });
});
