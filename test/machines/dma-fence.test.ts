import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { type DmaFenceContext, dmaFenceMachine, type WaitTimeout } from '../../machines/dma-fence.machine.ts';
import { EINVAL, EIO, ENOENT, ERESTARTSYS } from '../../machines/errno.ts';
import { leafNodes, MachineHarness } from '../../src/testing/index.ts';

const FENCE = 'fence:job1';
const ME = 'thread:t';

function fence(): MachineHarness {
  return new MachineHarness(dmaFenceMachine, { id: FENCE, context: 7, seqno: 3 });
}
const signal = () => ({ type: 'fence.signal', replyTo: ME });
const addCb = (cbId: string, replyTo = 'drv:gpu0') => ({ type: 'fence.addCallback', replyTo, cbId });
const removeCb = (cbId: string) => ({ type: 'fence.removeCallback', replyTo: ME, cbId });
const status = () => ({ type: 'fence.getStatus', replyTo: ME });
const setError = (error: number) => ({ type: 'fence.setError', error, replyTo: ME });
const wait = (tid: string, timeout: WaitTimeout, intr = false) => ({
  type: 'fence.wait',
  replyTo: tid,
  tid,
  intr,
  timeout,
});
const ctx = (h: MachineHarness) => h.context as unknown as DmaFenceContext;

/** The status a `fence.getStatus` reports now. */
function statusOf(h: MachineHarness): number {
  h.send(status());
  return (h.sentTo(ME)[0] as unknown as { status: number }).status;
}
/** The single reply `to` got in the last step. */
function replyTo(h: MachineHarness, to: string): Record<string, unknown> {
  const sent = h.sentTo(to);
  expect(sent).toHaveLength(1);
  return sent[0] as unknown as Record<string, unknown>;
}

