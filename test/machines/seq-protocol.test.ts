/**
 * End-to-end check of the notifier sequence protocol across actors: one core, three
 * subscriptions and a stub driver, wired by a tiny in-test loop that delivers every send in
 * FIFO order (one fixed interleaving; the explorer enumerates the others).
 */
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { KSendParams } from '../../machines/kernel-actions.ts';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import { rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';
import { PureMachine } from '../../src/runtime/pure-step.ts';

const PAGE = 4096;
const DRV = 'drv:gpu0';

interface Delivery {
  to: string;
  event: EventObject & Record<string, unknown>;
}

/** Pure machines stepped by hand; anything else (threads, the driver) records its mail. */
class MiniWorld {
  private readonly machines = new Map<string, { pure: PureMachine; snapshot: AnyMachineSnapshot }>();
  private readonly queue: KSendParams[] = [];
  /** Every delivered message, in order. */
  readonly log: Delivery[] = [];

  add(machine: AnyStateMachine, input: { id: string } & Record<string, unknown>): void {
    const pure = new PureMachine(machine, input.id);
    const first = pure.initial(input);
    this.machines.set(input.id, { pure, snapshot: first.snapshot });
    this.queue.push(...first.sends);
  }

  send(to: string, event: EventObject & Record<string, unknown>): void {
    this.queue.push({ to, event });
  }

  context(id: string): Record<string, unknown> {
    return this.machines.get(id)!.snapshot.context as Record<string, unknown>;
  }

  /** Deliver until no message is left; returns what was delivered in this run. */
  run(): Delivery[] {
    const from = this.log.length;
    for (let n = 0; this.queue.length > 0; n++) {
      if (n > 1000) throw new Error('mini world: no quiescence after 1000 deliveries');
      const msg = this.queue.shift()!;
      const event = msg.event as Delivery['event'];
      this.log.push({ to: msg.to, event });
      const actor = this.machines.get(msg.to);
      if (actor) {
        const r = actor.pure.step(actor.snapshot, event);
        actor.snapshot = r.snapshot;
        this.queue.push(...r.sends);
      } else if (msg.to === DRV) {
        this.driverStub(event);
      }
    }
    return this.log.slice(from);
  }

  /** A well-behaved driver callback: set_seq(cur_seq) under its lock, zap, return true. */
  private driverStub(event: Delivery['event']): void {
    if (event.type !== 'drv.invalidate') return;
    const sub = event.sub as string;
    this.send(sub, { type: 'sub.setSeq', curSeq: event.curSeq as number });
    this.send(sub, { type: 'drv.invalidateReturned', sub, ok: true });
  }
}

/** Delivered messages as `to <- type` lines, a small stable projection. */
function lines(ds: Delivery[]): string[] {
  return ds.map((d) => `${d.to} <- ${d.event.type}`);
}

function world(): MiniWorld {
  const w = new MiniWorld();
  w.add(notifierCoreMachine, { id: 'core:p', mm: 'mm:p' });
  for (const [id, start, length] of [
    ['sub:a', PAGE, PAGE],
    ['sub:b', 3 * PAGE, 2 * PAGE],
    ['sub:c', 20 * PAGE, PAGE],
  ] as const) {
    w.add(rangeNotifierMachine, { id, core: 'core:p', driver: DRV, start, length });
    w.send('core:p', { type: 'core.insert', replyTo: 'thread:t1', tid: 'thread:t1', sub: id, start, length });
  }
  w.run();
  return w;
}

describe('seq protocol (core + subscriptions + driver)', () => {
  it('should attach every subscription with an odd seq below the even global', () => {
    const w = world();
    expect(w.context('core:p').seq).toBe(2);
    for (const id of ['sub:a', 'sub:b', 'sub:c']) expect(w.context(id).seq).toBe(1);
  });

  it('should run an invalidation end to end and answer a blocked read_begin at the epoch end', () => {
    const w = world();
    w.send('core:p', {
      type: 'core.invalidateStart',
      replyTo: 'thread:t2',
      tid: 'thread:t2',
      start: 0,
      end: 8 * PAGE,
      event: 'UNMAP',
      owner: null,
      blockable: true,
    });
    expect(lines(w.run())).toEqual([
      'core:p <- core.invalidateStart',
      'sub:a <- sub.invalidate',
      'drv:gpu0 <- drv.invalidate',
      'sub:a <- sub.setSeq',
      'sub:a <- drv.invalidateReturned',
      'core:p <- sub.callbackReturned',
      'sub:b <- sub.invalidate',
      'drv:gpu0 <- drv.invalidate',
      'sub:b <- sub.setSeq',
      'sub:b <- drv.invalidateReturned',
      'core:p <- sub.callbackReturned',
      'thread:t2 <- core.startDone',
    ]);
    expect(w.context('core:p')).toMatchObject({ seq: 3, active: 1 });
    expect(w.context('sub:a').seq).toBe(3);

    // read_begin blocks on the invalidated subscription, not on the untouched one.
    w.send('sub:a', { type: 'sub.readBegin', replyTo: DRV, tid: 'drv:gpu0/fault' });
    w.send('sub:c', { type: 'sub.readBegin', replyTo: DRV, tid: 'drv:gpu0/fault2' });
    w.send('sub:a', { type: 'sub.readRetry', replyTo: DRV, tid: 'drv:gpu0/fault3', seq: 1 });
    const during = w.run().filter((d) => d.to === DRV);
    expect(during.map((d) => d.event)).toEqual([
      { type: 'sub.readBeginResult', sub: 'sub:c', tid: 'drv:gpu0/fault2', seq: 1 },
      { type: 'sub.retryResult', sub: 'sub:a', tid: 'drv:gpu0/fault3', retry: true },
    ]);

    w.send('core:p', { type: 'core.invalidateEnd', replyTo: 'thread:t2', tid: 'thread:t2' });
    const after = w.run();
    expect(lines(after)).toEqual([
      'core:p <- core.invalidateEnd',
      'sub:a <- sub.epochEnded',
      'sub:b <- sub.epochEnded',
      'thread:t2 <- core.endDone',
      'drv:gpu0 <- sub.readBeginResult',
    ]);
    expect(after[4].event).toEqual({ type: 'sub.readBeginResult', sub: 'sub:a', tid: 'drv:gpu0/fault', seq: 3 });
    expect(w.context('core:p')).toMatchObject({ seq: 4, active: 0 });

    // The next read sees a stable seq: no wait, no collision.
    w.send('sub:a', { type: 'sub.readBegin', replyTo: DRV, tid: 'drv:gpu0/fault' });
    w.send('sub:a', { type: 'sub.readRetry', replyTo: DRV, tid: 'drv:gpu0/fault', seq: 3 });
    expect(
      w
        .run()
        .filter((d) => d.to === DRV)
        .map((d) => d.event),
    ).toEqual([
      { type: 'sub.readBeginResult', sub: 'sub:a', tid: 'drv:gpu0/fault', seq: 3 },
      { type: 'sub.retryResult', sub: 'sub:a', tid: 'drv:gpu0/fault', retry: false },
    ]);
  });
});
