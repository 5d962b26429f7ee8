/**
 * dmirror's actions that mirror CPU pages (docs/kernel-semantics.md §5.5, §5.7 READ, WRITE, SNAPSHOT):
 * copying between the caller's buffer and the mapped pages, and the fault / snapshot loop
 * (mmget, the notifier read_begin / read_retry, hmm_range_fault, programming the table).
 */
import { assign, enqueueActions } from 'xstate';
import type { HmmPfn } from '../mm/hmm-walk.ts';
import { countRestart } from '../retry-bound.ts';
import { collectMapped, storeWalk } from './device-table.ts';
import { chunkEnd, cmdOf, dmirrorActions, type Ev, send, sleep, withCmd } from './dmirror-action-support.ts';
import { snapshotByte } from './snapshot-bytes.ts';

const order = (pageSize: number, bytes: number) => Math.round(Math.log2(bytes / pageSize));

export const faultActions = dmirrorActions({
  // ---- copying between the caller's buffer and the mapped pages (§5.7 READ, WRITE) -----
  collectMappedPages: assign(({ context }) => {
    const c = cmdOf(context);
    return withCmd(context, {
      batch: collectMapped(context.table, c.cursor, c.end, c.cmd === 'WRITE', context.pageSize),
    });
  }),
  transferBatch: enqueueActions(({ context, enqueue }) => {
    const c = cmdOf(context);
    const base = { replyTo: context.id, tid: c.tid, dev: context.id, pages: c.batch };
    if (c.cmd !== 'WRITE') enqueue(send(context.mm, { type: 'mm.devRead', ...base }));
    else {
      const from = ((c.cursor - c.addr) / context.pageSize) * context.wordsPerPage;
      const data = c.data.slice(from, from + c.batch.length * context.wordsPerPage);
      enqueue(send(context.mm, { type: 'mm.devWrite', ...base, data }));
    }
  }),
  recordTransfer: assign(({ context, event }) => {
    const c = cmdOf(context);
    const words = c.cmd === 'WRITE' ? [] : ((event as Ev<'mm.result'>).value as number[]);
    return withCmd(context, {
      out: [...c.out, ...words],
      cursor: c.cursor + c.batch.length * context.pageSize,
      batch: [],
    });
  }),
  countCopiedPages: assign(({ context }) => withCmd(context, { cpages: cmdOf(context).npages })),
  beginReadBack: assign(({ context }) => withCmd(context, { cursor: cmdOf(context).addr, out: [] })),

  // ---- the fault and snapshot loop (§5.5, §5.7 SNAPSHOT) ------------------------------
  /** One fault round over `[first missing page, end)`: `faults` counts rounds, not retries. */
  beginFaultPath: assign(({ context }) => {
    const c = cmdOf(context);
    const fault = {
      start: c.cursor,
      end: c.end,
      write: c.cmd === 'WRITE',
      chunkStart: c.cursor,
      chunkEnd: chunkEnd(context, c.cursor),
      seq: null,
      tries: 0,
      pfns: [],
    };
    return withCmd(context, { fault, faults: c.faults + 1 });
  }),
  mmgetNotZero: enqueueActions(({ context, enqueue }) => {
    enqueue(send(context.mm, { type: 'mm.get', replyTo: context.id, tid: cmdOf(context).tid }));
  }),
  mmput: enqueueActions(({ context, enqueue }) => {
    enqueue(send(context.mm, { type: 'mm.put', tid: cmdOf(context).tid }));
  }),
  notifierReadBegin: enqueueActions(({ context, enqueue }) => {
    const { tid } = cmdOf(context);
    enqueue(send(context.sub, { type: 'sub.readBegin', replyTo: context.id, tid }));
    enqueue(sleep(tid, context.sub));
  }),
  recordNotifierSeq: assign(({ context, event }) => {
    const c = cmdOf(context);
    return withCmd(context, { fault: { ...c.fault!, seq: (event as Ev<'sub.readBeginResult'>).seq } });
  }),
  /** hmm_range_fault over the chunk: REQ_FAULT (| REQ_WRITE) for faults, no flags for SNAPSHOT. */
  hmmRangeFault: enqueueActions(({ context, enqueue }) => {
    const c = cmdOf(context);
    const f = c.fault!;
    enqueue(
      send(context.mm, {
        type: 'hmm.rangeFault',
        replyTo: context.id,
        tid: c.tid,
        start: f.chunkStart,
        end: f.chunkEnd,
        fault: c.cmd !== 'SNAPSHOT',
        write: f.write,
        owner: context.owner,
        sub: context.sub,
        seq: f.seq,
      }),
    );
  }),
  recordWalk: assign(({ context, event }) => {
    const c = cmdOf(context);
    return withCmd(context, { fault: { ...c.fault!, pfns: (event as Ev<'hmm.rangeResult'>).pfns } });
  }),
  notifierReadRetry: enqueueActions(({ context, enqueue }) => {
    const c = cmdOf(context);
    enqueue(send(context.sub, { type: 'sub.readRetry', replyTo: context.id, tid: c.tid, seq: c.fault!.seq }));
  }),
  /** Under the lock, after read_retry passed: program the table, or encode SNAPSHOT bytes. */
  mirrorWalkedPages: assign(({ context }) => {
    const c = cmdOf(context);
    const f = c.fault!;
    if (c.cmd === 'SNAPSHOT') {
      const pmd = order(context.pageSize, 2 * 1024 * 1024);
      const pud = order(context.pageSize, 1024 * 1024 * 1024);
      const bytes = f.pfns.map((p: HmmPfn) => snapshotByte(p, context.owner, pmd, pud));
      return withCmd(context, { out: [...c.out, ...bytes], cpages: c.cpages + bytes.length });
    }
    const stored = storeWalk(context.table, f.pfns, f.write, context.owner, context.pageSize);
    return { table: stored.table, ...withCmd(context, { result: stored.result }) };
  }),
  nextChunk: assign(({ context }) => {
    const f = cmdOf(context).fault!;
    const next = {
      ...f,
      chunkStart: f.chunkEnd,
      chunkEnd: chunkEnd(context, f.chunkEnd),
      seq: null,
      tries: 0,
      pfns: [],
    };
    return withCmd(context, { fault: next });
  }),
  countRetry: assign(({ context }) => {
    const f = cmdOf(context).fault!;
    return withCmd(context, { fault: { ...f, tries: countRestart(f.tries, context.maxRetries), seq: null, pfns: [] } });
  }),
  endFaultPath: assign(({ context }) => withCmd(context, { fault: null })),
  beginSnapshot: assign(({ context }) => {
    const c = cmdOf(context);
    const fault = {
      start: c.addr,
      end: c.end,
      write: false,
      chunkStart: c.addr,
      chunkEnd: chunkEnd(context, c.addr),
      seq: null,
      tries: 0,
      pfns: [],
    };
    return withCmd(context, { fault });
  }),
});
