/**
 * The driver's fence-signalling section (docs/driver-protocol.md, "Signalling section"): a
 * submission's tid is in `context.signalling` from publishing its job fence until the job is
 * handed to the device, which the lockdep monitor reads.
 */
import { describe, expect, it } from 'vitest';
import allocInSignallingPath from '../../../examples/drivers/corpus/buggy/alloc-in-signalling-path.ts';
import { driverProfiles } from '../../../machines/drivers/index.ts';
import { MachineHarness } from '../../../src/testing/index.ts';

const input = { id: 'drv:gpu0', sub: 'sub:gpu0', lock: 'lock:gpu0', mm: 'mm:p1', dev: 'dev:gpu0' };
const T = 'thread:gpu';
const PAGE = [{ addr: 4096, pfn: 9, gen: 1, version: 2, valid: true, write: true }];

function submitUpToReadRetry(h: MachineHarness): void {
  const job = { job: 'job', fence: 'fence:job0', accesses: [{ addr: 4096, write: true }] };
  h.send({ type: 'drv.submit', replyTo: T, tid: T, start: 4096, end: 8192, write: true, ...job });
  h.send({ type: 'sub.readBeginResult', sub: 'sub:gpu0', tid: T, seq: 3 });
  h.send({ type: 'hmm.rangeResult', tid: T, result: 0, pfns: PAGE });
  h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid: T, mode: 'write' });
}

describe('signalling section of a submission', () => {
  it('is empty again after the step that publishes and hands over (built-in profile)', () => {
    const h = new MachineHarness(driverProfiles['userptr-fence-after-unlock'], input);
    submitUpToReadRetry(h);
    h.send({ type: 'sub.retryResult', sub: 'sub:gpu0', tid: T, retry: false });
    expect(h.context.signalling).toEqual([]);
    const kinds = h.last.observations.map((o) => o.kind);
    expect(kinds).toContain('signalling.begin');
    expect(kinds).toContain('signalling.end');
  });

  it('holds the submitter tid while a driver allocates between publishing and handing over', () => {
    const h = new MachineHarness(allocInSignallingPath, input);
    submitUpToReadRetry(h);
    h.send({ type: 'sub.retryResult', sub: 'sub:gpu0', tid: T, retry: false });
    expect(h.context.signalling).toEqual([T]);
    h.send({ type: 'drv.allocNoReclaim' });
    expect(h.context.signalling).toEqual([]);
  });
});
