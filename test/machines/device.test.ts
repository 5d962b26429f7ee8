import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { type CompletionPath, type DeviceMapEntry, deviceMachine } from '../../machines/device.machine.ts';
import { EFAULT, EIO } from '../../machines/errno.ts';
import { MachineHarness } from '../../src/testing/index.ts';

const DEV = 'dev:gpu0';
const DRV = 'drv:gpu0';
const ENGINE = 'dev:gpu0/engine';
const P = 4096;

function device(completion?: CompletionPath): MachineHarness {
  return new MachineHarness(deviceMachine, { id: DEV, driver: DRV, ...(completion ? { completion } : {}) });
}

function entry(addr: number, perm: DeviceMapEntry['perm'], pfn = 100 + addr / P): DeviceMapEntry {
  return { addr, pfn, gen: 1, version: 3, perm, pinned: false };
}

function submit(job: string, accesses: { addr: number; write: boolean }[], fence = `fence:${job}`) {
  return { type: 'dev.submit', replyTo: 'thread:t1', tid: 'thread:t1', job, fence, accesses };
}

const step = { type: 'dev.step' };

/** How many dev.step messages the last step sent the device to itself. */
function stepsRequested(h: MachineHarness): number {
  return h.sentTo(DEV).filter((e) => e.type === 'dev.step').length;
}

/** The jobs reported done so far, in order. */
function jobsDone(h: MachineHarness): string[] {
  return h.sent.filter((s) => s.event.type === 'dev.jobDone').map((s) => String((s.event as { job?: unknown }).job));
}

function kinds(h: MachineHarness): string[] {
  return h.observed.map((o) => o.kind);
}

