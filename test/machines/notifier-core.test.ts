import { describe, expect, it } from 'vitest';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import { EAGAIN, EINVAL, EOVERFLOW } from '../../machines/errno.ts';
import { intervalIds } from '../../machines/interval-tree.ts';
import { MAX_ADDR, type NotifierCoreContext, notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import { MachineHarness } from '../../src/testing/index.ts';

const PAGE = 4096;
const T = 'thread:t1';

function newCore(): MachineHarness {
  return new MachineHarness(notifierCoreMachine, { id: 'core:p', mm: 'mm:p' });
}
function ctx(h: MachineHarness): NotifierCoreContext {
  return h.context as unknown as NotifierCoreContext;
}
function insert(h: MachineHarness, sub: string, start: number, length: number) {
  return h.send({ type: 'core.insert', replyTo: T, tid: T, sub, start, length });
}
function start(h: MachineHarness, tid: string, start: number, end: number, blockable = true) {
  return h.send({
    type: 'core.invalidateStart',
    replyTo: tid,
    tid,
    start,
    end,
    event: 'UNMAP',
    owner: null,
    blockable,
  });
}
function returned(h: MachineHarness, sub: string, ok = true) {
  return h.send({ type: 'sub.callbackReturned', sub, ok });
}
function end(h: MachineHarness, tid: string) {
  return h.send({ type: 'core.invalidateEnd', replyTo: tid, tid });
}
function remove(h: MachineHarness, sub: string, tid = T) {
  return h.send({ type: 'core.remove', replyTo: tid, tid, sub });
}
/** Types of the events sent to `to` in the last step. */
function typesTo(h: MachineHarness, to: string): string[] {
  return h.sentTo(to).map((e) => e.type);
}
/** A core with sub:a at page 1 and sub:b at pages 3–4, both inserted while idle. */
function coreWithTwoSubs(): MachineHarness {
  const h = newCore();
  insert(h, 'sub:a', PAGE, PAGE);
  insert(h, 'sub:b', 3 * PAGE, 2 * PAGE);
  return h;
}

describe('notifierCoreMachine', () => {
  describe('sequence scheme (§1.2)', () => {
    it('should start idle with seq 2 and no active range', () => {
      const h = newCore();
      expect(h.matches('idle')).toBe(true);
      expect(ctx(h).seq).toBe(2);
      expect(ctx(h).active).toBe(0);
    });

    it('should make seq odd only when a start intersects a subscription', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 10 * PAGE, 11 * PAGE);
      expect(ctx(h).seq).toBe(2);
      start(h, 'thread:t3', 0, PAGE + 1);
      expect(ctx(h).seq).toBe(3);
      expect(ctx(h).active).toBe(2);
      expect(h.matches('fullyExcluded')).toBe(true);
    });

    it('should never change seq for invalidations that intersect nothing', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 2 * PAGE, 3 * PAGE);
      expect(h.sentTo('thread:t2')).toEqual([{ type: 'core.startDone', tid: 'thread:t2', result: 0 }]);
      expect(h.matches('partiallyExcluded')).toBe(true);
      end(h, 'thread:t2');
      expect(h.sentTo('thread:t2')).toEqual([{ type: 'core.endDone', tid: 'thread:t2' }]);
      expect(h.matches('idle')).toBe(true);
      expect(ctx(h).seq).toBe(2);
      expect(h.observed.filter((o) => o.kind.startsWith('notifier.epoch'))).toEqual([]);
    });

    it('should share one odd seq among overlapping invalidations and turn even only at the last end', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 2 * PAGE);
      expect(h.sentTo('sub:a')).toMatchObject([{ type: 'sub.invalidate', curSeq: 3 }]);
      returned(h, 'sub:a');
      start(h, 'thread:t3', 3 * PAGE, 4 * PAGE);
      expect(h.sentTo('sub:b')).toMatchObject([{ type: 'sub.invalidate', curSeq: 3 }]);
      returned(h, 'sub:b');
      end(h, 'thread:t2');
      expect(ctx(h).seq).toBe(3);
      expect(h.sentTo('sub:a')).toEqual([]);
      end(h, 'thread:t3');
      expect(ctx(h).seq).toBe(4);
      expect(h.matches('idle')).toBe(true);
      expect(h.sentTo('sub:a')).toEqual([{ type: 'sub.epochEnded', seq: 4 }]);
      expect(h.sentTo('sub:b')).toEqual([{ type: 'sub.epochEnded', seq: 4 }]);
    });

    it('should observe epochBegin, epochEnd and every seq or active change', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 2 * PAGE);
      returned(h, 'sub:a');
      end(h, 'thread:t2');
      expect(h.observed.map((o) => ({ ...o }))).toEqual([
        { kind: 'notifier.epochBegin', mm: 'mm:p', seq: 3 },
        { kind: 'notifier.seq', mm: 'mm:p', seq: 3, active: 1 },
        { kind: 'notifier.epochEnd', mm: 'mm:p', seq: 4 },
        { kind: 'notifier.seq', mm: 'mm:p', seq: 4, active: 0 },
      ]);
    });
  });

  describe('callbacks (§1.3 invalidate_range_start)', () => {
    it('should call intersecting subscriptions one at a time in tree order', () => {
      const h = newCore();
      insert(h, 'sub:z', 0, 16 * PAGE);
      insert(h, 'sub:b', 2 * PAGE, PAGE);
      insert(h, 'sub:a', 2 * PAGE, PAGE);
      insert(h, 'sub:far', 100 * PAGE, PAGE);
      start(h, 'thread:t2', PAGE, 8 * PAGE);
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const calls = h.last.sends.filter((s) => s.event.type === 'sub.invalidate');
        expect(calls).toHaveLength(1);
        expect(h.sentTo('thread:t2')).toEqual([]);
        order.push(calls[0].to);
        expect(h.matches({ fullyExcluded: 'delivering' } as never)).toBe(true);
        returned(h, calls[0].to);
      }
      expect(order).toEqual(['sub:z', 'sub:a', 'sub:b']);
      expect(h.sentTo('thread:t2')).toEqual([{ type: 'core.startDone', tid: 'thread:t2', result: 0 }]);
      expect(h.matches({ fullyExcluded: 'settled' } as never)).toBe(true);
    });

    it('should pass the invalidated range, cur_seq and the event fields to each callback', () => {
      const h = coreWithTwoSubs();
      h.send({
        type: 'core.invalidateStart',
        replyTo: 'thread:t2',
        tid: 'thread:t2',
        start: 0,
        end: 8 * PAGE,
        event: 'MIGRATE',
        owner: 'drv:gpu0',
        blockable: true,
      });
      expect(h.sentTo('sub:a')).toEqual([
        {
          type: 'sub.invalidate',
          start: 0,
          end: 8 * PAGE,
          curSeq: 3,
          event: 'MIGRATE',
          owner: 'drv:gpu0',
          blockable: true,
          tid: 'thread:t2',
        },
      ]);
    });

    it('should let a start that arrives during callbacks call its own at once, in parallel', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 2 * PAGE);
      start(h, 'thread:t3', 0, 8 * PAGE);
      expect(ctx(h).active).toBe(2);
      // t3's walk calls sub:a while t2's call of sub:a is still running (mn_itree_invalidate
      // runs in each invalidating thread).
      expect(h.sentTo('sub:a')).toEqual([expect.objectContaining({ type: 'sub.invalidate', tid: 'thread:t3' })]);
      expect(ctx(h).starting.map((s) => [s.tid, s.calling])).toEqual([
        ['thread:t2', 'sub:a'],
        ['thread:t3', 'sub:a'],
      ]);
      h.send({ type: 'sub.callbackReturned', sub: 'sub:a', ok: true, tid: 'thread:t3' });
      expect(h.last.sends).toEqual([
        { to: 'sub:b', event: expect.objectContaining({ type: 'sub.invalidate', tid: 'thread:t3' }) },
      ]);
      h.send({ type: 'sub.callbackReturned', sub: 'sub:a', ok: true, tid: 'thread:t2' });
      expect(h.last.sends).toEqual([
        { to: 'thread:t2', event: { type: 'core.startDone', tid: 'thread:t2', result: 0 } },
      ]);
      h.send({ type: 'sub.callbackReturned', sub: 'sub:b', ok: true, tid: 'thread:t3' });
      expect(h.sentTo('thread:t3')).toEqual([{ type: 'core.startDone', tid: 'thread:t3', result: 0 }]);
      expect(ctx(h)).toMatchObject({ seq: 3, active: 2, starting: [], errors: [] });
    });

    it("should end only the refusing thread's range with -EAGAIN when a non-blockable callback runs beside a blockable one", () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 2 * PAGE);
      start(h, 'thread:oom', 0, 2 * PAGE, false);
      h.send({ type: 'sub.callbackReturned', sub: 'sub:a', ok: false, tid: 'thread:oom' });
      expect(h.sentTo('thread:oom')).toEqual([{ type: 'core.startDone', tid: 'thread:oom', result: EAGAIN }]);
      expect(ctx(h)).toMatchObject({ seq: 3, active: 1, errors: [] });
      expect(ctx(h).starting.map((s) => [s.tid, s.calling])).toEqual([['thread:t2', 'sub:a']]);
      h.send({ type: 'sub.callbackReturned', sub: 'sub:a', ok: true, tid: 'thread:t2' });
      end(h, 'thread:t2');
      expect(ctx(h)).toMatchObject({ seq: 4, active: 0 });
    });

    it('should answer -EAGAIN, skip the rest and end the epoch when a non-blockable callback refuses', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:oom', 0, 8 * PAGE, false);
      returned(h, 'sub:a', false);
      expect(h.sentTo('sub:b')).toEqual([]);
      expect(h.sentTo('sub:a')).toEqual([{ type: 'sub.epochEnded', seq: 4 }]);
      expect(h.sentTo('thread:oom')).toEqual([{ type: 'core.startDone', tid: 'thread:oom', result: EAGAIN }]);
      expect(ctx(h)).toMatchObject({ seq: 4, active: 0, started: [], starting: [], errors: [] });
      expect(h.matches('idle')).toBe(true);
    });

    it('should keep the epoch open after -EAGAIN while another range is active', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 3 * PAGE, 4 * PAGE);
      returned(h, 'sub:b');
      start(h, 'thread:oom', 0, 8 * PAGE, false);
      returned(h, 'sub:a', false);
      expect(h.sentTo('thread:oom')).toEqual([{ type: 'core.startDone', tid: 'thread:oom', result: EAGAIN }]);
      expect(ctx(h)).toMatchObject({ seq: 3, active: 1 });
      end(h, 'thread:t2');
      expect(ctx(h)).toMatchObject({ seq: 4, active: 0 });
    });

    it('should report an invalidateEnd after -EAGAIN as an end without start', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:oom', 0, 8 * PAGE, false);
      returned(h, 'sub:a', false);
      end(h, 'thread:oom');
      expect(ctx(h).errors).toEqual([{ kind: 'notifier.endWithoutStart', tid: 'thread:oom', sub: null }]);
      expect(ctx(h).active).toBe(0);
    });

    it('should report a false return on a blockable range and carry on as if true', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 8 * PAGE);
      returned(h, 'sub:a', false);
      expect(ctx(h).errors).toEqual([{ kind: 'notifier.falseOnBlockable', tid: 'thread:t2', sub: 'sub:a' }]);
      expect(h.last.observations).toContainEqual(
        expect.objectContaining({ kind: 'notifier.falseOnBlockable', tid: 'thread:t2', sub: 'sub:a' }),
      );
      expect(typesTo(h, 'sub:b')).toEqual(['sub.invalidate']);
      returned(h, 'sub:b');
      expect(h.sentTo('thread:t2')).toEqual([{ type: 'core.startDone', tid: 'thread:t2', result: 0 }]);
    });

    it('should report a callback return from a subscription it did not call', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 8 * PAGE);
      returned(h, 'sub:b');
      expect(ctx(h).errors).toEqual([{ kind: 'notifier.strayCallbackReturn', tid: null, sub: 'sub:b' }]);
      expect(ctx(h).starting.map((s) => s.calling)).toEqual(['sub:a']);
    });

    it('should report an invalidateEnd with no start', () => {
      const h = newCore();
      end(h, 'thread:t9');
      expect(h.sentTo('thread:t9')).toEqual([{ type: 'core.endDone', tid: 'thread:t9' }]);
      expect(ctx(h)).toMatchObject({ active: 0, errors: [{ kind: 'notifier.endWithoutStart', tid: 'thread:t9' }] });
    });
  });

  describe('insert (§1.3)', () => {
    it('should insert into the tree at once with sub seq = global − 1 when idle', () => {
      const h = newCore();
      insert(h, 'sub:a', PAGE, PAGE);
      expect(h.sentTo('sub:a')).toEqual([{ type: 'sub.attach', seq: 1, globalSeq: 2 }]);
      expect(h.sentTo(T)).toEqual([{ type: 'core.insertResult', tid: T, sub: 'sub:a', result: 0 }]);
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:a']);
      expect(ctx(h).seq).toBe(2);
    });

    it('should force seq odd and insert at once when partially excluded', () => {
      const h = newCore();
      start(h, 'thread:t2', 0, PAGE);
      expect(h.matches('partiallyExcluded')).toBe(true);
      insert(h, 'sub:a', 8 * PAGE, PAGE);
      expect(ctx(h).seq).toBe(3);
      expect(h.matches('fullyExcluded')).toBe(true);
      expect(h.sentTo('sub:a')).toEqual([{ type: 'sub.attach', seq: 3, globalSeq: 3 }]);
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:a']);
      end(h, 'thread:t2');
      expect(ctx(h).seq).toBe(4);
      expect(h.sentTo('sub:a')).toEqual([{ type: 'sub.epochEnded', seq: 4 }]);
    });

    it('should defer an insert while fully excluded and apply it exactly once at the final end', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 2 * PAGE);
      returned(h, 'sub:a');
      start(h, 'thread:t3', 0, 2 * PAGE);
      returned(h, 'sub:a');
      insert(h, 'sub:c', 0, 64 * PAGE);
      expect(h.sentTo('sub:c')).toEqual([{ type: 'sub.attach', seq: 3, globalSeq: 3 }]);
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:a', 'sub:b']);
      start(h, 'thread:t4', 0, 64 * PAGE);
      expect(typesTo(h, 'sub:c')).toEqual([]);
      returned(h, 'sub:a');
      returned(h, 'sub:b');
      end(h, 'thread:t2');
      end(h, 'thread:t3');
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:a', 'sub:b']);
      end(h, 'thread:t4');
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:c', 'sub:a', 'sub:b']);
      expect(ctx(h).deferred).toEqual([]);
      expect(h.sentTo('sub:c')).toEqual([{ type: 'sub.epochEnded', seq: 4 }]);
      start(h, 'thread:t5', 0, PAGE);
      expect(h.sentTo('sub:c')).toMatchObject([{ type: 'sub.invalidate', curSeq: 5 }]);
    });

    it('should refuse a zero length or an overflowing range with -EOVERFLOW', () => {
      const h = newCore();
      insert(h, 'sub:a', PAGE, 0);
      expect(h.sentTo(T)).toEqual([{ type: 'core.insertResult', tid: T, sub: 'sub:a', result: EOVERFLOW }]);
      insert(h, 'sub:a', MAX_ADDR, 2);
      expect(h.sentTo(T)).toEqual([{ type: 'core.insertResult', tid: T, sub: 'sub:a', result: EOVERFLOW }]);
      expect(h.sentTo('sub:a')).toEqual([]);
      insert(h, 'sub:a', MAX_ADDR, 1);
      expect(h.sentTo(T)).toEqual([{ type: 'core.insertResult', tid: T, sub: 'sub:a', result: 0 }]);
    });

    it('should refuse and report a second insert of the same subscription', () => {
      const h = coreWithTwoSubs();
      insert(h, 'sub:a', 50 * PAGE, PAGE);
      expect(h.sentTo(T)).toEqual([{ type: 'core.insertResult', tid: T, sub: 'sub:a', result: EINVAL }]);
      expect(ctx(h).errors).toEqual([{ kind: 'notifier.insertDuplicate', tid: T, sub: 'sub:a' }]);
    });
  });

  describe('remove (§1.3)', () => {
    it('should remove at once when seq is even', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 20 * PAGE, 21 * PAGE);
      remove(h, 'sub:a');
      expect(h.sentTo(T)).toEqual([{ type: 'core.removeResult', tid: T, sub: 'sub:a' }]);
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:b']);
    });

    it('should make a remove during an epoch wait for the epoch to end', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 8 * PAGE);
      remove(h, 'sub:a', 'thread:t3');
      expect(h.sentTo('thread:t3')).toEqual([]);
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:a', 'sub:b']);
      returned(h, 'sub:a');
      returned(h, 'sub:b');
      end(h, 'thread:t2');
      expect(h.sentTo('thread:t3')).toEqual([{ type: 'core.removeResult', tid: 'thread:t3', sub: 'sub:a' }]);
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:b']);
    });

    it('should call no callback of a subscription after its remove returned', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 8 * PAGE);
      remove(h, 'sub:a', 'thread:t3');
      returned(h, 'sub:a');
      returned(h, 'sub:b');
      end(h, 'thread:t2');
      const before = h.sent.length;
      start(h, 'thread:t4', 0, 8 * PAGE);
      returned(h, 'sub:b');
      end(h, 'thread:t4');
      expect(h.sent.slice(before).filter((s) => s.to === 'sub:a')).toEqual([]);
    });

    it('should return at once when removing a subscription whose insert is still deferred', () => {
      const h = coreWithTwoSubs();
      start(h, 'thread:t2', 0, 2 * PAGE);
      insert(h, 'sub:c', 10 * PAGE, PAGE);
      remove(h, 'sub:c', 'thread:t3');
      expect(h.sentTo('thread:t3')).toEqual([{ type: 'core.removeResult', tid: 'thread:t3', sub: 'sub:c' }]);
      expect(ctx(h).deferred).toEqual([]);
      returned(h, 'sub:a');
      end(h, 'thread:t2');
      expect(intervalIds(ctx(h).tree)).toEqual(['sub:a', 'sub:b']);
    });

    it('should report the remove of an unknown subscription and still answer', () => {
      const h = coreWithTwoSubs();
      remove(h, 'sub:nope');
      expect(h.sentTo(T)).toEqual([{ type: 'core.removeResult', tid: T, sub: 'sub:nope' }]);
      expect(ctx(h).errors).toEqual([{ kind: 'notifier.removeUnknown', tid: T, sub: 'sub:nope' }]);
    });
  });

  it('should keep its context JSON-serialisable and canonical', () => {
    const h1 = coreWithTwoSubs();
    const h2 = newCore();
    insert(h2, 'sub:b', 3 * PAGE, 2 * PAGE);
    insert(h2, 'sub:a', PAGE, PAGE);
    expect(JSON.stringify(h1.context)).toBe(JSON.stringify(h2.context));
    expect(JSON.parse(JSON.stringify(h1.context))).toEqual(h1.context);
  });
  it('should reach every state node (model-based coverage with xstate/graph)', () => {
    const startEv = (tid: string, from: number) => ({
      type: 'core.invalidateStart' as const,
      replyTo: tid,
      tid,
      start: from,
      end: from + PAGE,
      event: 'UNMAP',
      owner: null,
      blockable: true,
    });
    const events = [
      { type: 'core.insert' as const, replyTo: T, tid: T, sub: 'sub:a', start: PAGE, length: PAGE },
      { type: 'core.remove' as const, replyTo: T, tid: T, sub: 'sub:a' },
      startEv('thread:t2', PAGE),
      startEv('thread:t3', 9 * PAGE),
      { type: 'sub.callbackReturned' as const, sub: 'sub:a', ok: true },
      { type: 'core.invalidateEnd' as const, replyTo: 'thread:t2', tid: 'thread:t2' },
      { type: 'core.invalidateEnd' as const, replyTo: 'thread:t3', tid: 'thread:t3' },
    ];
    // Abstract away the growing history (errors) and cap `active`, so the graph is finite.
    const serializeState = (s: { value: unknown; context: NotifierCoreContext }) => {
      const c = s.context;
      return JSON.stringify([
        s.value,
        c.seq % 4,
        Math.min(c.active, 3),
        c.starting.some((s) => s.calling),
        c.tree.nodes,
        c.deferred,
      ]);
    };
    const paths = getShortestPaths(notifierCoreMachine, {
      input: { id: 'core:p', mm: 'mm:p' },
      events,
      serializeState: serializeState as never,
      limit: 5000,
    });
    const reached = new Set<string>();
    for (const p of paths) for (const n of p.state._nodes) reached.add(n.id);
    const all = getStateNodes(notifierCoreMachine).map((n) => n.id);
    expect(all).toHaveLength(5);
    for (const id of all) expect(reached, id).toContain(id);
  });
});
