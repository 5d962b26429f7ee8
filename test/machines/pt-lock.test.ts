import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { EINTR } from '../../machines/errno.ts';
import { type LockKind, type LockMode, type PtLockContext, ptLockMachine } from '../../machines/pt-lock.machine.ts';
import { leafNodes, MachineHarness } from '../../src/testing/index.ts';

const LOCK = 'lock:pt';

function lock(kind: LockKind): MachineHarness {
  return new MachineHarness(ptLockMachine, { id: LOCK, kind });
}
const acquire = (t: string, mode: LockMode = 'write') => ({ type: 'lock.acquire', replyTo: t, tid: t, mode });
const tryAcquire = (t: string, mode: LockMode = 'write') => ({ type: 'lock.tryAcquire', replyTo: t, tid: t, mode });
const release = (t: string) => ({ type: 'lock.release', tid: t });
const granted = (tid: string, mode: LockMode = 'write') => ({ type: 'lock.granted', lock: LOCK, tid, mode });
const ctx = (h: MachineHarness) => h.context as unknown as PtLockContext;
const holderTids = (h: MachineHarness) => ctx(h).holders.map((x) => x.tid);
const waiterTids = (h: MachineHarness) => ctx(h).waiters.map((x) => x.tid);
const kinds = (h: MachineHarness) => h.last.observations.map((o) => o.kind);