describe('deviceMachine', () => {
  it('should install entries with dev.map and keep the table canonical whatever the order', () => {
    const a = device();
    const b = device();
    a.send({ type: 'dev.map', entries: [entry(0, 'read'), entry(2 * P, 'write')] });
    b.send({ type: 'dev.map', entries: [entry(2 * P, 'write')] });
    b.send({ type: 'dev.map', entries: [entry(0, 'read')] });
    expect(Object.keys(a.context.table as object)).toEqual(['0', '2']);
    expect(JSON.stringify(a.context)).toBe(JSON.stringify(b.context));
    expect(a.sent).toEqual([]);
  });

  it('should remove entries overlapping [start, end) on dev.zap and reply dev.zapped', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(0, 'read'), entry(P, 'write'), entry(2 * P, 'write')] });
    h.send({ type: 'dev.zap', replyTo: DRV, tid: 'drv:gpu0/cb', start: P, end: 2 * P });
    expect(Object.keys(h.context.table as object)).toEqual(['0', '2']);
    expect(h.sentTo(DRV)).toEqual([{ type: 'dev.zapped', tid: 'drv:gpu0/cb', dev: DEV }]);
  });

  it('should observe dev.access for an access that hits an entry', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(P, 'read')] });
    h.send(submit('j1', [{ addr: P + 8, write: false }]));
    expect(h.matches({ running: 'accessing' } as never)).toBe(true);
    h.send(step);
    expect(h.observed).toContainEqual({
      kind: 'dev.access',
      dev: DEV,
      addr: P + 8,
      pfn: 101,
      gen: 1,
      version: 3,
      write: false,
      pinned: false,
    });
    expect(h.sentTo(DRV)).toEqual([]);
  });

  it('should fault a write to a read-only entry', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(0, 'read')] });
    h.send(submit('j1', [{ addr: 16, write: true }]));
    h.send(step);
    expect(h.matches('running.faulting')).toBe(true);
    expect(h.sentTo(DRV)).toEqual([{ type: 'drv.fault', replyTo: DEV, tid: ENGINE, start: 0, end: P, write: true }]);
    expect(h.observed.at(-1)).toEqual({ kind: 'sleep', tid: ENGINE, on: DRV });
    expect(kinds(h)).not.toContain('dev.access');
  });

  it('should let an atomic entry serve a write', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(0, 'atomic')] });
    h.send(submit('j1', [{ addr: 0, write: true }]));
    h.send(step);
    expect(h.observed).toContainEqual(expect.objectContaining({ kind: 'dev.access', write: true, pfn: 100 }));
  });

  it('should send drv.fault on a miss and retry the access after result 0', () => {
    const h = device();
    h.send(submit('j1', [{ addr: 3 * P + 5, write: false }]));
    h.send(step);
    expect(h.sentTo(DRV)).toEqual([
      { type: 'drv.fault', replyTo: DEV, tid: ENGINE, start: 3 * P, end: 4 * P, write: false },
    ]);
    h.send({ type: 'dev.map', entries: [entry(3 * P, 'read')] });
    h.send({ type: 'drv.faultResult', tid: ENGINE, result: 0 });
    expect(h.matches('running.accessing')).toBe(true);
    expect(stepsRequested(h)).toBe(1);
    h.send(step);
    expect(h.observed).toContainEqual(expect.objectContaining({ kind: 'dev.access', addr: 3 * P + 5, pfn: 103 }));
    expect(h.sentTo('fence:j1')).toEqual([{ type: 'fence.signal', tid: ENGINE }]);
    expect(h.sentTo('thread:t1')).toEqual([{ type: 'dev.jobDone', tid: 'thread:t1', job: 'j1', result: 0 }]);
  });

  it('should fault again when the retried access still misses', () => {
    const h = device();
    h.send(submit('j1', [{ addr: 0, write: false }]));
    h.send(step);
    h.send({ type: 'drv.faultResult', tid: ENGINE, result: 0 });
    h.send(step);
    expect(h.matches('running.faulting')).toBe(true);
    expect(h.sentTo(DRV)).toHaveLength(1);
  });

  it('should fail the job on a fault error: set the error, then signal, then report', () => {
    const h = device();
    h.send(
      submit('j1', [
        { addr: 0, write: false },
        { addr: P, write: false },
      ]),
    );
    h.send(step);
    h.send({ type: 'drv.faultResult', tid: ENGINE, result: EFAULT });
    expect(h.last.sends).toEqual([
      { to: 'fence:j1', event: { type: 'fence.setError', error: EFAULT } },
      { to: 'fence:j1', event: { type: 'fence.signal', tid: ENGINE } },
      { to: 'thread:t1', event: { type: 'dev.jobDone', tid: 'thread:t1', job: 'j1', result: EFAULT } },
    ]);
    expect(h.last.observations.map((o) => o.kind)).toEqual(['signalling.begin', 'signalling.end']);
    expect(h.matches('idle')).toBe(true);
    expect(h.context.job).toBeNull();
  });

  it('should run one access per dev.step so other messages interleave between accesses', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(0, 'write'), entry(P, 'write')] });
    h.send(
      submit('j1', [
        { addr: 0, write: true },
        { addr: P, write: true },
      ]),
    );
    expect(stepsRequested(h)).toBe(1);
    h.send(step);
    expect(h.observed.filter((o) => o.kind === 'dev.access')).toHaveLength(1);
    expect(stepsRequested(h)).toBe(1);
    // An invalidation lands between the two accesses: the second one must fault.
    h.send({ type: 'dev.zap', replyTo: DRV, tid: 'drv:gpu0/cb', start: P, end: 2 * P });
    h.send(step);
    expect(h.observed.filter((o) => o.kind === 'dev.access')).toHaveLength(1);
    expect(h.sentTo(DRV)).toEqual([
      { type: 'drv.fault', replyTo: DEV, tid: ENGINE, start: P, end: 2 * P, write: true },
    ]);
  });

  it('should take and release the completion lock inside the signalling section before signalling', () => {
    const h = device({ takesLock: 'lock:gpu0' });
    h.send(submit('j1', []));
    expect(h.matches('running.completing.locking')).toBe(true);
    expect(h.sentTo('lock:gpu0')).toEqual([{ type: 'lock.acquire', replyTo: DEV, tid: ENGINE, mode: 'write' }]);
    expect(kinds(h)).toEqual(['signalling.begin', 'sleep']);
    expect(h.sentTo('fence:j1')).toEqual([]);
    h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid: ENGINE, mode: 'write' });
    expect(h.last.sends.map((s) => [s.to, s.event.type])).toEqual([
      ['lock:gpu0', 'lock.release'],
      ['fence:j1', 'fence.signal'],
      ['thread:t1', 'dev.jobDone'],
    ]);
    expect(kinds(h).at(-1)).toBe('signalling.end');
  });

  it('should signal straight away when the completion allocation does not enter reclaim', () => {
    const h = device({ allocates: { mm: 'mm:p1', addr: 0 } });
    h.send(submit('j1', []));
    expect(h.last.choice).toEqual({
      label: 'alloc.reclaim?',
      options: [{ type: 'dev.allocNoReclaim' }, { type: 'dev.allocReclaim' }],
    });
    h.send({ type: 'dev.allocNoReclaim' });
    expect(h.observed).toContainEqual({ kind: 'alloc', tid: ENGINE, reclaim: false });
    expect(h.sentTo('mm:p1')).toEqual([]);
    expect(h.sentTo('fence:j1')).toEqual([{ type: 'fence.signal', tid: ENGINE }]);
  });

  it('should wait for mm.reclaim before signalling when the allocation enters reclaim', () => {
    const h = device({ allocates: { mm: 'mm:p1', addr: 8 * P } });
    h.send(submit('j1', []));
    h.send({ type: 'dev.allocReclaim' });
    expect(h.sentTo('mm:p1')).toEqual([{ type: 'mm.reclaim', replyTo: DEV, tid: ENGINE, addr: 8 * P }]);
    expect(h.last.observations).toEqual([
      { kind: 'alloc', tid: ENGINE, reclaim: true },
      { kind: 'sleep', tid: ENGINE, on: 'mm:p1' },
    ]);
    expect(h.matches('running.completing.reclaiming')).toBe(true);
    expect(h.sentTo('fence:j1')).toEqual([]);
    h.send({ type: 'mm.result', tid: ENGINE, op: 'reclaim', result: 0 });
    expect(h.sentTo('fence:j1')).toEqual([{ type: 'fence.signal', tid: ENGINE }]);
    expect(kinds(h).filter((k) => k.startsWith('signalling.'))).toEqual(['signalling.begin', 'signalling.end']);
  });

  it('should take the lock before allocating when both are configured', () => {
    const h = device({ takesLock: 'lock:gpu0', allocates: { mm: 'mm:p1', addr: 0 } });
    h.send(submit('j1', []));
    expect(h.last.choice).toBeNull();
    h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid: ENGINE, mode: 'write' });
    expect(h.sentTo('lock:gpu0')).toEqual([{ type: 'lock.release', tid: ENGINE }]);
    expect(h.last.choice?.label).toBe('alloc.reclaim?');
    expect(h.matches('running.completing.allocating')).toBe(true);
  });

  it('should run jobs in submission order, one at a time', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(0, 'read')] });
    h.send(submit('j1', [{ addr: 0, write: false }]));
    h.send(submit('j2', [{ addr: 0, write: false }]));
    h.send(submit('j3', []));
    expect((h.context.queue as unknown[]).length).toBe(2);
    h.send(step);
    expect(jobsDone(h)).toEqual(['j1']);
    h.send(step);
    expect(jobsDone(h)).toEqual(['j1', 'j2', 'j3']);
    expect(h.matches('idle')).toBe(true);
  });

  it('should fail the running job with -EIO on dev.reset and drop the orphaned dev.step', () => {
    const h = device();
    h.send({ type: 'dev.map', entries: [entry(0, 'read')] });
    h.send(submit('j1', [{ addr: 0, write: false }]));
    h.send(submit('j2', [{ addr: 0, write: false }]));
    h.send({ type: 'dev.reset' });
    expect(h.sent.filter((s) => s.to === 'fence:j1').map((s) => s.event)).toEqual([
      { type: 'fence.setError', error: EIO },
      { type: 'fence.signal', tid: ENGINE },
    ]);
    expect(h.matches('running.accessing')).toBe(true);
    // The orphaned step of j1 arrives first and must not run j2's access.
    h.send(step);
    expect(kinds(h)).not.toContain('dev.access');
    expect(h.context.staleSteps).toBe(0);
    h.send(step);
    expect(h.observed.filter((o) => o.kind === 'dev.access')).toHaveLength(1);
  });

  it('should drop the fault result orphaned by a reset during a fault', () => {
    const h = device();
    h.send(submit('j1', [{ addr: 0, write: false }]));
    h.send(step);
    h.send({ type: 'dev.reset' });
    expect(h.matches('idle')).toBe(true);
    expect(h.sentTo('thread:t1')).toEqual([{ type: 'dev.jobDone', tid: 'thread:t1', job: 'j1', result: EIO }]);
    h.send({ type: 'drv.faultResult', tid: ENGINE, result: 0 });
    expect(h.context.staleFaultResults).toBe(0);
    expect(h.matches('idle')).toBe(true);
    expect(h.last.sends).toEqual([]);
  });

  it('should declare dev.reset ignored while completing and while idle', () => {
    const h = device({ takesLock: 'lock:gpu0' });
    expect(h.snapshot.getMeta()['device.idle']).toMatchObject({ ignore: { 'dev.reset': expect.any(String) } });
    h.send(submit('j1', []));
    expect(h.snapshot.getMeta()['device.running.completing']).toMatchObject({
      ignore: { 'dev.reset': expect.any(String) },
    });
  });
});

