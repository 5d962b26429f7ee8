/**
 * Test kit for the mm machine: a harness that plays the notifier core (answers
 * `core.invalidateStart` / `core.invalidateEnd` and records every invalidation), request
 * helpers, and builders of hand-made memory states for the pure walk tests.
 */
import type { EventObject } from 'xstate';
import { initialContext, memoryOf } from '../../../machines/mm/context.ts';
import { mmMachine } from '../../../machines/mm/mm.machine.ts';
import type { Invalidation, MmMemory, Page, Pte, Vma } from '../../../machines/mm/types.ts';
import { makeVma } from '../../../machines/mm/vma.ts';
import { MachineHarness } from '../../../src/testing/index.ts';

export const PAGE = 4096;
export const MM = 'mm:p1';
export const CORE = 'core:p1';
export const THREAD = 'thread:t1';

export interface CoreRecord extends Invalidation {
  tid: string;
  /** Whether the mm sent `core.invalidateEnd` for this range. */
  ended: boolean;
}

/** The mm under test plus a scripted notifier core. */
export class MmKit {
  readonly h: MachineHarness;
  readonly invalidations: CoreRecord[] = [];
  /** Answer the next non-blockable starts with -EAGAIN while this returns true. */
  refuse: (inv: Invalidation) => boolean = () => false;

  constructor(config: Record<string, unknown> = {}, id = MM, core = CORE) {
    this.h = new MachineHarness(mmMachine, { id, core, ...config });
  }

  get ctx(): MmMemory & { op: unknown } {
    return this.h.context as unknown as MmMemory & { op: unknown };
  }

  /** Send a request from THREAD (tid 't1' unless given) and stop before the core answers. */
  post(event: EventObject & Record<string, unknown>): void {
    this.h.send({ replyTo: THREAD, tid: 't1', ...event });
  }

  /** Send a request and play the core until the mm is idle (or exited); return its reply. */
  request(event: EventObject & Record<string, unknown>): Record<string, any> {
    const before = this.h.sent.length;
    this.post(event);
    this.settle();
    const replies = this.h.sent.slice(before).filter((s) => s.to === THREAD);
    if (replies.length !== 1) throw new Error(`expected one reply to ${event.type}, got ${replies.length}`);
    return replies[0].event as Record<string, any>;
  }

  /** How many of `h.sent` the scripted core has looked at, and the messages it answered. */
  private coreCursor = 0;
  private readonly answered = new WeakSet<object>();

  /**
   * Answer core messages, in the order sent, until the mm waits for nothing from the core
   * (the lock holder's and any reclaimer's invalidations alike).
   */
  settle(): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const next = this.h.sent.slice(this.coreCursor).findIndex((s) => s.to === CORE);
      if (next < 0) {
        this.coreCursor = this.h.sent.length;
        return;
      }
      this.coreCursor += next + 1;
      const msg = this.h.sent[this.coreCursor - 1].event as Record<string, any>;
      if (!this.answered.has(msg)) this.answerCore(msg);
    }
    throw new Error('mm never settled');
  }

  /** The scripted core's answer to one message (startDone, or endDone). */
  answerCore(msg: Record<string, any>): void {
    this.answered.add(msg);
    if (msg.type === 'core.invalidateStart') {
      const inv: Invalidation = {
        start: msg.start,
        end: msg.end,
        event: msg.event,
        owner: msg.owner,
        blockable: msg.blockable,
      };
      const refused = !inv.blockable && this.refuse(inv);
      this.invalidations.push({ ...inv, tid: msg.tid, ended: false });
      this.h.send({ type: 'core.startDone', tid: msg.tid, result: refused ? -11 : 0 });
    } else if (msg.type === 'core.invalidateEnd') {
      const open = [...this.invalidations].reverse().find((r) => r.tid === msg.tid && !r.ended);
      if (!open) throw new Error(`core.invalidateEnd of ${msg.tid} without a start`);
      open.ended = true;
      this.h.send({ type: 'core.endDone', tid: msg.tid });
    }
  }

  /** Invalidations recorded since index `from`, as `[event, start, end]` triples. */
  events(from = 0): [string, number, number][] {
    return this.invalidations.slice(from).map((r) => [r.event, r.start, r.end]);
  }

  observed(kind: string): Record<string, any>[] {
    return this.h.observed.filter((o) => o.kind === kind) as Record<string, any>[];
  }

  mmapAnon(addr: number, pages: number, extra: Record<string, unknown> = {}): void {
    const r = this.request({
      type: 'mm.mmap',
      addr,
      length: pages * PAGE,
      read: true,
      write: true,
      shared: false,
      backing: 'anon',
      ...extra,
    });
    if (r.result !== addr) throw new Error(`mmap failed: ${JSON.stringify(r)}`);
  }
}

/** A memory state for the pure walk tests: defaults of a fresh mm, then the given parts. */
export function memory(parts: { vmas?: Vma[]; ptes?: Record<number, Pte>; pages?: Record<number, Page> }): MmMemory {
  const m = memoryOf(initialContext({ id: MM, core: CORE }));
  return {
    ...m,
    vmas: parts.vmas ?? [],
    ptes: parts.ptes ?? {},
    pages: { ...m.pages, ...(parts.pages ?? {}) },
  };
}

export function anonVma(start: number, pages: number, extra: Partial<Vma> = {}): Vma {
  return makeVma({
    start,
    end: start + pages * PAGE,
    read: true,
    write: true,
    shared: false,
    backing: 'anon',
    ...extra,
  });
}

export function page(gen = 1, kind: Page['kind'] = 'anon', refcount = 1, pins = 0): Page {
  return { gen, refcount, pins, kind, data: [0] };
}
