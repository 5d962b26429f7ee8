// minimal-driver.ts: the minimal shadow-PTE mirror of docs/driver-protocol.md, as a custom
// driver module: `mirrorlab check --driver examples/drivers/minimal-driver.ts`.
import { and, assign, type EventObject, enqueueActions, setup } from 'xstate';
import { EBUSY } from '../../machines/errno.ts';
import { kernelActions } from '../../machines/kernel-actions.ts';

interface Req {
  replyTo: string;
  tid: string;
  start: number;
  end: number;
  write: boolean;
  seq: number;
  tries: number;
  result: number;
  pfns: Pfn[];
}
interface Pfn {
  addr: number;
  pfn: number;
  gen: number;
  version: number;
  valid: boolean;
  write: boolean;
}
interface Cb {
  sub: string;
  tid: string;
  start: number;
  end: number;
  curSeq: number;
}
interface Ctx {
  id: string;
  sub: string;
  lock: string;
  mm: string;
  dev: string;
  owner: string;
  maxRetries: number;
  req: Req | null;
  cb: Cb | null;
}
type Ev = EventObject & Record<string, any>; // typed loosely for brevity; see driver-types.ts for full types

const send = (to: string, event: Ev) => ({ type: 'kSend' as const, params: { to, event } });
const sleep = (tid: string, on: string) => ({
  type: 'kObserve' as const,
  params: { kind: 'sleep', tid, on },
});