describe('deviceMachine job dependencies', () => {
  it('should wait for each dependency fence before the first access', () => {
    const h = device();
    h.send({ ...submit('b', [{ addr: 0, write: false }]), deps: ['fence:a', 'fence:z'] });
    expect(h.sentTo('fence:a')).toEqual([
      { type: 'fence.wait', replyTo: DEV, tid: ENGINE, intr: false, timeout: 'forever' },
    ]);
    expect(h.sentTo(DEV)).toEqual([]);
    h.send({ type: 'fence.waitResult', fence: 'fence:a', tid: ENGINE, result: 1 });
    expect(h.sentTo('fence:z')).toHaveLength(1);
    h.send({ type: 'fence.waitResult', fence: 'fence:z', tid: ENGINE, result: 1 });
    expect(h.sentTo(DEV)).toEqual([step]);
  });
});

describe('deviceMachine (model-based coverage)', () => {
  const completion = { takesLock: 'lock:gpu0', allocates: { mm: 'mm:p1', addr: 0 } };
  const events = (snapshot: { context: Record<string, unknown> }): EventObject[] => {
    const c = snapshot.context as { queue: unknown[]; staleSteps: number; staleFaultResults: number };
    const evs: EventObject[] = [
      { type: 'dev.map', entries: [entry(0, 'read')] } as EventObject,
      { type: 'dev.map', entries: [entry(0, 'write')] } as EventObject,
      { type: 'dev.zap', replyTo: DRV, tid: 'drv:gpu0/cb', start: 0, end: P } as EventObject,
      { type: 'dev.step' },
      { type: 'drv.faultResult', tid: ENGINE, result: 0 } as EventObject,
      { type: 'drv.faultResult', tid: ENGINE, result: EFAULT } as EventObject,
      { type: 'lock.granted', lock: 'lock:gpu0', tid: ENGINE, mode: 'write' } as EventObject,
      { type: 'dev.allocNoReclaim' },
      { type: 'dev.allocReclaim' },
      { type: 'mm.result', tid: ENGINE, op: 'reclaim', result: 0 } as EventObject,
    ];
    if (c.queue.length === 0) evs.push(submit('j', [{ addr: 0, write: true }]));
    if (c.staleSteps === 0 && c.staleFaultResults === 0) evs.push({ type: 'dev.reset' });
    return evs;
  };
  const paths = getShortestPaths(deviceMachine, {
    input: { id: DEV, driver: DRV, completion },
    events: events as never,
  });

  it('should reach every resting state of the device', () => {
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const value of [
      '"idle"',
      '{"running":"accessing"}',
      '{"running":"faulting"}',
      '{"running":{"completing":"locking"}}',
      '{"running":{"completing":"allocating"}}',
      '{"running":{"completing":"reclaiming"}}',
    ])
      expect(reached).toContain(value);
  });

  it('should, on every shortest path, signal each finished job fence once inside one signalling section', () => {
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const h = device(completion);
      for (const { event } of path.steps.slice(1)) {
        const before = h.context.table as Record<string, { perm: string }>;
        for (const o of h.send(event).observations.filter((x) => x.kind === 'dev.access')) {
          // The access used an entry that existed with enough permission just before it.
          expect(before['0']).toBeDefined();
          if (o.write) expect(before['0'].perm).not.toBe('read');
        }
      }
      const signals = h.sent.filter((s) => s.event.type === 'fence.signal').length;
      const done = h.sent.filter((s) => s.event.type === 'dev.jobDone').length;
      expect(signals).toBe(done);
      const begins = h.observed.filter((o) => o.kind === 'signalling.begin').length;
      const ends = h.observed.filter((o) => o.kind === 'signalling.end').length;
      expect(begins - ends).toBe(h.matches('running.completing') ? 1 : 0);
      expect(ends).toBe(done);
      expect(JSON.parse(JSON.stringify(h.context))).toEqual(h.context);
    }
  });
});
