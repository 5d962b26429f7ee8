/**
 * Test support for the driver profiles: a driver under MachineHarness with fixed actor ids,
 * and the other actors' replies written out by hand (docs/protocol.md).
 */
import type { EventObject } from 'xstate';
import type { CallbackRun } from '../../../machines/drivers/driver-types.ts';
import { driverProfiles } from '../../../machines/drivers/index.ts';
import { MachineHarness } from '../../../src/testing/index.ts';

export const DRV = 'drv:gpu0';
export const SUB = 'sub:r0';
export const LOCK = 'lock:gpu0';
export const MM = 'mm:p1';
export const DEV = 'dev:gpu0';
export const T1 = 'thread:t1';
export const T2 = 'thread:t2';
export const PAGE = 4096;

export function driver(profile: string, extra: Record<string, unknown> = {}): MachineHarness {
  const machine = driverProfiles[profile];
  if (!machine) throw new Error(`no profile ${profile}`);
  return new MachineHarness(machine, { id: DRV, profile, sub: SUB, lock: LOCK, mm: MM, dev: DEV, ...extra });
}

/** `to event.type` for each send of the last step, in order. */
export function sends(h: MachineHarness): string[] {
  return h.last.sends.map((s) => `${s.to} ${s.event.type}`);
}

/** The one event of type `type` sent in the last step. */
export function sentEvent(h: MachineHarness, type: string): Record<string, unknown> {
  const found = h.last.sends.filter((s) => s.event.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} in the last step, got ${found.length}`);
  return found[0].event as unknown as Record<string, unknown>;
}

export function observedKinds(h: MachineHarness): string[] {
  return h.last.observations.map((o) => `${o.kind} ${String(o.on ?? '')}`.trim());
}

// ---- requests ----
export const fault = (over: Record<string, unknown> = {}): EventObject =>
  ({ type: 'drv.fault', replyTo: T1, tid: T1, start: PAGE, end: 3 * PAGE, write: true, ...over }) as EventObject;
export const submit = (over: Record<string, unknown> = {}): EventObject =>
  ({
    type: 'drv.submit',
    replyTo: T1,
    tid: T1,
    job: 'j1',
    fence: 'fence:f1',
    accesses: [{ addr: PAGE, write: true }],
    start: PAGE,
    end: 2 * PAGE,
    write: true,
    ...over,
  }) as EventObject;
export const invalidate = (over: Record<string, unknown> = {}): EventObject =>
  ({
    type: 'drv.invalidate',
    sub: SUB,
    start: PAGE,
    end: 2 * PAGE,
    curSeq: 5,
    event: 'UNMAP',
    owner: null,
    blockable: true,
    tid: T2,
    ...over,
  }) as EventObject;

// ---- replies from the other actors ----
export const readBegin = (seq = 3, tid = T1): EventObject =>
  ({ type: 'sub.readBeginResult', sub: SUB, tid, seq }) as EventObject;
export const retryResult = (retry: boolean, tid = T1): EventObject =>
  ({ type: 'sub.retryResult', sub: SUB, tid, retry }) as EventObject;
export const pfn = (addr: number, n: number, write = true) => ({
  addr,
  pfn: n,
  gen: 1,
  version: 7,
  valid: true,
  write,
  error: false,
  order: 0,
});
export const rangeResult = (result = 0, pfns = [pfn(PAGE, 10), pfn(2 * PAGE, 11, false)], tid = T1): EventObject =>
  ({ type: 'hmm.rangeResult', tid, result, pfns: result === 0 ? pfns : [] }) as EventObject;
export const mmResult = (op: string, result = 0, value?: unknown, tid = T1): EventObject =>
  ({ type: 'mm.result', mm: MM, tid, op, result, ...(value === undefined ? {} : { value }) }) as EventObject;
export const granted = (tid = T1): EventObject =>
  ({ type: 'lock.granted', lock: LOCK, tid, mode: 'write' }) as EventObject;
export const busy = (tid = T2): EventObject => ({ type: 'lock.busy', lock: LOCK, tid }) as EventObject;
export const zapped = (tid = T2): EventObject => ({ type: 'dev.zapped', tid, dev: DEV }) as EventObject;
export const addCallbackResult = (result = 0, cbId = `${DRV}#j1`): EventObject =>
  ({ type: 'fence.addCallbackResult', fence: 'fence:f1', cbId, result }) as EventObject;
export const fenceCallback = (status = 0, cbId = `${DRV}#j1`): EventObject =>
  ({ type: 'fence.callback', fence: 'fence:f1', cbId, status }) as EventObject;
export const waitResult = (fence = 'fence:f1', tid = T2): EventObject =>
  ({ type: 'fence.waitResult', fence, tid, result: 1 }) as EventObject;

/** Drive one fault (or submission) up to the lock grant: read_begin, walk, lock. */
export function toLocked(h: MachineHarness, request: EventObject = fault(), tid = T1): void {
  h.send(request);
  h.send(readBegin(3, tid));
  h.send(rangeResult(0, undefined, tid));
  h.send(granted(tid));
}

/** The driver's invalidate callbacks in progress (one per invalidating thread). */
export function runs(h: MachineHarness): CallbackRun[] {
  return h.context.callbacks as CallbackRun[];
}
