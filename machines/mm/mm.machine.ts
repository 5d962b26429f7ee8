/**
 * `mm:<proc>` — one process address space (`struct mm_struct`): its VMAs, CPU page table,
 * physical pages, page cache and swap, `mm_users` / `mm_count`, and `hmm_range_fault`.
 *
 * Kernel functions modelled: mmap/munmap/mprotect/madvise, the CPU fault paths
 * (`handle_mm_fault`), fork (`dup_mmap`), `exit_mmap`, the OOM reaper, reclaim of one page,
 * `pin_user_pages`/`unpin_user_pages`, `mmget_not_zero`/`mmput`/`mmgrab`/`mmdrop`,
 * device-private migration, `make_device_exclusive_range`, soft-dirty clearing, and
 * `hmm_range_fault` (mm/hmm-walk.ts, mm/ops-walk.ts).
 *
 * Events in: the requests of mm/events.ts (`mm.*` with `{ replyTo, tid }`, `hmm.rangeFault`),
 * `mm.waitpid` (deferred until the process has exited, then its wait status), the lockless `mm.get`/`mm.put`/`mm.grab`/`mm.drop`/`mm.unpin`/`mm.devRead`/`mm.devWrite`
 * (a device's direct page access, mm/device-access.ts), `mm.cacheSync` (another mm changed a
 * shared page, mm/page-cache-sync.ts), `mm.forked` (a child's start), and from the notifier core `core.startDone { tid, result }`, `core.endDone { tid }`.
 * Events out: `mm.result { mm, tid, op, result, value? }`, `hmm.rangeResult { mm, tid,
 * result, pfns }`, `core.invalidateStart { replyTo, tid, start, end, event, owner, blockable }`,
 * `core.invalidateEnd { replyTo, tid }`, `mm.forked { parent, image }` (to a fork child),
 * `mm.cacheSync { file, index, data }` (to every peer mm, before the reply of the change).
 * Observations: `pte.changed`, `page.allocated`, `page.freed`, `mm.exited`, `mm.misuse`.
 *
 * Every clear, replace, write-protect or move of a PTE is bracketed by an invalidation of the
 * covering range: `core.invalidateStart` → `core.startDone` → the change → `core.invalidateEnd`
 * → `core.endDone`. Filling an empty PTE needs none.
 *
 * States, as predicates over the context:
 * - `unborn`          child ∧ mmUsers = 0 ∧ no VMAs (a fork child before `mm.forked`)
 * - `alive.idle`      op = null (no operation holds the mmap lock; the reaper may read-hold it)
 * - `alive.busy.waitingForReaders`  op on the write side ∧ the OOM reaper in `beside`
 *                     (`down_write` sleeps until the reader is gone)
 * - `alive.busy.running`  op.outcome = 'running' (transient: the operation is being attempted)
 * - `alive.busy.starting` op.pending ≠ null, `core.invalidateStart` sent, no `startDone` yet
 * - `alive.busy.ending`   op.pending ≠ null, the PTE change made, `core.invalidateEnd` sent
 * - `exited`          mmUsers = 0 ∧ no VMAs ∧ no PTEs (exit_mmap done; pinned pages may remain)
 * While busy, every request that needs the mmap lock is deferred (one operation at a time).
 * Reclaim (`mm.reclaim`) takes no mmap lock and the OOM reaper (`mm.oomReap`) takes it for
 * read by trylock (mm/mmap-lock.ts): each runs its attempts and invalidations beside the lock
 * holder, kept by tid in `beside` (core answers are told apart by tid). The reaper's trylock
 * fails while `op` is on the write side: it replies -EAGAIN at once (`oom_reap_task_mm`
 * returned false; `oom_reap_task`'s retries are its caller's, one request per attempt).
 */
