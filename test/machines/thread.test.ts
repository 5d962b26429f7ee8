import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { EFAULT, ENOENT } from '../../machines/errno.ts';
import { type ThreadOp, threadMachine } from '../../machines/thread.machine.ts';
import { MachineHarness, UnhandledEventError } from '../../src/testing/index.ts';

const T = 'thread:t1';

/** A started thread: the scheduler has run its `thread.run` self-message. */
function thread(ops: ThreadOp[]): MachineHarness {
  const h = new MachineHarness(threadMachine, { id: T, ops });
  h.sent.splice(0); // the thread.run it queued for itself
  h.send({ type: 'thread.run' });
  return h;
}

const mmapOp: ThreadOp = {
  to: 'mm:p1',
  event: { type: 'mm.mmap', start: 0, length: 8192 },
  expect: { result: 0 },
  label: 'mmap',
};
const readOp: ThreadOp = {
  to: 'mm:p1',
  event: { type: 'mm.read', addr: 0 },
  expect: { result: 0, value: { bytes: [1, 2] } },
  label: 'read',
};
const signalOp: ThreadOp = { to: 'fence:f1', event: { type: 'fence.signal' }, reply: 'none', label: 'signal' };

describe('threadMachine', () => {
  it('should send op 0 on start with replyTo and tid set to its own id, and sleep on it', () => {
    const h = thread([mmapOp, readOp]);
    expect(h.matches('running')).toBe(true);
    expect(h.sent).toEqual([{ to: 'mm:p1', event: { type: 'mm.mmap', start: 0, length: 8192, replyTo: T, tid: T } }]);
    expect(h.observed).toEqual([{ kind: 'sleep', tid: T, on: 'mm:p1' }]);
  });

  it('should send the next op only after the reply to the pending one', () => {
    const h = thread([mmapOp, readOp]);
    expect(h.sent).toHaveLength(1);
    h.send({ type: 'mm.result', tid: T, op: 'mmap', result: 0 });
    expect(h.sentTo('mm:p1')).toEqual([{ type: 'mm.read', addr: 0, replyTo: T, tid: T }]);
    expect(h.context.pc).toBe(1);
    expect(h.matches('running')).toBe(true);
  });

  it('should record matching replies with only their small fields and reach done after the last op', () => {
    const h = thread([mmapOp, readOp]);
    h.send({ type: 'mm.result', tid: T, op: 'mmap', result: 0, extra: 'dropped' });
    h.send({ type: 'mm.result', tid: T, op: 'read', result: 0, value: { bytes: [1, 2] } });
    expect(h.context.results).toEqual([
      { op: 0, label: 'mmap', reply: { type: 'mm.result', result: 0 } },
      { op: 1, label: 'read', reply: { type: 'mm.result', result: 0, value: { bytes: [1, 2] } } },
    ]);
    expect(h.context.mismatches).toEqual([]);
    expect(h.matches('done')).toBe(true);
    expect(h.snapshot.status).toBe('done');
  });

  it('should record a mismatch on a wrong result or value, observe it, and still go on', () => {
    const h = thread([mmapOp, readOp]);
    h.send({ type: 'mm.result', tid: T, op: 'mmap', result: EFAULT });
    expect(h.last.observations).toContainEqual({
      kind: 'thread.mismatch',
      tid: T,
      op: 0,
      label: 'mmap',
      expected: { result: 0 },
      got: { type: 'mm.result', result: EFAULT },
    });
    h.send({ type: 'mm.result', tid: T, op: 'read', result: 0, value: { bytes: [1, 3] } });
    expect(h.context.mismatches).toEqual([
      { op: 0, label: 'mmap', expected: { result: 0 }, got: { type: 'mm.result', result: EFAULT } },
      {
        op: 1,
        label: 'read',
        expected: { result: 0, value: { bytes: [1, 2] } },
        got: { type: 'mm.result', result: 0, value: { bytes: [1, 3] } },
      },
    ]);
    expect(h.matches('done')).toBe(true);
  });

  it('should compare expected values structurally, ignoring key order', () => {
    const op: ThreadOp = { to: 'mm:p1', event: { type: 'mm.read' }, expect: { value: { a: 1, b: [2] } } };
    const h = thread([op]);
    h.send({ type: 'mm.result', tid: T, result: 0, value: { b: [2], a: 1 } });
    expect(h.context.mismatches).toEqual([]);
  });

  it("should send 'none' ops without replyTo and go on at once", () => {
    const h = thread([signalOp, signalOp, mmapOp]);
    expect(h.sent).toEqual([
      { to: 'fence:f1', event: { type: 'fence.signal', tid: T } },
      { to: 'fence:f1', event: { type: 'fence.signal', tid: T } },
      { to: 'mm:p1', event: { type: 'mm.mmap', start: 0, length: 8192, replyTo: T, tid: T } },
    ]);
    expect(h.observed).toEqual([{ kind: 'sleep', tid: T, on: 'mm:p1' }]);
    expect(h.context.results).toEqual([
      { op: 0, label: 'signal', reply: null },
      { op: 1, label: 'signal', reply: null },
    ]);
    expect(h.matches('running')).toBe(true);
  });

  it("should end in done at once when every op is 'none', or when there are no ops", () => {
    expect(thread([signalOp]).matches('done')).toBe(true);
    const empty = thread([]);
    expect(empty.matches('done')).toBe(true);
    expect(empty.sent).toEqual([]);
  });

  it('should accept a named reply type without a tid (fence replies carry none)', () => {
    const op: ThreadOp = {
      to: 'fence:f1',
      event: { type: 'fence.addCallback', cbId: 'cb1' },
      reply: 'fence.addCallbackResult',
      expect: { result: ENOENT },
    };
    const h = thread([op]);
    h.send({ type: 'fence.addCallbackResult', fence: 'fence:f1', cbId: 'cb1', result: ENOENT });
    expect(h.matches('done')).toBe(true);
    expect(h.context.mismatches).toEqual([]);
  });

  it('should leave a reply for another tid unhandled', () => {
    const h = thread([mmapOp]);
    const before = h.snapshot;
    const stray = { type: 'mm.result', tid: 'thread:t2', result: 0 };
    expect(() => h.send(stray)).toThrow(UnhandledEventError);
    expect(h.snapshot).toBe(before);
    expect(h.snapshot.can(stray)).toBe(false);
    expect(h.sent).toHaveLength(1);
  });

  it('should leave an event of another type than the named reply unhandled', () => {
    const op: ThreadOp = { to: 'lock:l', event: { type: 'lock.acquire', mode: 'write' }, reply: 'lock.granted' };
    const h = thread([op]);
    const busy = { type: 'lock.busy', lock: 'lock:l', tid: T };
    expect(h.snapshot.can(busy)).toBe(false);
    expect(h.snapshot.can({ type: 'lock.granted', lock: 'lock:l', tid: T, mode: 'write' })).toBe(true);
  });

  it('should take no event once done', () => {
    const h = thread([mmapOp]);
    h.send({ type: 'mm.result', tid: T, result: 0 });
    const late = { type: 'mm.result', tid: T, result: 0 };
    expect(h.snapshot.can(late)).toBe(false);
  });
});

