/**
 * Shared memory across processes (issue 8 item 1): fork shares MAP_SHARED pages (shmem for
 * anonymous memory, the page cache for files) instead of copying them, private mappings stay
 * copy-on-write, a device-exclusive entry is restored at fork (v6.12), and two processes that
 * map one file (a memfd) see one page.
 */
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../../src/conformance/suite.ts';
import { MmKit, PAGE } from './mm-test-kit.ts';

const A = 0x200000;
const vpn = (addr: number) => addr / PAGE;

/** Deliver what `from` sent to `to`'s mm since `since` (the world's delivery, by hand). */
function forward(from: MmKit, to: MmKit, toId: string, since = 0): number {
  const sent = from.h.sent.slice(since).filter((s) => s.to === toId);
  for (const s of sent) to.h.send(s.event);
  return sent.length;
}

function forkedWithShared() {
  const parent = new MmKit({ peers: ['mm:p2'] });
  parent.mmapAnon(A, 1, { shared: true });
  parent.mmapAnon(A + 4 * PAGE, 1);
  parent.request({ type: 'mm.write', addr: A, value: 5 });
  parent.request({ type: 'mm.write', addr: A + 4 * PAGE, value: 6 });
  parent.request({ type: 'mm.fork', child: 'mm:p2' });
  const child = new MmKit({ child: true, pfnBase: 1000, peers: ['mm:p1'] }, 'mm:p2', 'core:p1');
  forward(parent, child, 'mm:p2');
  return { parent, child };
}

describe('fork with a shared anonymous mapping', () => {
  it('should send PROTECTION_PAGE over the private VMA only and leave the shared one uncopied', () => {
    const { parent, child } = forkedWithShared();
    expect(parent.events()).toEqual([['PROTECTION_PAGE', A + 4 * PAGE, A + 5 * PAGE]]);
    expect(parent.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present', write: true, cow: false });
    expect(child.ctx.ptes[vpn(A)]).toBeUndefined(); // faulted from the shmem object on first touch
    expect(child.ctx.ptes[vpn(A + 4 * PAGE)]).toMatchObject({ kind: 'present', write: false, cow: true });
  });

  it("should show the child's write to the parent before the write returns, and keep private pages apart", () => {
    const { parent, child } = forkedWithShared();
    expect(child.request({ type: 'mm.read', addr: A }).value).toBe(5);
    const before = child.h.sent.length;
    child.post({ type: 'mm.write', addr: A, value: 9 });
    child.settle();
    const sent = child.h.sent.slice(before).map((s) => s.to);
    expect(sent).toEqual(['mm:p1', 'thread:t1']); // the peer's copy first, then the reply
    expect(child.events()).toEqual([]); // a write to a writable shared page changes no PTE
    forward(child, parent, 'mm:p1', before);
    expect(parent.request({ type: 'mm.read', addr: A }).value).toBe(9);
    child.request({ type: 'mm.write', addr: A + 4 * PAGE, value: 7 });
    expect(child.events()).toEqual([['CLEAR', A + 4 * PAGE, A + 5 * PAGE]]);
    expect(parent.request({ type: 'mm.read', addr: A + 4 * PAGE }).value).toBe(6);
  });

  it("should carry a device's write into the child's shared page to the parent", () => {
    const { parent, child } = forkedWithShared();
    const pfn = child.request({ type: 'mm.pin', addr: A, length: PAGE, write: true, release: true }).value[0];
    const before = child.h.sent.length;
    child.h.send({ type: 'mm.devWrite', replyTo: 'dev:c0', tid: 'dev', dev: 'dev:c0', pages: [pfn], data: [-3] });
    expect(forward(child, parent, 'mm:p1', before)).toBe(1);
    expect(parent.request({ type: 'mm.read', addr: A }).value).toBe(-3);
  });

  it('should free the shmem pages with the last mapping of this mm, and ignore later changes to them', () => {
    const { parent, child } = forkedWithShared();
    const pfn = (parent.ctx.ptes[vpn(A)] as { pfn: number }).pfn;
    parent.request({ type: 'mm.munmap', addr: A, length: PAGE });
    expect(parent.observed('page.freed').map((o) => o.pfn)).toContain(pfn);
    expect(Object.keys(parent.ctx.files)).toEqual([]);
    const before = child.h.sent.length;
    child.request({ type: 'mm.write', addr: A, value: 1 });
    forward(child, parent, 'mm:p1', before);
    expect(Object.keys(parent.ctx.files)).toEqual([]);
    expect(child.request({ type: 'mm.read', addr: A }).value).toBe(1);
  });

  it('should give a new shared mapping at the same address a new, zeroed object', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1, { shared: true });
    k.request({ type: 'mm.write', addr: A, value: 4 });
    k.request({ type: 'mm.munmap', addr: A, length: PAGE });
    k.mmapAnon(A, 1, { shared: true });
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(0);
  });
});

describe('fork with a device-exclusive entry (v6.12 copy_nonpresent_pte)', () => {
  it('should restore the entry to a present copy-on-write page inside the fork invalidation', () => {
    const k = new MmKit();
    k.mmapAnon(A, 1);
    k.request({ type: 'mm.write', addr: A, value: 3 });
    k.request({ type: 'mm.makeExclusive', addr: A, length: PAGE, owner: null });
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'deviceExclusive' });
    const from = k.invalidations.length;
    k.request({ type: 'mm.fork', child: 'mm:p2' });
    expect(k.events(from)).toEqual([['PROTECTION_PAGE', A, A + PAGE]]);
    expect(k.ctx.ptes[vpn(A)]).toMatchObject({ kind: 'present', write: false, cow: true });
    expect(k.request({ type: 'mm.read', addr: A }).value).toBe(3);
    expect(k.events(from + 1)).toEqual([]); // no EXCLUSIVE revocation left for the CPU to do
  });
});

describe('shared memory through dmirror devices (scenarios)', () => {
  for (const name of ['shared-after-fork', 'memfd-two-processes']) {
    it(`should pass ${name} for both device kinds`, async () => {
      const report = await runConformance(`test/machines/mm/fixtures/${name}.yaml`, { kernels: ['v6.12'] });
      for (const r of report.results) expect(r.firstMismatch, `${name} [${r.variant}]`).toBeNull();
      expect(report.results).toHaveLength(2);
    });
  }
});