import { and, enqueueActions, setup } from 'xstate';
import { EAGAIN, EFAULT } from '../errno.ts';
import { kernelActions } from '../kernel-actions.ts';
import { initialContext, type MmContext, type MmInput, memoryOf, type PendingOp } from './context.ts';
import { deviceRead, deviceWrite } from './device-access.ts';
import { MM_REQUEST_TYPES, type MmEvent, type MmRequest } from './events.ts';
import { mmapLockSide } from './mmap-lock.ts';
import { applyMutation } from './mutations.ts';
import { handlerFor, replyFor } from './operations.ts';
import { unpinAll } from './ops-access.ts';
import { adoptForkImage } from './ops-life.ts';
import { applyCacheSync, cacheSyncSends } from './page-cache-sync.ts';
import { beginTx } from './pages.ts';
import { besideAttempt, besideStartDone, reaperReading, sendTo } from './reclaim-slot.ts';

function isRequest(ev: MmEvent): ev is MmRequest {
  return (MM_REQUEST_TYPES as string[]).includes(ev.type);
}

/** Requests deferred while the mmap lock is held (and, in `unborn`, everything addressed to it). */
const LOCKED_REQUESTS = MM_REQUEST_TYPES.filter((t) => t !== 'mm.reclaim' && t !== 'mm.oomReap');
const LOCKLESS = ['mm.get', 'mm.put', 'mm.grab', 'mm.drop', 'mm.unpin', 'mm.devRead', 'mm.devWrite'];

/**
 * One process address space `mm:<process>`: VMAs, CPU PTEs and pages, the mmap lock,
 * `mm_users`/`mm_count`, and the operations that change PTEs (munmap, mprotect, madvise, fork,
 * migration, exit, the OOM reaper), each bracketed by an invalidation of the notifier core
 * `core:<process>`. It also runs `hmm_range_fault` (the walk of docs/kernel-semantics.md §2).
 *
 * @example
 * ```ts
 * import { exportMachine, mmMachine } from 'mirrorlab';
 *
 * // Usually started by the scenario compiler (one per `processes:` entry), with this input:
 * const input = { id: 'mm:p1', core: 'core:p1', pageSize: 4096 };
 * console.log(exportMachine(mmMachine, 'mermaid')); // its states and transitions
 * ```
 */
