/**
 * Two threads' invalidations call the same subscription's callback at once
 * (docs/kernel-semantics.md §1.3: each invalidating thread walks the interval tree and calls
 * the callbacks itself, `mn_itree_invalidate`). Core, subscription and a shadow-pte driver are
 * real machines; the test plays the driver's lock, the device and the two threads, so it picks
 * the interleaving: thread A's callback waits for the lock a fault holds, thread B's callback
 * of the same subscription starts meanwhile, B finishes first, then A.
 */
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { driverProfiles } from '../../machines/drivers/index.ts';
import type { KSendParams } from '../../machines/kernel-actions.ts';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import { rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';
import { PureMachine } from '../../src/runtime/pure-step.ts';

const PAGE = 4096;
const CORE = 'core:p1';
const SUB = 'sub:gpu0';
const DRV = 'drv:gpu0';
const LOCK = 'lock:gpu0';
const DEV = 'dev:gpu0';
const A = 'thread:a';
const B = 'thread:b';

type Msg = EventObject & Record<string, unknown>;

/** Machines stepped by hand; mail to anything else (lock, device, threads) is kept in `outbox`. */
class Rig {
  private readonly machines = new Map<string, { pure: PureMachine; snapshot: AnyMachineSnapshot }>();
  private readonly queue: KSendParams[] = [];
  readonly outbox: { to: string; event: Msg }[] = [];

  add(machine: AnyStateMachine, input: { id: string } & Record<string, unknown>): void {
    const pure = new PureMachine(machine, input.id);
    const first = pure.initial(input);
    this.machines.set(input.id, { pure, snapshot: first.snapshot });
    this.queue.push(...first.sends);
  }

  /** Send `event` to `to` and deliver everything that follows among the machines. */
  send(to: string, event: Msg): void {
    this.queue.push({ to, event });
    for (let n = 0; this.queue.length > 0; n++) {
      if (n > 1000) throw new Error('no quiescence');
      const msg = this.queue.shift()!;
      const actor = this.machines.get(msg.to);
      if (!actor) {
        this.outbox.push({ to: msg.to, event: msg.event as Msg });
        continue;
      }
      const r = actor.pure.step(actor.snapshot, msg.event);
      actor.snapshot = r.snapshot;
      this.queue.push(...r.sends);
    }
  }

  ctx<T>(id: string): T {
    return this.machines.get(id)!.snapshot.context as T;
  }

  /** Mail to `to` since the last take, as `type(tid)` strings. */
  take(to: string): string[] {
    const mine = this.outbox.filter((m) => m.to === to);
    for (const m of mine) this.outbox.splice(this.outbox.indexOf(m), 1);
    return mine.map((m) => `${m.event.type}(${String(m.event.tid ?? '')})`);
  }
}

interface CoreCtx {
  seq: number;
  active: number;
  starting: { tid: string; calling: string | null }[];
}

function rig(): Rig {
  const r = new Rig();
  r.add(notifierCoreMachine, { id: CORE, mm: 'mm:p1' });
  r.add(rangeNotifierMachine, { id: SUB, core: CORE, driver: DRV, start: 0, length: 16 * PAGE });
  r.add(driverProfiles['shadow-pte'], { id: DRV, sub: SUB, lock: LOCK, mm: 'mm:p1', dev: DEV });
  r.send(CORE, {
    type: 'core.insert',
    replyTo: 'thread:setup',
    tid: 'thread:setup',
    sub: SUB,
    start: 0,
    length: 16 * PAGE,
  });
  r.take('thread:setup');
  return r;
}

const start = (tid: string, event: string, from: number, to: number) => ({
  type: 'core.invalidateStart',
  replyTo: tid,
  tid,
  start: from,
  end: to,
  event,
  owner: null,
  blockable: true,
});

describe('interleaved invalidate callbacks of two threads', () => {
  it("should call B's callback of a subscription while A's waits on the driver lock, and end both with exact seq accounting", () => {
    const r = rig();
    // A fault holds the driver lock (the test plays the lock: lock.acquire is not answered).
    r.send(CORE, start(A, 'UNMAP', PAGE, 4 * PAGE));
    expect(r.take(LOCK)).toEqual([`lock.acquire(${A})`]);
    const seq = r.ctx<CoreCtx>(CORE).seq;
    expect(seq % 2).toBe(1);

    r.send(CORE, start(B, 'CLEAR', 2 * PAGE, 3 * PAGE));
    // B's walk called the same subscription at once: its callback also waits for the lock.
    expect(r.take(LOCK)).toEqual([`lock.acquire(${B})`]);
    expect(r.ctx<CoreCtx>(CORE)).toMatchObject({ seq, active: 2 });
    expect(r.ctx<CoreCtx>(CORE).starting.map((s) => [s.tid, s.calling])).toEqual([
      [A, SUB],
      [B, SUB],
    ]);
    expect(r.ctx<{ callbacks: { tid: string }[] }>(SUB).callbacks.map((c) => c.tid)).toEqual([A, B]);
    expect(r.ctx<{ callbacks: { tid: string; step: string }[] }>(DRV).callbacks.map((c) => [c.tid, c.step])).toEqual([
      [A, 'locking'],
      [B, 'locking'],
    ]);

    // The fault unlocks; the lock goes to B first: set_seq, zap, unlock, return true.
    r.send(DRV, { type: 'lock.granted', lock: LOCK, tid: B, mode: 'write' });
    expect(r.take(DEV)).toEqual([`dev.zap(${B})`]);
    r.send(DRV, { type: 'dev.zapped', tid: B, dev: DEV });
    expect(r.take(LOCK)).toEqual([`lock.release(${B})`]);
    expect(r.take(B)).toEqual([`core.startDone(${B})`]);
    expect(r.take(A)).toEqual([]);
    expect(r.ctx<{ seq: number }>(SUB).seq).toBe(seq);

    // B ends while A is still in its callback: the epoch stays open.
    r.send(CORE, { type: 'core.invalidateEnd', replyTo: B, tid: B });
    expect(r.take(B)).toEqual([`core.endDone(${B})`]);
    expect(r.ctx<CoreCtx>(CORE)).toMatchObject({ seq, active: 1 });

    r.send(DRV, { type: 'lock.granted', lock: LOCK, tid: A, mode: 'write' });
    r.send(DRV, { type: 'dev.zapped', tid: A, dev: DEV });
    expect(r.take(LOCK)).toEqual([`lock.release(${A})`]);
    expect(r.take(A)).toEqual([`core.startDone(${A})`]);
    r.send(CORE, { type: 'core.invalidateEnd', replyTo: A, tid: A });
    expect(r.ctx<CoreCtx>(CORE)).toMatchObject({ seq: seq + 1, active: 0, starting: [] });
    expect(r.ctx<{ callbacks: unknown[]; epochSeq: number | null }>(SUB)).toMatchObject({
      callbacks: [],
      epochSeq: null,
    });
    expect(r.ctx<{ callbacks: unknown[] }>(DRV).callbacks).toEqual([]);
    expect(r.ctx<{ errors: unknown[] }>(CORE).errors).toEqual([]);
    expect(r.ctx<{ errors: unknown[] }>(SUB).errors).toEqual([]);
  });
});
