import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import {
  type RangeNotifierContext,
  type RangeNotifierEvent,
  rangeNotifierMachine,
} from '../../machines/range-notifier.machine.ts';
import { MachineHarness } from '../../src/testing/index.ts';

const INPUT = { id: 'sub:a', core: 'core:p', driver: 'drv:gpu0', start: 0x1000, length: 0x2000 };
const R = 'drv:gpu0/fault';

function newSub(): MachineHarness {
  return new MachineHarness(rangeNotifierMachine, INPUT);
}
function ctx(h: MachineHarness): RangeNotifierContext {
  return h.context as unknown as RangeNotifierContext;
}
/** A sub attached while the mm was idle (global 2, own seq 1). */
function attachedSub(): MachineHarness {
  const h = newSub();
  h.send({ type: 'sub.attach', seq: 1, globalSeq: 2 });
  return h;
}
function invalidate(h: MachineHarness, curSeq: number, blockable = true) {
  return h.send({
    type: 'sub.invalidate',
    start: 0,
    end: 0x10000,
    curSeq,
    event: 'UNMAP',
    owner: null,
    blockable,
    tid: 'thread:t2',
  });
}
function readBegin(h: MachineHarness, tid = R) {
  return h.send({ type: 'sub.readBegin', replyTo: 'drv:gpu0', tid });
}