export const mmMachine = setup({
  types: {
    context: {} as MmContext,
    input: {} as MmInput,
    events: {} as MmEvent,
  },
  guards: {
    isForkChild: ({ context }) => context.child,
    operationNeedsInvalidation: ({ context }) => context.op?.outcome === 'invalidate',
    operationExited: ({ context }) => context.op?.outcome === 'exit',
    nonBlockableStartRefused: ({ event }) => event.type === 'core.startDone' && event.result < 0,
    /** A core answer for the operation holding the mmap lock (not for a reclaimer). */
    forOperation: ({ context, event }) => 'tid' in event && context.op?.req.tid === event.tid,
    forBeside: ({ context, event }) => 'tid' in event && typeof event.tid === 'string' && event.tid in context.beside,
    /** `mmap_read_trylock` fails: a writer holds the lock or sleeps for it. */
    mmapWriteHeld: ({ context }) => context.op !== null && mmapLockSide(context.op.req) === 'write',
    /** The writer must wait while the OOM reaper holds the lock for read. */
    writerWaitsForReaper: ({ context }) =>
      context.op !== null && mmapLockSide(context.op.req) === 'write' && reaperReading(context),
    noReaderBeside: ({ context }) => !reaperReading(context),
  },
  actions: {
    ...kernelActions,
    /** Take the mmap lock for this request. */
    beginOperation: enqueueActions(({ event, enqueue }) => {
      if (!isRequest(event)) return;
      const op: PendingOp = { req: event, progress: null, outcome: 'running', pending: null };
      enqueue.assign({ op });
    }),
    /** Run the operation as far as it goes without an invalidation; reply when it is done. */
    runOperation: enqueueActions(({ context, enqueue }) => {
      const op = context.op!;
      const tx = beginTx(context.id, memoryOf(context));
      const att = handlerFor(op.req)(tx, op.req, op.progress);
      const next: PendingOp =
        att.kind === 'invalidate'
          ? {
              ...op,
              outcome: 'invalidate',
              pending: {
                inv: att.inv,
                mutation: att.mutation,
                progress: att.progress ?? null,
                progressIfRefused: att.progressIfRefused ?? att.progress ?? null,
              },
            }
          : { ...op, outcome: att.exit ? 'exit' : 'reply', pending: null };
      enqueue.assign({ ...tx.m, op: next });
      for (const o of tx.obs) enqueue({ type: 'kObserve', params: o });
      for (const s of cacheSyncSends(context.peers, context, tx)) enqueue({ type: 'kSend', params: s });
      if (att.kind === 'reply') {
        for (const s of att.sends ?? []) enqueue({ type: 'kSend', params: s });
        for (const a of sendTo(
          op.req.replyTo,
          replyFor(context.id, op.req, att.result, att.value, att.pfns, att.allocFailed),
        ))
          enqueue(a);
      }
    }),
    sendInvalidateStart: enqueueActions(({ context, enqueue }) => {
      const op = context.op!;
      const event = { type: 'core.invalidateStart', replyTo: context.id, tid: op.req.tid, ...op.pending!.inv };
      for (const a of sendTo(context.core, event)) enqueue(a);
    }),
    /** Between start and end: change the PTEs (pages may be freed here), then end. */
    changePtesAndEndInvalidation: enqueueActions(({ context, enqueue }) => {
      const op = context.op!;
      const tx = beginTx(context.id, memoryOf(context));
      applyMutation(tx, op.pending!.mutation);
      enqueue.assign({ ...tx.m });
      for (const o of tx.obs) enqueue({ type: 'kObserve', params: o });
      for (const s of cacheSyncSends(context.peers, context, tx)) enqueue({ type: 'kSend', params: s });
      const end = { type: 'core.invalidateEnd', replyTo: context.id, tid: op.req.tid };
      for (const a of sendTo(context.core, end)) enqueue(a);
    }),
    /** -EAGAIN from a non-blockable start: no PTE change and no invalidateEnd for this range. */
    skipRefusedRange: enqueueActions(({ context, enqueue }) => {
      const op = context.op!;
      enqueue.assign({ op: { ...op, progress: op.pending!.progressIfRefused, outcome: 'running', pending: null } });
    }),
    advanceAfterEnd: enqueueActions(({ context, enqueue }) => {
      const op = context.op!;
      enqueue.assign({ op: { ...op, progress: op.pending!.progress, outcome: 'running', pending: null } });
    }),
    releaseMmapLock: enqueueActions(({ enqueue }) => enqueue.assign({ op: null })),
    /**
     * Reclaim (lockless, mm/ops-access.ts `reclaim`) or the OOM reaper once its trylock
     * succeeded (mm/ops-life.ts `oomReap`): attempt it, then run each invalidation it names
     * beside whatever holds the mmap lock; its PTE change re-checks the entries.
     */
    beginBeside: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.reclaim' && event.type !== 'mm.oomReap') return;
      const { patch, effects } = besideAttempt(context, {
        req: event,
        progress: null,
        outcome: 'running',
        pending: null,
      });
      enqueue.assign(patch);
      for (const a of effects) enqueue(a);
    }),
    /** `mmap_read_trylock` failed: `oom_reap_task_mm` gives up this attempt (-EAGAIN). */
    reaperBacksOff: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.oomReap') return;
      for (const a of sendTo(event.replyTo, replyFor(context.id, event, EAGAIN))) enqueue(a);
    }),
    besideChangePtes: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'core.startDone') return;
      const { patch, effects } = besideStartDone(context, event.tid, event.result);
      enqueue.assign(patch);
      for (const a of effects) enqueue(a);
    }),
    besideAdvance: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'core.endDone') return;
      const op = context.beside[event.tid];
      const { patch, effects } = besideAttempt(context, { ...op, progress: op.pending!.progress, pending: null });
      enqueue.assign(patch);
      for (const a of effects) enqueue(a);
    }),
    /** mmget_not_zero. */
    mmgetNotZero: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.get') return;
      const ok = context.mmUsers > 0;
      if (ok) enqueue.assign({ mmUsers: context.mmUsers + 1 });
      for (const a of sendTo(event.replyTo, replyFor(context.id, event, ok ? 0 : EFAULT))) enqueue(a);
    }),
    mmput: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.put') return;
      enqueue.assign({ mmUsers: Math.max(0, context.mmUsers - 1) });
      for (const a of sendTo(event.replyTo, replyFor(context.id, { type: event.type, tid: event.tid ?? '' }, 0)))
        enqueue(a);
    }),
    mmgrabOrDrop: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.grab' && event.type !== 'mm.drop') return;
      enqueue.assign({ mmCount: context.mmCount + (event.type === 'mm.grab' ? 1 : -1) });
      for (const a of sendTo(event.replyTo, replyFor(context.id, { type: event.type, tid: event.tid ?? '' }, 0)))
        enqueue(a);
    }),
    unpinUserPages: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.unpin') return;
      const tx = beginTx(context.id, memoryOf(context));
      const bad = unpinAll(tx, event.pfns ?? []);
      enqueue.assign({ pages: tx.m.pages, lastGen: tx.m.lastGen });
      for (const o of tx.obs) enqueue({ type: 'kObserve', params: o });
      for (const pfn of bad)
        enqueue({
          type: 'kObserve',
          params: {
            kind: 'mm.misuse',
            mm: context.id,
            tid: event.tid ?? null,
            reason: 'unpin of an unpinned page',
            pfn,
          },
        });
      for (const a of sendTo(event.replyTo, replyFor(context.id, { type: event.type, tid: event.tid ?? '' }, 0)))
        enqueue(a);
    }),
    /** A device's direct access to physical pages (device-access.ts): no mmap lock. */
    deviceAccessPages: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.devRead' && event.type !== 'mm.devWrite') return;
      const tx = beginTx(context.id, memoryOf(context));
      let value: number[] | undefined;
      if (event.type === 'mm.devRead') value = deviceRead(tx, event.dev, event.pages ?? []);
      else {
        deviceWrite(tx, event.dev, event.pages ?? [], event.data ?? []);
        enqueue.assign({ pages: tx.m.pages });
      }
      for (const o of tx.obs) enqueue({ type: 'kObserve', params: o });
      for (const s of cacheSyncSends(context.peers, context, tx)) enqueue({ type: 'kSend', params: s });
      for (const a of sendTo(event.replyTo, replyFor(context.id, { type: event.type, tid: event.tid ?? '' }, 0, value)))
        enqueue(a);
    }),
    /** Another mm changed a shared page: this mm's copy follows (page-cache-sync.ts). */
    followPeerPage: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.cacheSync') return;
      const tx = beginTx(context.id, memoryOf(context));
      applyCacheSync(tx, event);
      enqueue.assign({ pages: tx.m.pages, files: tx.m.files, lastGen: tx.m.lastGen });
      for (const o of tx.obs) enqueue({ type: 'kObserve', params: o });
    }),
    adoptParentImage: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.forked') return;
      const tx = beginTx(context.id, memoryOf(context));
      adoptForkImage(tx, event.image);
      enqueue.assign({ ...tx.m });
      for (const o of tx.obs) enqueue({ type: 'kObserve', params: o });
    }),
    /** waitpid on a process that is gone: its wait status. */
    replyWaitStatus: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'mm.waitpid') return;
      for (const a of sendTo(event.replyTo, replyFor(context.id, event, 0, context.waitStatus))) enqueue(a);
    }),
    /** After exit_mmap every request fails: the address space is gone (mmget_not_zero fails). */
    replyAddressSpaceGone: enqueueActions(({ context, event, enqueue }) => {
      if (!isRequest(event)) return;
      // The OOM reaper skips an mm whose exit finished (MMF_OOM_SKIP): nothing left to reap.
      const result = event.type === 'mm.oomReap' ? 0 : EFAULT;
      for (const a of sendTo(event.replyTo, replyFor(context.id, event, result))) enqueue(a);
    }),
  },
}).createMachine({
  id: 'mm',
  // Records a transaction replaces and never edits once committed (pages.ts copies a record
  // before its first write): the runtime keeps their text between snapshots (snapshot-key.ts).
  meta: { keptRecords: ['ptes', 'versions', 'pages', 'lastGen', 'files', 'swap'] },
  context: ({ input }) => initialContext(input),
  initial: 'booting',
  states: {
    booting: {
      always: [{ guard: 'isForkChild', target: 'unborn' }, { target: 'alive' }],
    },
    unborn: {
      meta: {
        defer: [...LOCKED_REQUESTS, 'mm.reclaim', 'mm.oomReap', ...LOCKLESS, 'mm.waitpid'],
        ignore: { 'mm.cacheSync': 'the fork image will carry the page as it is then' },
      },
      on: { 'mm.forked': { target: 'alive', actions: 'adoptParentImage' } },
    },
    alive: {
      // waitpid sleeps until the process is gone.
      meta: { defer: ['mm.waitpid'] },
      initial: 'idle',
      on: {
        'mm.get': { actions: 'mmgetNotZero' },
        'mm.put': { actions: 'mmput' },
        'mm.grab': { actions: 'mmgrabOrDrop' },
        'mm.drop': { actions: 'mmgrabOrDrop' },
        'mm.unpin': { actions: 'unpinUserPages' },
        'mm.devRead': { actions: 'deviceAccessPages' },
        'mm.devWrite': { actions: 'deviceAccessPages' },
        'mm.cacheSync': { actions: 'followPeerPage' },
        'mm.reclaim': { actions: 'beginBeside' },
        'mm.oomReap': [{ guard: 'mmapWriteHeld', actions: 'reaperBacksOff' }, { actions: 'beginBeside' }],
        'core.startDone': { guard: 'forBeside', actions: 'besideChangePtes' },
        'core.endDone': { guard: 'forBeside', actions: 'besideAdvance' },
      },
      states: {
        idle: {
          entry: 'releaseMmapLock',
          on: Object.fromEntries(
            LOCKED_REQUESTS.map((type) => [type, { target: 'busy', actions: 'beginOperation' }]),
          ) as Record<MmRequest['type'], { target: 'busy'; actions: 'beginOperation' }>,
        },
        busy: {
          meta: { defer: LOCKED_REQUESTS },
          initial: 'locking',
          states: {
            locking: {
              always: [{ guard: 'writerWaitsForReaper', target: 'waitingForReaders' }, { target: 'running' }],
            },
            waitingForReaders: { always: { guard: 'noReaderBeside', target: 'running' } },
            running: {
              entry: 'runOperation',
              always: [
                { guard: 'operationExited', target: '#mm.exited' },
                { guard: 'operationNeedsInvalidation', target: 'starting' },
                { target: '#mm.alive.idle' },
              ],
            },
            starting: {
              entry: 'sendInvalidateStart',
              on: {
                'core.startDone': [
                  {
                    guard: and(['forOperation', 'nonBlockableStartRefused']),
                    target: 'running',
                    actions: 'skipRefusedRange',
                  },
                  { guard: 'forOperation', target: 'ending', actions: 'changePtesAndEndInvalidation' },
                ],
              },
            },
            ending: {
              on: { 'core.endDone': { guard: 'forOperation', target: 'running', actions: 'advanceAfterEnd' } },
            },
          },
        },
      },
    },
    exited: {
      entry: 'releaseMmapLock',
      on: {
        ...Object.fromEntries(LOCKED_REQUESTS.map((type) => [type, { actions: 'replyAddressSpaceGone' }])),
        'mm.get': { actions: 'mmgetNotZero' },
        'mm.put': { actions: 'mmput' },
        'mm.grab': { actions: 'mmgrabOrDrop' },
        'mm.drop': { actions: 'mmgrabOrDrop' },
        'mm.unpin': { actions: 'unpinUserPages' },
        'mm.devRead': { actions: 'deviceAccessPages' },
        'mm.devWrite': { actions: 'deviceAccessPages' },
        'mm.cacheSync': { actions: 'followPeerPage' },
        'mm.waitpid': { actions: 'replyWaitStatus' },
        // A reclaim that began before exit_mmap finishes (its entry is gone by now).
        'mm.reclaim': { actions: 'replyAddressSpaceGone' },
        'mm.oomReap': { actions: 'replyAddressSpaceGone' },
        'core.startDone': { guard: 'forBeside', actions: 'besideChangePtes' },
        'core.endDone': { guard: 'forBeside', actions: 'besideAdvance' },
      },
    },
  },
});
