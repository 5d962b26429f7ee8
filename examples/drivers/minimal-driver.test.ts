// A driver author's vitest file for minimal-driver.ts, using only the package's public entries:
// one transition asserted, a deferred fault, the policy on every path, and the battery.
//   npx vitest run   (in a project with mirrorlab installed)

import { checkDriver, expectTransition, MachineHarness, unhandledOnPaths, walkEventPolicy } from 'mirrorlab/testing';
import { describe, expect, it } from 'vitest';
import driver from './minimal-driver.ts';

const input = { id: 'drv:gpu0', sub: 'sub:gpu0', lock: 'lock:gpu0', mm: 'mm:p1', dev: 'dev:gpu0' };
const fault = (tid: string) => ({ type: 'drv.fault', replyTo: tid, tid, start: 4096, end: 8192, write: true });
const invalidate = {
  type: 'drv.invalidate',
  sub: 'sub:gpu0',
  tid: 'thread:t9',
  start: 0,
  end: 4096,
  curSeq: 3,
  blockable: true,
  event: 'UNMAP',
};

describe('minimal driver', () => {
  it('should begin a fault with a read_begin on its subscription', () => {
    const h = new MachineHarness(driver, input);
    expectTransition(h, fault('thread:t1'), {
      to: 'fault.readBegin',
      context: { req: { tid: 'thread:t1', seq: 0 } },
      sends: [{ to: 'sub:gpu0', event: { type: 'sub.readBegin', tid: 'thread:t1' } }],
    });
  });

  it('should hold a second fault back until the first one is done', () => {
    const h = new MachineHarness(driver, input);
    h.send(fault('thread:t1'));
    expect(h.policyOf(fault('thread:t2'))).toBe('deferred');
    h.send(fault('thread:t2'));
    expect(h.deferred.map((e) => e.tid)).toEqual(['thread:t2']);
  });

  it('should handle, defer or ignore a fault and an invalidation in every state they reach', () => {
    const states = walkEventPolicy(driver, { input, events: [fault('thread:t1'), invalidate] });
    expect(states.length).toBeGreaterThan(2);
    expect(unhandledOnPaths(states)).toEqual([]);
  });

  it('should keep every property of the bundled battery', async () => {
    const result = await checkDriver(driver, { maxStates: 200_000 });
    expect(result.errors).toEqual([]);
    expect(result.breaks).toEqual([]);
    expect(result.properties.every((p) => p.verdict === 'keeps')).toBe(true);
  });
});