describe('threadMachine start', () => {
  it('should send nothing but its own thread.run until the scheduler runs it', () => {
    const h = new MachineHarness(threadMachine, { id: T, ops: [mmapOp] });
    expect(h.sent).toEqual([{ to: T, event: { type: 'thread.run' } }]);
    expect(h.matches('ready')).toBe(true);
    h.send({ type: 'thread.run' });
    expect(h.sentTo(mmapOp.to)).toHaveLength(1);
  });
});

describe('threadMachine (model-based coverage)', () => {
  const ops: ThreadOp[] = [mmapOp, signalOp, readOp];
  const replies: EventObject[] = [
    { type: 'thread.run' } as EventObject,
    { type: 'mm.result', tid: T, result: 0 } as EventObject,
    { type: 'mm.result', tid: T, result: EFAULT } as EventObject,
    { type: 'mm.result', tid: T, result: 0, value: { bytes: [1, 2] } } as EventObject,
    { type: 'mm.result', tid: 'thread:t2', result: 0 } as EventObject,
  ];
  const paths = getShortestPaths(threadMachine, { input: { id: T, ops }, events: replies as never });

  it('should reach running at every op and done, never with a foreign reply recorded', () => {
    const reached = new Set(paths.map((p) => `${JSON.stringify(p.state.value)}@${p.state.context.pc}`));
    expect(reached).toContain('"running"@0');
    expect(reached).toContain('"running"@2');
    expect(reached).toContain('"done"@3');
    expect(reached).not.toContain('"running"@1');
  });

  it('should keep results and mismatches consistent with the replies on every path', () => {
    for (const path of paths) {
      const h = thread(ops);
      const answered: EventObject[] = [];
      for (const { event } of path.steps.slice(1)) {
        if (event.type === 'thread.run') continue;
        const consumed = h.matches('running') && (event as { tid?: string }).tid === T;
        h.send(event);
        if (consumed) answered.push(event);
      }
      const ctx = h.context as { pc: number; results: { reply: unknown }[]; mismatches: unknown[] };
      expect(ctx.results).toHaveLength(ctx.pc);
      const badMmap = (answered[0] as { result?: number } | undefined)?.result === EFAULT ? 1 : 0;
      const read = answered[1] as { value?: unknown } | undefined;
      const badRead = read && !(read.value && JSON.stringify(read.value) === '{"bytes":[1,2]}') ? 1 : 0;
      expect(ctx.mismatches).toHaveLength(badMmap + badRead);
      expect(h.matches('done')).toBe(ctx.pc === ops.length);
    }
  });

  describe('signals', () => {
    const TARGETS = ['fence:f1', 'lock:gpu0'];
    function signalled(ops: ThreadOp[], signalsToCome = 1): MachineHarness {
      const h = new MachineHarness(threadMachine, { id: T, ops, signalTargets: TARGETS, signalsToCome });
      h.send({ type: 'thread.run' });
      return h;
    }
    const sig = (fatal = false) => ({ type: 'thread.signal', fatal, tid: 'thread:killer' });
    const cleared = (actor: string) => ({ type: 'signal.cleared', actor, tid: T });

    it('should tell every fence and lock of a signal that arrives while a request is outstanding', () => {
      const h = signalled([mmapOp, readOp]);
      h.send(sig());
      expect(h.last.sends).toEqual([
        { to: 'fence:f1', event: { type: 'signal.pending', tid: T, fatal: false } },
        { to: 'lock:gpu0', event: { type: 'signal.pending', tid: T, fatal: false } },
      ]);
      expect(h.context.signal).toEqual({ fatal: false });
      // A second, non-fatal signal adds nothing; a fatal one is news.
      const twice = signalled([mmapOp], 3);
      expect(twice.send(sig()).sends).toHaveLength(2);
      expect(twice.send(sig()).sends).toEqual([]);
      expect(twice.send(sig(true)).sends.map((x) => x.event)).toEqual([
        { type: 'signal.pending', tid: T, fatal: true },
        { type: 'signal.pending', tid: T, fatal: true },
      ]);
    });

    it('should withdraw a handled signal from every target before its next request', () => {
      const h = signalled([mmapOp, readOp]);
      h.send(sig());
      h.send({ type: 'mm.result', tid: T, op: 'mmap', result: 0 });
      expect(h.matches('clearing')).toBe(true);
      expect(h.last.sends).toEqual([
        { to: 'fence:f1', event: { type: 'signal.handled', replyTo: T, tid: T } },
        { to: 'lock:gpu0', event: { type: 'signal.handled', replyTo: T, tid: T } },
      ]);
      h.send(cleared('fence:f1'));
      expect(h.last.sends).toEqual([]);
      h.send(cleared('lock:gpu0'));
      expect(h.sentTo('mm:p1')).toEqual([{ type: 'mm.read', addr: 0, replyTo: T, tid: T }]);
      expect(h.context.signal).toBeNull();
      expect(h.matches('running')).toBe(true);
    });

    it('should die of a fatal signal when its request returns: the remaining ops never run', () => {
      const h = signalled([mmapOp, readOp]);
      h.send(sig(true));
      h.send({ type: 'mm.result', tid: T, op: 'mmap', result: 0 });
      expect(h.last.sends).toEqual([]);
      expect(h.context.killed).toBe(true);
      expect(h.context.results).toHaveLength(1);
      expect(h.snapshot.status).toBe('done');
    });

    it('should handle a signal in user space at once: non-fatal changes nothing, fatal kills it', () => {
      const early = new MachineHarness(threadMachine, {
        id: T,
        ops: [mmapOp],
        signalTargets: TARGETS,
        signalsToCome: 1,
      });
      early.send(sig(true));
      early.send({ type: 'thread.run' });
      expect(early.sent.filter((x) => x.to === 'mm:p1')).toEqual([]);
      expect(early.snapshot.status).toBe('done');
      const h = signalled([mmapOp]);
      h.send({ type: 'mm.result', tid: T, op: 'mmap', result: 0 });
      // Not finished until the signal that is on its way arrives (a finished actor takes no message).
      expect(h.matches('exiting')).toBe(true);
      h.send(sig());
      expect(h.last.sends).toEqual([]);
      expect(h.context.killed).toBe(false);
      expect(h.snapshot.status).toBe('done');
    });
  });
});