describe('ptLockMachine', () => {
  describe('exclusive locks (mutex, spinlock)', () => {
    it.each(['mutex', 'spinlock'] as const)('should grant a free %s at once and observe the acquisition', (kind) => {
      const h = lock(kind);
      expect(h.matches('free')).toBe(true);
      h.send(acquire('thread:a'));
      expect(h.matches('held.exclusive')).toBe(true);
      expect(h.sentTo('thread:a')).toEqual([granted('thread:a')]);
      expect(h.last.observations).toEqual([
        { kind: 'lock.acquired', lock: LOCK, lockKind: kind, tid: 'thread:a', mode: 'write' },
      ]);
    });

    it('should queue an acquire on a held lock, send nothing and observe the wait', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(acquire('thread:b'));
      expect(h.sentTo()).toEqual([]);
      expect(h.last.observations).toEqual([
        { kind: 'lock.wait', lock: LOCK, lockKind: 'mutex', tid: 'thread:b', mode: 'write' },
      ]);
      expect(waiterTids(h)).toEqual(['thread:b']);
      expect(holderTids(h)).toEqual(['thread:a']);
    });

    it('should grant waiters in FIFO order, one per release, and become free after the last', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(acquire('thread:c'));
      h.send(acquire('thread:b'));
      h.send(acquire('thread:d'));
      const order: string[] = [];
      for (const holder of ['thread:a', 'thread:c', 'thread:b', 'thread:d']) {
        h.send(release(holder));
        expect(kinds(h)[0]).toBe('lock.released');
        order.push(...h.sentTo().map((e) => (e as unknown as { tid: string }).tid));
      }
      expect(order).toEqual(['thread:c', 'thread:b', 'thread:d']);
      expect(h.matches('free')).toBe(true);
      expect(ctx(h).waiters).toEqual([]);
      expect(ctx(h).holders).toEqual([]);
    });

    it('should send the grant to the waiter that queued, at release time', () => {
      const h = lock('spinlock');
      h.send(acquire('thread:a'));
      h.send({ type: 'lock.acquire', replyTo: 'drv:gpu0', tid: 'drv:gpu0/cb', mode: 'write' });
      h.send(release('thread:a'));
      expect(h.last.sends).toEqual([{ to: 'drv:gpu0', event: granted('drv:gpu0/cb') }]);
      expect(h.last.observations).toEqual([
        { kind: 'lock.released', lock: LOCK, lockKind: 'spinlock', tid: 'thread:a' },
        { kind: 'lock.acquired', lock: LOCK, lockKind: 'spinlock', tid: 'drv:gpu0/cb', mode: 'write' },
      ]);
    });

    it('should grant a trylock on a free lock', () => {
      const h = lock('mutex');
      h.send(tryAcquire('thread:a'));
      expect(h.matches('held.exclusive')).toBe(true);
      expect(h.sentTo('thread:a')).toEqual([granted('thread:a')]);
    });

    it('should answer a trylock on a held lock with lock.busy and never queue it', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(tryAcquire('thread:b'));
      expect(h.sentTo('thread:b')).toEqual([{ type: 'lock.busy', lock: LOCK, tid: 'thread:b' }]);
      expect(h.last.observations).toEqual([
        { kind: 'lock.tryFailed', lock: LOCK, lockKind: 'mutex', tid: 'thread:b', mode: 'write' },
      ]);
      expect(ctx(h).waiters).toEqual([]);
      h.send(release('thread:a'));
      expect(h.matches('free')).toBe(true);
    });

    it('should fail a trylock by the holder itself without calling it a misuse', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(tryAcquire('thread:a'));
      expect(h.sentTo('thread:a')).toEqual([{ type: 'lock.busy', lock: LOCK, tid: 'thread:a' }]);
      expect(ctx(h).errors).toEqual([]);
    });

    it('should serve read mode on a mutex as write and record the misuse', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a', 'read'));
      expect(h.matches('held.exclusive')).toBe(true);
      expect(h.sentTo('thread:a')).toEqual([granted('thread:a', 'write')]);
      expect(ctx(h).errors).toEqual(['read-on-exclusive-lock: thread:a']);
      expect(h.observed).toContainEqual({
        kind: 'lock.misuse',
        lock: LOCK,
        lockKind: 'mutex',
        tid: 'thread:a',
        reason: 'read-on-exclusive-lock',
      });
      h.send(acquire('thread:b', 'read'));
      expect(ctx(h).waiters).toEqual([{ replyTo: 'thread:b', tid: 'thread:b', mode: 'write' }]);
      expect(ctx(h).errors).toHaveLength(2);
    });
  });

  describe('rwsem', () => {
    it('should let readers share the lock', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:a', 'read'));
      expect(h.matches('held.shared')).toBe(true);
      h.send(acquire('thread:b', 'read'));
      expect(h.sentTo('thread:b')).toEqual([granted('thread:b', 'read')]);
      h.send(tryAcquire('thread:c', 'read'));
      expect(h.sentTo('thread:c')).toEqual([granted('thread:c', 'read')]);
      expect(holderTids(h)).toEqual(['thread:a', 'thread:b', 'thread:c']);
      h.send(release('thread:b'));
      expect(h.matches('held.shared')).toBe(true);
      expect(holderTids(h)).toEqual(['thread:a', 'thread:c']);
    });

    it('should keep holders sorted so equal holder sets serialise equally', () => {
      const h1 = lock('rwsem');
      h1.send(acquire('thread:b', 'read'));
      h1.send(acquire('thread:a', 'read'));
      const h2 = lock('rwsem');
      h2.send(acquire('thread:a', 'read'));
      h2.send(acquire('thread:b', 'read'));
      expect(JSON.stringify(h1.context)).toBe(JSON.stringify(h2.context));
    });

    it('should make a writer wait for every reader, then grant it exclusively', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:a', 'read'));
      h.send(acquire('thread:b', 'read'));
      h.send(acquire('thread:w', 'write'));
      expect(waiterTids(h)).toEqual(['thread:w']);
      h.send(release('thread:a'));
      expect(h.sentTo()).toEqual([]);
      h.send(release('thread:b'));
      expect(h.matches('held.exclusive')).toBe(true);
      expect(h.sentTo('thread:w')).toEqual([granted('thread:w', 'write')]);
    });

    it('should exclude readers while a writer holds it, and busy a read trylock', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:w', 'write'));
      h.send(acquire('thread:r', 'read'));
      expect(h.sentTo()).toEqual([]);
      expect(waiterTids(h)).toEqual(['thread:r']);
      h.send(tryAcquire('thread:s', 'read'));
      expect(h.sentTo('thread:s')).toEqual([{ type: 'lock.busy', lock: LOCK, tid: 'thread:s' }]);
    });

    it('should queue a reader behind a waiting writer, even while readers hold the lock', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:a', 'read'));
      h.send(acquire('thread:w', 'write'));
      h.send(acquire('thread:r', 'read'));
      expect(h.sentTo()).toEqual([]);
      expect(waiterTids(h)).toEqual(['thread:w', 'thread:r']);
      h.send(tryAcquire('thread:s', 'read'));
      expect(h.sentTo('thread:s')).toEqual([{ type: 'lock.busy', lock: LOCK, tid: 'thread:s' }]);
      h.send(release('thread:a'));
      expect(h.sentTo()).toEqual([granted('thread:w', 'write')]);
      expect(waiterTids(h)).toEqual(['thread:r']);
    });

    it('should grant the run of readers at the head together, and stop at the next writer', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:w1', 'write'));
      h.send(acquire('thread:r1', 'read'));
      h.send(acquire('thread:r2', 'read'));
      h.send(acquire('thread:w2', 'write'));
      h.send(acquire('thread:r3', 'read'));
      h.send(release('thread:w1'));
      expect(h.matches('held.shared')).toBe(true);
      expect(h.sentTo()).toEqual([granted('thread:r1', 'read'), granted('thread:r2', 'read')]);
      expect(waiterTids(h)).toEqual(['thread:w2', 'thread:r3']);
      h.send(release('thread:r2'));
      h.send(release('thread:r1'));
      expect(h.matches('held.exclusive')).toBe(true);
      expect(h.sentTo()).toEqual([granted('thread:w2', 'write')]);
      h.send(release('thread:w2'));
      expect(h.matches('held.shared')).toBe(true);
      expect(h.sentTo()).toEqual([granted('thread:r3', 'read')]);
    });

    it('should hand a released write lock straight to the next waiting writer', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:w1', 'write'));
      h.send(acquire('thread:w2', 'write'));
      h.send(release('thread:w1'));
      expect(h.matches('held.exclusive')).toBe(true);
      expect(holderTids(h)).toEqual(['thread:w2']);
    });
  });

  describe('misuse', () => {
    it.each([
      ['free', [] as EventObject[]],
      ['held', [acquire('thread:a')]],
    ])('should record a release by a non-holder on a %s lock and change nothing else', (_, setup) => {
      const h = lock('mutex');
      for (const e of setup) h.send(e);
      const before = ctx(h);
      h.send(release('thread:x'));
      expect(ctx(h).errors).toEqual(['release-not-held: thread:x']);
      expect({ ...ctx(h), errors: [] }).toEqual({ ...before, errors: [] });
      expect(h.last.observations).toEqual([
        { kind: 'lock.misuse', lock: LOCK, lockKind: 'mutex', tid: 'thread:x', reason: 'release-not-held' },
      ]);
      expect(h.sentTo()).toEqual([]);
    });

    it('should record a release by a non-holder of a shared rwsem', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:a', 'read'));
      h.send(release('thread:b'));
      expect(h.matches('held.shared')).toBe(true);
      expect(ctx(h).errors).toEqual(['release-not-held: thread:b']);
    });

    it('should record a self-deadlock and still queue the request, so the thread never gets the lock', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(acquire('thread:a'));
      expect(ctx(h).errors).toEqual(['self-deadlock: thread:a']);
      expect(kinds(h)).toEqual(['lock.misuse', 'lock.wait']);
      expect(waiterTids(h)).toEqual(['thread:a']);
      expect(h.sentTo()).toEqual([]);
    });

    it('should treat a recursive down_read as a self-deadlock', () => {
      const h = lock('rwsem');
      h.send(acquire('thread:a', 'read'));
      h.send(acquire('thread:a', 'read'));
      expect(ctx(h).errors).toEqual(['self-deadlock: thread:a']);
      expect(waiterTids(h)).toEqual(['thread:a']);
      expect(h.sentTo()).toEqual([]);
    });
  });

  describe('interruptible and killable acquires (signals)', () => {
    type Intr = 'interruptible' | 'killable';
    const acquireIntr = (t: string, intr: Intr, mode: LockMode = 'write') => ({ ...acquire(t, mode), intr });
    const pending = (tid: string, fatal = false) => ({ type: 'signal.pending', tid, fatal });
    const interrupted = (tid: string) => ({ type: 'lock.interrupted', lock: LOCK, tid, result: EINTR });

    it('should end a waiting mutex_lock_interruptible with -EINTR when its thread gets any signal', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(acquireIntr('thread:b', 'interruptible'));
      expect(ctx(h).waiters).toEqual([{ replyTo: 'thread:b', tid: 'thread:b', mode: 'write', intr: 'interruptible' }]);
      h.send(pending('thread:b'));
      expect(h.sentTo('thread:b')).toEqual([interrupted('thread:b')]);
      expect(kinds(h)).toEqual(['lock.interrupted']);
      expect(waiterTids(h)).toEqual([]);
      h.send(release('thread:a'));
      expect(h.matches('free')).toBe(true);
    });

    it('should end a waiting mutex_lock_killable on a fatal signal only', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(acquireIntr('thread:b', 'killable'));
      h.send(pending('thread:b'));
      expect(h.sentTo()).toEqual([]);
      expect(waiterTids(h)).toEqual(['thread:b']);
      h.send(pending('thread:b', true));
      expect(h.sentTo('thread:b')).toEqual([interrupted('thread:b')]);
      expect(ctx(h).signals).toEqual([{ tid: 'thread:b', fatal: true }]);
    });

    it('should never end a plain acquire', () => {
      const h = lock('mutex');
      h.send(acquire('thread:a'));
      h.send(acquire('thread:b'));
      h.send(pending('thread:b', true));
      expect(h.sentTo()).toEqual([]);
      expect(waiterTids(h)).toEqual(['thread:b']);
    });

    it('should take a free lock despite a pending signal, but refuse a contended one at once', () => {
      const h = lock('mutex');
      h.send(pending('thread:a'));
      h.send(acquireIntr('thread:a', 'interruptible'));
      expect(h.sentTo('thread:a')).toEqual([granted('thread:a')]);
      h.send(pending('thread:b'));
      h.send(acquireIntr('thread:b', 'interruptible'));
      expect(h.sentTo('thread:b')).toEqual([interrupted('thread:b')]);
      expect(waiterTids(h)).toEqual([]);
      // Until the signal is handled: then the acquire sleeps like any other.
      h.send({ type: 'signal.handled', replyTo: 'thread:b', tid: 'thread:b' });
      expect(h.sentTo('thread:b')).toEqual([{ type: 'signal.cleared', actor: LOCK, tid: 'thread:b' }]);
      h.send(acquireIntr('thread:b', 'interruptible'));
      expect(h.sentTo()).toEqual([]);
      expect(waiterTids(h)).toEqual(['thread:b']);
    });

    it('should let the readers queued behind an interrupted writer join the readers of an rwsem', () => {
      const h = lock('rwsem');
      for (const e of [acquire('thread:r1', 'read'), acquireIntr('thread:w', 'killable'), acquire('thread:r2', 'read')])
        h.send(e);
      h.send(acquire('thread:w2'));
      expect(waiterTids(h)).toEqual(['thread:w', 'thread:r2', 'thread:w2']);
      h.send(pending('thread:w', true));
      expect(h.sentTo('thread:w')).toEqual([interrupted('thread:w')]);
      expect(h.sentTo('thread:r2')).toEqual([granted('thread:r2', 'read')]);
      expect(holderTids(h)).toEqual(['thread:r1', 'thread:r2']);
      expect(waiterTids(h)).toEqual(['thread:w2']);
      expect(h.matches('held.shared')).toBe(true);
    });

    it('should flag an interruptible spinlock acquire as misuse and serve it as a plain one', () => {
      const h = lock('spinlock');
      h.send(acquire('thread:a'));
      h.send(acquireIntr('thread:b', 'interruptible'));
      expect(ctx(h).errors).toEqual(['intr-on-spinlock: thread:b']);
      h.send(pending('thread:b', true));
      expect(h.sentTo()).toEqual([]);
      expect(ctx(h).waiters).toEqual([{ replyTo: 'thread:b', tid: 'thread:b', mode: 'write' }]);
    });
  });

  describe('event policy', () => {
    const PROTOCOL_EVENTS = ['lock.acquire', 'lock.tryAcquire', 'lock.release', 'signal.pending', 'signal.handled'];

    it('should handle, defer or ignore every protocol event in every state', () => {
      const leaves = leafNodes(ptLockMachine);
      expect(leaves.map((n) => n.path)).toEqual(['free', 'held.exclusive', 'held.shared']);
      for (const leaf of leaves) {
        for (const type of PROTOCOL_EVENTS) expect(`${leaf.path}: ${type} ${leaf.covers(type)}`).toMatch(/ true$/);
      }
    });
  });

  describe('model-based coverage', () => {
    it.each(['mutex', 'rwsem'] as const)('should reach every state node of a %s and replay each path', (kind) => {
      const tids = ['thread:a', 'thread:b', 'thread:c'];
      const paths = getShortestPaths(ptLockMachine, {
        input: { id: LOCK, kind },
        events: (snapshot) => {
          const c = snapshot.context as PtLockContext;
          const busy = new Set([...c.holders, ...c.waiters].map((x) => x.tid));
          const idle = tids.filter((t) => !busy.has(t));
          const modes: LockMode[] = kind === 'rwsem' ? ['read', 'write'] : ['write'];
          return [
            ...idle.flatMap((t) => modes.flatMap((m) => [acquire(t, m), tryAcquire(t, m)])),
            ...c.holders.map((x) => release(x.tid)),
          ] as never;
        },
      });
      const expected = kind === 'rwsem' ? ['free', 'held.exclusive', 'held.shared'] : ['free', 'held.exclusive'];
      const reached = new Set<string>();
      for (const path of paths) {
        for (const leaf of expected) if (path.state.matches(leaf as never)) reached.add(leaf);
        // The pure step used by the runtime agrees with the graph traversal.
        const h = lock(kind);
        for (const step of path.steps.slice(1)) h.send(step.event); // steps[0] is xstate.init
        expect(h.snapshot.value).toEqual(path.state.value);
        expect(h.context).toEqual(path.state.context);
        expect((h.context as unknown as PtLockContext).errors).toEqual([]);
      }
      expect([...reached].sort()).toEqual(expected);
      expect(paths.length).toBeGreaterThan(10);
    });
  });
});