describe('dmaFenceMachine', () => {
  describe('st-dma-fence expectations (docs/kernel-semantics.md §4.10)', () => {
    it('should start unsignalled with signalling not enabled, and enable on request', () => {
      const h = fence();
      expect(h.matches('unsignaled.lazy')).toBe(true);
      h.send({ type: 'fence.enableSignaling' });
      expect(h.matches('unsignaled.enabled')).toBe(true);
      expect(h.last.sends).toEqual([]);
    });

    it('should signal once with 0, then refuse a second signal with -EINVAL and no other effect', () => {
      const h = fence();
      h.send({ type: 'fence.enableSignaling' });
      h.send({ type: 'fence.signal', replyTo: ME, tid: 'thread:sig' });
      expect(h.matches('signaled')).toBe(true);
      expect(replyTo(h, ME)).toEqual({ type: 'fence.signalResult', fence: FENCE, result: 0, tid: 'thread:sig' });
      expect(h.last.observations).toEqual([
        { kind: 'fence.signaled', fence: FENCE, context: 7, seqno: 3, error: 0, tid: 'thread:sig' },
      ]);
      const before = JSON.stringify(h.context);
      h.send(signal());
      expect(replyTo(h, ME)).toEqual({ type: 'fence.signalResult', fence: FENCE, result: EINVAL });
      expect(h.last.observations).toEqual([]);
      expect(JSON.stringify(h.context)).toBe(before);
    });

    it('should signal a fence whose signalling was never enabled', () => {
      const h = fence();
      h.send({ type: 'fence.signal' });
      expect(h.matches('signaled')).toBe(true);
      expect(h.last.sends).toEqual([]);
    });

    it('should accept a callback before signal (enabling signalling) and run it, in order, at signal', () => {
      const h = fence();
      h.send(addCb('cb1'));
      expect(h.matches('unsignaled.enabled')).toBe(true);
      expect(replyTo(h, 'drv:gpu0')).toEqual({ type: 'fence.addCallbackResult', fence: FENCE, cbId: 'cb1', result: 0 });
      h.send(addCb('cb2', 'drv:gpu1'));
      h.send(addCb('cb3'));
      h.send(signal());
      expect(h.last.sends.filter((s) => s.event.type === 'fence.callback')).toEqual([
        { to: 'drv:gpu0', event: { type: 'fence.callback', fence: FENCE, cbId: 'cb1', status: 1 } },
        { to: 'drv:gpu1', event: { type: 'fence.callback', fence: FENCE, cbId: 'cb2', status: 1 } },
        { to: 'drv:gpu0', event: { type: 'fence.callback', fence: FENCE, cbId: 'cb3', status: 1 } },
      ]);
      expect(ctx(h).callbacks).toEqual([]);
    });

    it('should refuse a callback after signal with -ENOENT and never run it', () => {
      const h = fence();
      h.send(signal());
      h.send(addCb('late'));
      expect(replyTo(h, 'drv:gpu0')).toEqual({
        type: 'fence.addCallbackResult',
        fence: FENCE,
        cbId: 'late',
        result: ENOENT,
      });
      h.send(signal());
      expect(h.sent.filter((s) => s.event.type === 'fence.callback')).toEqual([]);
    });

    it('should remove a pending callback (true) so that it never runs', () => {
      const h = fence();
      h.send(addCb('cb1'));
      h.send(addCb('cb2'));
      h.send(removeCb('cb1'));
      expect(replyTo(h, ME)).toEqual({ type: 'fence.removeCallbackResult', fence: FENCE, cbId: 'cb1', removed: true });
      h.send(signal());
      expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'fence.callback', fence: FENCE, cbId: 'cb2', status: 1 }]);
    });

    it('should answer false when removing a callback after signal (it already ran)', () => {
      const h = fence();
      h.send(addCb('cb1'));
      h.send(signal());
      h.send(removeCb('cb1'));
      expect(replyTo(h, ME)).toEqual({ type: 'fence.removeCallbackResult', fence: FENCE, cbId: 'cb1', removed: false });
    });

    it('should answer false when removing a callback that was never added', () => {
      const h = fence();
      h.send(removeCb('nope'));
      expect(replyTo(h, ME)).toMatchObject({ removed: false });
    });

    it('should report status 0 before signal and 1 after', () => {
      const h = fence();
      expect(statusOf(h)).toBe(0);
      h.send(signal());
      expect(statusOf(h)).toBe(1);
    });

    it('should keep status 0 after set_error(-EIO) until signal, then report -EIO everywhere', () => {
      const h = fence();
      h.send(addCb('cb1'));
      h.send(setError(EIO));
      expect(replyTo(h, ME)).toEqual({ type: 'fence.setErrorResult', fence: FENCE, result: 0 });
      expect(statusOf(h)).toBe(0);
      h.send(signal());
      expect(h.sentTo('drv:gpu0')).toEqual([{ type: 'fence.callback', fence: FENCE, cbId: 'cb1', status: EIO }]);
      expect(h.last.observations).toContainEqual({
        kind: 'fence.signaled',
        fence: FENCE,
        context: 7,
        seqno: 3,
        error: EIO,
        tid: null,
      });
      expect(statusOf(h)).toBe(EIO);
    });
  });

  describe('set_error misuse', () => {
    it('should refuse set_error after signal with -EINVAL, observe the misuse and keep the status', () => {
      const h = fence();
      h.send(signal());
      h.send(setError(EIO));
      expect(replyTo(h, ME)).toEqual({ type: 'fence.setErrorResult', fence: FENCE, result: EINVAL });
      expect(h.last.observations).toEqual([
        { kind: 'fence.misuse', fence: FENCE, reason: 'set-error-after-signal', error: EIO },
      ]);
      expect(statusOf(h)).toBe(1);
    });

    it.each([0, 5, -4096, -1.5])('should refuse set_error(%d), which is not a negative errno', (error) => {
      const h = fence();
      h.send(setError(error));
      expect(replyTo(h, ME)).toMatchObject({ result: EINVAL });
      expect(h.last.observations[0]).toMatchObject({ kind: 'fence.misuse', reason: 'bad-errno' });
      expect(ctx(h).error).toBe(0);
    });

    it('should accept -4095, the largest errno, and send no reply when none was asked', () => {
      const h = fence();
      h.send({ type: 'fence.setError', error: -4095 });
      expect(h.last.sends).toEqual([]);
      expect(ctx(h).error).toBe(-4095);
    });
  });

  describe('callback misuse', () => {
    it('should refuse adding a callback id that is still pending', () => {
      const h = fence();
      h.send(addCb('cb1'));
      h.send(addCb('cb1'));
      expect(replyTo(h, 'drv:gpu0')).toMatchObject({ result: EINVAL });
      expect(ctx(h).callbacks).toEqual([{ replyTo: 'drv:gpu0', cbId: 'cb1' }]);
    });
  });

  describe('wait', () => {
    it.each([
      [5, 5],
      [0, 1],
      ['forever', 1],
    ] as const)('should return at once on a signalled fence (timeout %s → %d)', (timeout, result) => {
      const h = fence();
      h.send(signal());
      h.send(wait('thread:a', timeout));
      expect(replyTo(h, 'thread:a')).toEqual({ type: 'fence.waitResult', fence: FENCE, tid: 'thread:a', result });
      expect(h.last.observations).toEqual([]);
      expect(h.timers.size).toBe(0);
    });

    it('should return 0 at once for timeout 0 on an unsignalled fence, enabling signalling', () => {
      const h = fence();
      h.send(wait('thread:a', 0));
      expect(replyTo(h, 'thread:a')).toMatchObject({ tid: 'thread:a', result: 0 });
      expect(h.matches('unsignaled.enabled')).toBe(true);
      expect(ctx(h).waiters).toEqual([]);
      expect(h.timers.size).toBe(0);
    });

    it('should refuse a negative timeout with -EINVAL, signalled or not', () => {
      for (const signalled of [false, true]) {
        const h = fence();
        if (signalled) h.send(signal());
        h.send(wait('thread:a', -1));
        expect(replyTo(h, 'thread:a')).toMatchObject({ result: EINVAL });
        expect(h.last.observations[0]).toMatchObject({ kind: 'fence.misuse', reason: 'negative-timeout' });
        expect(ctx(h).waiters).toEqual([]);
      }
    });

    it('should queue a finite wait with a timer, then wake it at signal with the remaining time', () => {
      const h = fence();
      h.send(wait('thread:a', 100));
      expect(h.sentTo()).toEqual([]);
      expect(h.matches('unsignaled.enabled')).toBe(true);
      expect(h.last.observations).toEqual([{ kind: 'fence.waitBegin', fence: FENCE, tid: 'thread:a' }]);
      expect([...h.timers]).toEqual([['fence.timeout:thread:a', { type: 'fence.timeout', tid: 'thread:a' }]]);
      h.send(signal());
      expect(h.sentTo('thread:a')).toEqual([{ type: 'fence.waitResult', fence: FENCE, tid: 'thread:a', result: 100 }]);
      expect(h.last.observations).toContainEqual({ kind: 'fence.waitEnd', fence: FENCE, tid: 'thread:a', result: 100 });
      expect(h.last.timersCancelled).toEqual(['fence.timeout:thread:a']);
      expect(h.timers.size).toBe(0);
    });

    it('should wake a forever wait at signal with 1 and never set a timer for it', () => {
      const h = fence();
      h.send(wait('thread:a', 'forever', true));
      expect(h.timers.size).toBe(0);
      h.send(signal());
      expect(h.sentTo('thread:a')).toEqual([{ type: 'fence.waitResult', fence: FENCE, tid: 'thread:a', result: 1 }]);
      expect(h.last.timersCancelled).toEqual([]);
    });

    it('should time a wait out with 0 when its timer fires, and not wake it again at signal', () => {
      const h = fence();
      h.send(wait('thread:a', 30));
      h.send(wait('thread:b', 'forever'));
      h.fire('fence.timeout:thread:a');
      expect(h.sentTo('thread:a')).toEqual([{ type: 'fence.waitResult', fence: FENCE, tid: 'thread:a', result: 0 }]);
      expect(h.last.observations).toEqual([{ kind: 'fence.waitEnd', fence: FENCE, tid: 'thread:a', result: 0 }]);
      expect(ctx(h).waiters.map((w) => w.tid)).toEqual(['thread:b']);
      h.send(signal());
      expect(h.sentTo('thread:a')).toEqual([]);
      expect(h.sentTo('thread:b')).toEqual([{ type: 'fence.waitResult', fence: FENCE, tid: 'thread:b', result: 1 }]);
    });

    it('should end an interruptible wait with -ERESTARTSYS and cancel its timer', () => {
      const h = fence();
      h.send(wait('thread:a', 50, true));
      h.send({ type: 'fence.interrupt', tid: 'thread:a' });
      expect(h.sentTo('thread:a')).toEqual([
        { type: 'fence.waitResult', fence: FENCE, tid: 'thread:a', result: ERESTARTSYS },
      ]);
      expect(h.last.observations).toEqual([
        { kind: 'fence.waitEnd', fence: FENCE, tid: 'thread:a', result: ERESTARTSYS },
      ]);
      expect(h.last.timersCancelled).toEqual(['fence.timeout:thread:a']);
      expect(h.timers.size).toBe(0);
      expect(ctx(h).waiters).toEqual([]);
    });

    it('should not interrupt an uninterruptible wait', () => {
      const h = fence();
      h.send(wait('thread:a', 'forever', false));
      h.send({ type: 'fence.interrupt', tid: 'thread:a' });
      expect(h.last.sends).toEqual([]);
      expect(ctx(h).waiters.map((w) => w.tid)).toEqual(['thread:a']);
    });

    it('should refuse a second wait by a tid that is already waiting', () => {
      const h = fence();
      h.send(wait('thread:a', 'forever'));
      h.send(wait('thread:a', 10));
      expect(replyTo(h, 'thread:a')).toMatchObject({ result: EINVAL });
      expect(h.timers.size).toBe(0);
      expect(ctx(h).waiters).toHaveLength(1);
    });

    it('should wake every waiter at signal and tell callbacks first', () => {
      const h = fence();
      h.send(wait('thread:a', 'forever'));
      h.send(addCb('cb1'));
      h.send(wait('thread:b', 9));
      h.send(signal());
      expect(h.last.sends.map((s) => `${s.to} ${s.event.type}`)).toEqual([
        'drv:gpu0 fence.callback',
        'thread:a fence.waitResult',
        'thread:b fence.waitResult',
        'thread:t fence.signalResult',
      ]);
    });
  });

  describe('signals (machines/signals.ts)', () => {
    const pending = (tid: string, fatal = false) => ({ type: 'signal.pending', tid, fatal });
    const handled = (tid: string) => ({ type: 'signal.handled', replyTo: tid, tid });

    it('should end a queued interruptible wait with -ERESTARTSYS when its thread gets a signal', () => {
      const h = fence();
      h.send(wait('thread:a', 50, true));
      h.send(pending('thread:a'));
      expect(replyTo(h, 'thread:a')).toMatchObject({ type: 'fence.waitResult', tid: 'thread:a', result: ERESTARTSYS });
      expect(h.last.timersCancelled).toEqual(['fence.timeout:thread:a']);
      expect(ctx(h).waiters).toEqual([]);
      expect(ctx(h).signals).toEqual([{ tid: 'thread:a', fatal: false }]);
    });

    it('should fail at once every later interruptible wait of a tid whose signal is still pending', () => {
      const h = fence();
      h.send(pending('thread:a'));
      for (let i = 0; i < 2; i++) {
        h.send(wait('thread:a', 'forever', true));
        expect(replyTo(h, 'thread:a')).toMatchObject({ result: ERESTARTSYS });
        expect(ctx(h).waiters).toEqual([]);
      }
      // Checked before timeout 0, as in the kernel's default wait.
      h.send(wait('thread:a', 0, true));
      expect(replyTo(h, 'thread:a')).toMatchObject({ result: ERESTARTSYS });
      expect(h.matches('unsignaled.enabled')).toBe(true);
    });

    it('should leave uninterruptible waits and other tids alone, fatal or not', () => {
      const h = fence();
      h.send(wait('thread:a', 'forever', false));
      h.send(wait('thread:b', 'forever', true));
      h.send(pending('thread:a', true));
      expect(h.last.sends).toEqual([]);
      h.send(pending('thread:c', true));
      h.send(wait('thread:c', 'forever', false));
      expect(h.sentTo('thread:c')).toEqual([]);
      expect(ctx(h).waiters.map((w) => w.tid)).toEqual(['thread:a', 'thread:b', 'thread:c']);
      h.send({ type: 'fence.timeout', tid: 'thread:c' });
      expect(ctx(h).waiters.map((w) => w.tid)).toEqual(['thread:a', 'thread:b']);
      h.send(signal());
      expect(h.sentTo('thread:b')).toEqual([{ type: 'fence.waitResult', fence: FENCE, tid: 'thread:b', result: 1 }]);
    });

    it('should let a wait sleep again once the signal was handled, and answer signal.cleared', () => {
      const h = fence();
      h.send(pending('thread:a'));
      h.send(pending('thread:a', true));
      expect(ctx(h).signals).toEqual([{ tid: 'thread:a', fatal: true }]);
      h.send(handled('thread:a'));
      expect(replyTo(h, 'thread:a')).toEqual({ type: 'signal.cleared', actor: FENCE, tid: 'thread:a' });
      expect(ctx(h).signals).toEqual([]);
      h.send(wait('thread:a', 'forever', true));
      expect(h.last.sends).toEqual([]);
      expect(ctx(h).waiters.map((w) => w.tid)).toEqual(['thread:a']);
    });

    it('should answer a wait on a signalled fence with success even with a signal pending', () => {
      const h = fence();
      h.send(pending('thread:a'));
      h.send(signal());
      expect(ctx(h).signals).toEqual([]);
      h.send(pending('thread:a'));
      h.send(wait('thread:a', 'forever', true));
      expect(replyTo(h, 'thread:a')).toMatchObject({ result: 1 });
      h.send(handled('thread:a'));
      expect(replyTo(h, 'thread:a')).toMatchObject({ type: 'signal.cleared' });
    });

    it('should take a stray fence.interrupt on an idle unsignalled fence as a no-op, not an unhandled event', () => {
      const h = fence();
      const before = JSON.stringify(h.snapshot.value) + JSON.stringify(h.context);
      // The runtime counts an event as handled only if XState would take a transition for it.
      expect(h.snapshot.can({ type: 'fence.interrupt', tid: 'thread:a' } as never)).toBe(true);
      const r = h.send({ type: 'fence.interrupt', tid: 'thread:a' });
      expect(r.sends).toEqual([]);
      expect(JSON.stringify(h.snapshot.value) + JSON.stringify(h.context)).toBe(before);
      h.send(wait('thread:a', 'forever', false));
      h.send({ type: 'fence.interrupt', tid: 'thread:a' });
      expect(h.last.sends).toEqual([]);
    });
  });

  describe('event policy', () => {
    const PROTOCOL_EVENTS = [
      'fence.enableSignaling',
      'fence.addCallback',
      'fence.removeCallback',
      'fence.setError',
      'fence.signal',
      'fence.wait',
      'fence.interrupt',
      'fence.getStatus',
      'fence.timeout',
      'signal.pending',
      'signal.handled',
    ];

    it('should handle, defer or ignore (with a reason) every protocol event in every state', () => {
      const leaves = leafNodes(dmaFenceMachine);
      expect(leaves.map((n) => n.path)).toEqual(['unsignaled.lazy', 'unsignaled.enabled', 'signaled']);
      for (const leaf of leaves) {
        for (const type of PROTOCOL_EVENTS) expect(`${leaf.path}: ${type} ${leaf.covers(type)}`).toMatch(/ true$/);
      }
    });

    it('should consume late interrupts and timers on a signalled fence without effect', () => {
      const h = fence();
      h.send(signal());
      const before = JSON.stringify(h.context);
      for (const e of [
        { type: 'fence.interrupt', tid: 'thread:a' },
        { type: 'fence.timeout', tid: 'thread:a' },
      ]) {
        h.send(e);
        expect(h.last.sends).toEqual([]);
        expect(JSON.stringify(h.context)).toBe(before);
      }
    });
  });

  describe('model-based coverage', () => {
    it('should reach lazy, enabled and signaled, and the pure step should agree with each path', () => {
      const events = [
        { type: 'fence.enableSignaling' },
        addCb('cb1'),
        removeCb('cb1'),
        setError(EIO),
        signal(),
        wait('thread:a', 'forever', true),
        wait('thread:b', 0),
        { type: 'fence.interrupt', tid: 'thread:a' },
        status(),
      ] as EventObject[];
      const paths = getShortestPaths(dmaFenceMachine, {
        input: { id: FENCE, context: 7, seqno: 3 },
        events: events as never,
      });
      const expected = ['signaled', 'unsignaled.enabled', 'unsignaled.lazy'];
      const reached = new Set<string>();
      for (const path of paths) {
        for (const leaf of expected) if (path.state.matches(leaf as never)) reached.add(leaf);
        const h = fence();
        for (const step of path.steps.slice(1)) h.send(step.event); // steps[0] is xstate.init
        expect(h.snapshot.value).toEqual(path.state.value);
        expect(h.context).toEqual(path.state.context);
      }
      expect([...reached].sort()).toEqual(expected);
      expect(paths.length).toBeGreaterThan(8);
    });
  });
});