export default setup({
  types: { context: {} as Ctx, events: {} as Ev, input: {} as Record<string, any> },
  actions: { ...kernelActions },
  guards: {
    forRequest: ({ context, event }) => event.tid === context.req?.tid,
    forCallback: ({ context, event }) => event.tid === context.cb?.tid,
    walkBusy: ({ event }) => event.result === EBUSY,
    walkFailed: ({ event }) => event.result < 0,
    seqCollided: ({ event }) => event.retry === true,
    outOfRetries: ({ context }) => context.req!.tries >= context.maxRetries,
    ownDeviceMemory: ({ context, event }) =>
      (event.event === 'MIGRATE' || event.event === 'EXCLUSIVE') && event.owner === context.owner,
    notBlockable: ({ event }) => !event.blockable,
  },
}).createMachine({
  id: 'my-driver',
  context: ({ input }) => ({
    id: input.id,
    sub: input.sub,
    lock: input.lock,
    mm: input.mm,
    dev: input.dev,
    owner: input.pgmapOwner ?? input.id,
    maxRetries: input.maxRetries ?? 8,
    req: null,
    cb: null,
  }),
  type: 'parallel',
  states: {
    fault: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'drv.fault': {
              target: 'readBegin',
              actions: assign({
                req: ({ event: e }) => ({
                  replyTo: e.replyTo,
                  tid: e.tid,
                  start: e.start,
                  end: e.end,
                  write: e.write,
                  seq: 0,
                  tries: 0,
                  result: 0,
                  pfns: [],
                }),
              }),
            },
          },
        },
        readBegin: {
          meta: { defer: ['drv.fault'] },
          entry: enqueueActions(({ context: c, enqueue }) => {
            enqueue(send(c.sub, { type: 'sub.readBegin', replyTo: c.id, tid: c.req!.tid }));
            enqueue(sleep(c.req!.tid, c.sub));
          }),
          on: {
            'sub.readBeginResult': {
              guard: 'forRequest',
              target: 'walking',
              actions: assign({ req: ({ context, event }) => ({ ...context.req!, seq: event.seq }) }),
            },
          },
        },
        walking: {
          meta: { defer: ['drv.fault'] },
          entry: enqueueActions(({ context: c, enqueue }) => {
            const { tid, start, end, write, seq } = c.req!;
            enqueue(
              send(c.mm, {
                type: 'hmm.rangeFault',
                replyTo: c.id,
                tid,
                start,
                end,
                fault: true,
                write,
                owner: c.owner,
                sub: c.sub,
                seq,
              }),
            );
          }),
          on: {
            'hmm.rangeResult': [
              { guard: and(['forRequest', 'walkBusy']), target: 'retry' },
              {
                guard: and(['forRequest', 'walkFailed']),
                target: 'reply',
                actions: assign({ req: ({ context, event }) => ({ ...context.req!, result: event.result }) }),
              },
              {
                guard: 'forRequest',
                target: 'locking',
                actions: assign({ req: ({ context, event }) => ({ ...context.req!, pfns: event.pfns }) }),
              },
            ],
          },
        },
        locking: {
          meta: { defer: ['drv.fault'] },
          entry: enqueueActions(({ context: c, enqueue }) => {
            enqueue(send(c.lock, { type: 'lock.acquire', replyTo: c.id, tid: c.req!.tid, mode: 'write' }));
            enqueue(sleep(c.req!.tid, c.lock));
          }),
          on: { 'lock.granted': { guard: 'forRequest', target: 'checking' } },
        },
        checking: {
          meta: { defer: ['drv.fault'] },
          entry: enqueueActions(({ context: c, enqueue }) => {
            enqueue(send(c.sub, { type: 'sub.readRetry', replyTo: c.id, tid: c.req!.tid, seq: c.req!.seq }));
          }),
          on: {
            'sub.retryResult': [
              {
                guard: and(['forRequest', 'seqCollided']),
                target: 'retry',
                actions: enqueueActions(({ context: c, enqueue }) =>
                  enqueue(send(c.lock, { type: 'lock.release', tid: c.req!.tid })),
                ),
              },
              {
                guard: 'forRequest',
                target: 'reply',
                actions: enqueueActions(({ context: c, enqueue }) => {
                  const entries = c
                    .req!.pfns.filter((p) => p.valid)
                    .map((p) => ({
                      addr: p.addr,
                      pfn: p.pfn,
                      gen: p.gen,
                      version: p.version,
                      perm: p.write ? 'write' : 'read',
                      pinned: false,
                    }));
                  enqueue(send(c.dev, { type: 'dev.map', entries }));
                  enqueue(send(c.lock, { type: 'lock.release', tid: c.req!.tid }));
                }),
              },
            ],
          },
        },
        retry: {
          always: [
            {
              guard: 'outOfRetries',
              target: 'reply',
              actions: assign({ req: ({ context }) => ({ ...context.req!, result: EBUSY }) }),
            },
            {
              target: 'readBegin',
              actions: assign({
                req: ({ context }) => ({ ...context.req!, tries: context.req!.tries + 1, pfns: [] }),
              }),
            },
          ],
        },
        reply: {
          always: {
            target: 'idle',
            actions: [
              enqueueActions(({ context: c, enqueue }) =>
                enqueue(send(c.req!.replyTo, { type: 'drv.faultResult', tid: c.req!.tid, result: c.req!.result })),
              ),
              assign({ req: null }),
            ],
          },
        },
      },
    },
    callback: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'drv.invalidate': [
              {
                guard: 'ownDeviceMemory',
                actions: enqueueActions(({ event, enqueue }) =>
                  enqueue(
                    send(event.sub, { type: 'drv.invalidateReturned', sub: event.sub, ok: true, tid: event.tid }),
                  ),
                ),
              },
              {
                guard: 'notBlockable',
                target: 'trylocking',
                actions: assign({
                  cb: ({ event: e }) => ({
                    sub: e.sub,
                    tid: e.tid,
                    start: e.start,
                    end: e.end,
                    curSeq: e.curSeq,
                  }),
                }),
              },
              {
                target: 'locking',
                actions: assign({
                  cb: ({ event: e }) => ({
                    sub: e.sub,
                    tid: e.tid,
                    start: e.start,
                    end: e.end,
                    curSeq: e.curSeq,
                  }),
                }),
              },
            ],
          },
        },
        trylocking: {
          meta: { defer: ['drv.invalidate'] },
          entry: enqueueActions(({ context: c, enqueue }) =>
            enqueue(send(c.lock, { type: 'lock.tryAcquire', replyTo: c.id, tid: c.cb!.tid, mode: 'write' })),
          ),
          on: {
            'lock.granted': { guard: 'forCallback', target: 'zapping' },
            'lock.busy': {
              guard: 'forCallback',
              target: 'idle',
              actions: [
                enqueueActions(({ context: c, enqueue }) =>
                  enqueue(
                    send(c.cb!.sub, { type: 'drv.invalidateReturned', sub: c.cb!.sub, ok: false, tid: c.cb!.tid }),
                  ),
                ),
                assign({ cb: null }),
              ],
            },
          },
        },
        locking: {
          meta: { defer: ['drv.invalidate'] },
          entry: enqueueActions(({ context: c, enqueue }) => {
            enqueue(send(c.lock, { type: 'lock.acquire', replyTo: c.id, tid: c.cb!.tid, mode: 'write' }));
            enqueue(sleep(c.cb!.tid, c.lock));
          }),
          on: { 'lock.granted': { guard: 'forCallback', target: 'zapping' } },
        },
        zapping: {
          meta: { defer: ['drv.invalidate'] },
          entry: enqueueActions(({ context: c, enqueue }) => {
            const { sub, tid, start, end, curSeq } = c.cb!;
            enqueue(send(sub, { type: 'sub.setSeq', curSeq }));
            enqueue(send(c.dev, { type: 'dev.zap', replyTo: c.id, tid, start, end }));
          }),
          on: {
            'dev.zapped': {
              guard: 'forCallback',
              target: 'idle',
              actions: [
                enqueueActions(({ context: c, enqueue }) => {
                  enqueue(send(c.lock, { type: 'lock.release', tid: c.cb!.tid }));
                  enqueue(
                    send(c.cb!.sub, { type: 'drv.invalidateReturned', sub: c.cb!.sub, ok: true, tid: c.cb!.tid }),
                  );
                }),
                assign({ cb: null }),
              ],
            },
          },
        },
      },
    },
  },
});