describe('rangeNotifierMachine', () => {
  it('should start detached and take its seq from sub.attach', () => {
    const h = newSub();
    expect(h.matches('detached')).toBe(true);
    expect(ctx(h).seq).toBeNull();
    h.send({ type: 'sub.attach', seq: 1, globalSeq: 2 });
    expect(h.matches({ attached: 'idle' } as never)).toBe(true);
    expect(ctx(h)).toMatchObject({ seq: 1, epochSeq: null });
  });

  it('should defer reads while detached', () => {
    const h = newSub();
    const meta = h.snapshot.getMeta() as Record<string, { defer?: string[] }>;
    expect(meta['rangeNotifier.detached'].defer).toEqual(['sub.readBegin', 'sub.readRetry', 'sub.checkRetry']);
  });

  it('should answer read_begin at once when not invalidated in the current epoch', () => {
    const h = attachedSub();
    readBegin(h);
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.readBeginResult', sub: 'sub:a', tid: R, seq: 1 }]);
  });

  it('should make read_begin sleep after being attached during an epoch, until the epoch ends', () => {
    const h = newSub();
    h.send({ type: 'sub.attach', seq: 3, globalSeq: 3 });
    readBegin(h);
    expect(h.sentTo()).toEqual([]);
    expect(h.last.observations).toEqual([{ kind: 'sleep', tid: R, on: 'sub:a' }]);
    h.send({ type: 'sub.epochEnded', seq: 4 });
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.readBeginResult', sub: 'sub:a', tid: R, seq: 3 }]);
    readBegin(h);
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.readBeginResult', sub: 'sub:a', tid: R, seq: 3 }]);
  });

  it('should forward sub.invalidate to its driver unchanged and observe callback.begin', () => {
    const h = attachedSub();
    invalidate(h, 3, false);
    expect(h.matches({ attached: 'invalidating' } as never)).toBe(true);
    expect(h.sentTo('drv:gpu0')).toEqual([
      {
        type: 'drv.invalidate',
        sub: 'sub:a',
        start: 0,
        end: 0x10000,
        curSeq: 3,
        event: 'UNMAP',
        owner: null,
        blockable: false,
        tid: 'thread:t2',
      },
    ]);
    expect(h.last.observations).toEqual([{ kind: 'callback.begin', tid: 'thread:t2', sub: 'sub:a', blockable: false }]);
  });

  it('should report the driver return to the core and observe callback.end', () => {
    const h = attachedSub();
    invalidate(h, 3);
    h.send({ type: 'drv.invalidateReturned', sub: 'sub:a', ok: false });
    expect(h.matches({ attached: 'idle' } as never)).toBe(true);
    expect(h.sentTo('core:p')).toEqual([{ type: 'sub.callbackReturned', sub: 'sub:a', ok: false, tid: 'thread:t2' }]);
    expect(h.last.observations).toEqual([{ kind: 'callback.end', tid: 'thread:t2', sub: 'sub:a', blockable: true }]);
  });

  it('should block read_begin once set_seq marked it in the current epoch, returning the seq read then', () => {
    const h = attachedSub();
    invalidate(h, 3);
    h.send({ type: 'sub.setSeq', curSeq: 3 });
    readBegin(h, 'thread:r1');
    h.send({ type: 'drv.invalidateReturned', sub: 'sub:a', ok: true });
    readBegin(h, 'thread:r2');
    expect(ctx(h).readers).toEqual([
      { replyTo: 'drv:gpu0', tid: 'thread:r1', seq: 3 },
      { replyTo: 'drv:gpu0', tid: 'thread:r2', seq: 3 },
    ]);
    h.send({ type: 'sub.epochEnded', seq: 4 });
    expect(h.sentTo('drv:gpu0')).toEqual([
      { type: 'sub.readBeginResult', sub: 'sub:a', tid: 'thread:r1', seq: 3 },
      { type: 'sub.readBeginResult', sub: 'sub:a', tid: 'thread:r2', seq: 3 },
    ]);
    expect(ctx(h)).toMatchObject({ readers: [], epochSeq: null, seq: 3 });
  });

  it('should not block read_begin when the driver filtered the event (no set_seq)', () => {
    const h = attachedSub();
    invalidate(h, 3);
    h.send({ type: 'drv.invalidateReturned', sub: 'sub:a', ok: true });
    readBegin(h);
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.readBeginResult', sub: 'sub:a', tid: R, seq: 1 }]);
  });

  it('should answer read_retry and check_retry with a collision iff the seq moved', () => {
    const h = attachedSub();
    h.send({ type: 'sub.readRetry', replyTo: 'drv:gpu0', tid: R, seq: 1 });
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.retryResult', sub: 'sub:a', tid: R, retry: false }]);
    invalidate(h, 3);
    h.send({ type: 'sub.setSeq', curSeq: 3 });
    h.send({ type: 'sub.checkRetry', replyTo: 'drv:gpu0', tid: R, seq: 1 });
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.retryResult', sub: 'sub:a', tid: R, retry: true }]);
    h.send({ type: 'sub.readRetry', replyTo: 'drv:gpu0', tid: R, seq: 3 });
    expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'sub.retryResult', sub: 'sub:a', tid: R, retry: false }]);
  });

  it('should record an even set_seq as a model error and keep its odd seq', () => {
    const h = attachedSub();
    h.send({ type: 'sub.setSeq', curSeq: 4 });
    expect(ctx(h).seq).toBe(1);
    expect(ctx(h).errors).toEqual([{ kind: 'sub.badSeq', value: 4 }]);
    expect(h.last.observations).toEqual([{ kind: 'sub.badSeq', sub: 'sub:a', value: 4 }]);
  });

  it("should run a second thread's callback beside the first and return each to the core by thread", () => {
    const h = attachedSub();
    invalidate(h, 3);
    h.send({
      type: 'sub.invalidate',
      start: 0,
      end: 0x2000,
      curSeq: 3,
      event: 'CLEAR',
      owner: null,
      blockable: false,
      tid: 'thread:t3',
    });
    expect(h.sentTo('drv:gpu0')).toEqual([expect.objectContaining({ type: 'drv.invalidate', tid: 'thread:t3' })]);
    expect(ctx(h).callbacks).toEqual([
      { tid: 'thread:t2', blockable: true },
      { tid: 'thread:t3', blockable: false },
    ]);
    h.send({ type: 'drv.invalidateReturned', sub: 'sub:a', ok: false, tid: 'thread:t3' });
    expect(h.sentTo('core:p')).toEqual([{ type: 'sub.callbackReturned', sub: 'sub:a', ok: false, tid: 'thread:t3' }]);
    expect(h.matches({ attached: 'invalidating' } as never)).toBe(true);
    h.send({ type: 'drv.invalidateReturned', sub: 'sub:a', ok: true, tid: 'thread:t2' });
    expect(h.sentTo('core:p')).toEqual([{ type: 'sub.callbackReturned', sub: 'sub:a', ok: true, tid: 'thread:t2' }]);
    expect(h.matches({ attached: 'idle' } as never)).toBe(true);
  });

  it('should record a return from a thread that is in no callback of it', () => {
    const h = attachedSub();
    invalidate(h, 3);
    h.send({ type: 'drv.invalidateReturned', sub: 'sub:a', ok: true, tid: 'thread:t9' });
    expect(h.sentTo('core:p')).toEqual([]);
    expect(ctx(h).errors).toEqual([{ kind: 'sub.returnWithoutCallback', value: null }]);
  });

  describe('model-based coverage (xstate/graph)', () => {
    const events: RangeNotifierEvent[] = [
      { type: 'sub.attach', seq: 1, globalSeq: 2 },
      { type: 'sub.attach', seq: 3, globalSeq: 3 },
      {
        type: 'sub.invalidate',
        start: 0,
        end: 0x10000,
        curSeq: 3,
        event: 'UNMAP',
        owner: null,
        blockable: true,
        tid: 'thread:t2',
      },
      { type: 'sub.setSeq', curSeq: 3 },
      { type: 'drv.invalidateReturned', sub: 'sub:a', ok: true },
      { type: 'sub.readBegin', replyTo: 'drv:gpu0', tid: R },
      { type: 'sub.epochEnded', seq: 4 },
    ];
    /** Abstract the context to what decides behaviour, so the graph stays finite. */
    const serializeState = (s: { value: unknown; context: RangeNotifierContext }) =>
      JSON.stringify([
        s.value,
        s.context.seq,
        s.context.epochSeq,
        s.context.readers.length > 0,
        s.context.errors.length > 0,
      ]);
    const paths = getShortestPaths(rangeNotifierMachine, {
      input: INPUT,
      events,
      serializeState: serializeState as never,
    });

    it('should reach every state node', () => {
      const reached = new Set<string>();
      for (const p of paths) for (const n of p.state._nodes) reached.add(n.id);
      const all = getStateNodes(rangeNotifierMachine).map((n) => n.id);
      expect(all.length).toBeGreaterThanOrEqual(4);
      for (const id of all) expect(reached, id).toContain(id);
    });

    it('should reach a state with a sleeping reader and answer it on every path through epochEnded', () => {
      const withReader = paths.filter((p) => p.state.context.readers.length > 0);
      expect(withReader.length).toBeGreaterThan(0);
      for (const p of withReader) {
        const h = newSub();
        for (const step of p.steps.slice(1)) h.send(step.event as EventObject);
        const waiting = ctx(h).readers.length;
        h.send({ type: 'sub.epochEnded', seq: 4 });
        expect(h.sentTo('drv:gpu0').filter((e) => e.type === 'sub.readBeginResult')).toHaveLength(waiting);
      }
    });
  });
});
