/**
 * Named guards and actions of the driver actor, shared by the five profiles. Names follow
 * the kernel step they stand for (`notifierReadBegin` = mmu_interval_read_begin,
 * `setNotifierSeq` = mmu_interval_set_seq, `zapDeviceRange` = clear SPTEs + TLB flush).
 * The states that use them are in fault-region.ts and callback-region.ts.
 *
 * Lock discipline (the update lock, `context.lock`): `published` and `pinned` are only
 * written by a region that holds it; `request.pages` are only turned into device entries
 * after read_retry passed under it.
 */
import { assertEvent, type EventObject, setup } from 'xstate';
import { EBUSY, EFAULT } from '../errno.ts';
import { type ActorId, type KSendParams, kernelActions, type Observation } from '../kernel-actions.ts';
import { countRestart, retriesExhausted } from '../retry-bound.ts';
import {
  deviceEntries,
  inRange,
  pageRange,
  pagesFromPins,
  pagesFromWalk,
  pinsOf,
  replacedPins,
  replacePins,
} from './device-pages.ts';
import { cachePinsPages, hasBug, isUserptrProfile } from './driver-context.ts';
import type {
  CallbackRun,
  DriverContext,
  DriverEvent,
  DriverInput,
  DriverRequest,
  SubmittedJob,
} from './driver-types.ts';
import { grantedTo, withoutWaiter, withWaiter } from './lock-waiters.ts';

const req = (context: DriverContext): DriverRequest => {
  if (!context.request) throw new Error(`driver '${context.id}': no request in progress (model bug)`);
  return context.request;
};
/** The thread an event of the callback region belongs to (a `drv.invalidate` may name none). */
const cbTid = (context: DriverContext, event: EventObject): string =>
  (event as { tid?: string }).tid ?? `${context.id}/cb`;
/** The invalidate callback running in the thread of `event` (one per invalidating thread). */
const cb = (context: DriverContext, event: EventObject): CallbackRun => {
  const tid = cbTid(context, event);
  const run = context.callbacks.find((c) => c.tid === tid);
  if (!run) throw new Error(`driver '${context.id}': no invalidate callback in thread ${tid} (model bug)`);
  return run;
};
/** The callbacks with `run` replaced by `patch` applied to it. */
const withRun = (context: DriverContext, run: CallbackRun, patch: Partial<CallbackRun>): CallbackRun[] =>
  context.callbacks.map((c) => (c.tid === run.tid ? { ...c, ...patch } : c));
const cbIdOf = (context: DriverContext): string => `${context.id}#${String(req(context).job)}`;
const jobOf = (context: DriverContext, cbId: string): SubmittedJob | undefined =>
  context.submitted.find((j) => j.cbId === cbId);
const mmOpIs = (op: unknown, name: string): boolean => op === name || op === `mm.${name}`;
const newRequest = (fields: Omit<DriverRequest, 'seq' | 'retries' | 'pages' | 'pinned' | 'result'>): DriverRequest => ({
  ...fields,
  seq: null,
  retries: 0,
  pages: [],
  pinned: false,
  result: 0,
});

/** The kernel effects as typed action objects for `enqueue(...)`. */
const kSend = (to: ActorId, type: string, fields: Record<string, unknown>): { type: 'kSend'; params: KSendParams } => {
  const event: EventObject = { type, ...fields };
  return { type: 'kSend', params: { to, event } };
};
const kObserve = (params: Observation): { type: 'kObserve'; params: Observation } => ({ type: 'kObserve', params });

const base = setup({
  types: {
    context: {} as DriverContext,
    events: {} as DriverEvent,
    input: {} as DriverInput,
  },
  actions: { ...kernelActions },
});
const { assign, enqueueActions } = base;

export const driverSetup = base.extend({
  guards: {
    // ---- fault region ----
    replyIsForRequest: ({ context, event }) => 'tid' in event && event.tid === context.request?.tid,
    mmHeldByCountOnly: ({ context }) => context.profile === 'svm',
    mmgetFailed: ({ context, event }) =>
      event.type === 'mm.result' &&
      event.tid === context.request?.tid &&
      mmOpIs(event.op, 'get') &&
      (event.result < 0 || event.value === false),
    mmgetSucceeded: ({ context, event }) =>
      event.type === 'mm.result' && event.tid === context.request?.tid && mmOpIs(event.op, 'get'),
    pinReplyForRequest: ({ context, event }) =>
      event.type === 'mm.result' && event.tid === context.request?.tid && mmOpIs(event.op, 'pin'),
    cachePinsPages: ({ context }) => cachePinsPages(context),
    walkCollided: ({ context }) => req(context).result === EBUSY,
    walkFailed: ({ context }) => req(context).result < 0,
    /** Planted bug `retry-outside-lock`: read_retry is checked before taking the update lock. */
    retryCheckedOutsideLock: ({ context }) => hasBug(context, 'retry-outside-lock'),
    seqCollided: ({ context, event }) =>
      event.type === 'sub.retryResult' && event.tid === context.request?.tid && event.retry,
    retriesExhausted: ({ context }) => retriesExhausted(req(context).retries, context.maxRetries),
    lockGrantedToRequest: ({ context, event }) =>
      event.type === 'lock.granted' && grantedTo(context, event.tid) === 'request',
    lockInterruptedForRequest: ({ context, event }) =>
      event.type === 'lock.interrupted' && grantedTo(context, event.tid) === 'request',
    requestIsSubmission: ({ context }) => req(context).kind === 'submit',
    // ---- jobs region ----
    /** -ENOENT from dma_fence_add_callback: the job already finished; no callback will come. */
    jobFenceAlreadySignaled: ({ context, event }) =>
      event.type === 'fence.addCallbackResult' && jobOf(context, event.cbId) !== undefined && event.result < 0,
    jobFenceIsOurs: ({ context, event }) =>
      (event.type === 'fence.addCallbackResult' || event.type === 'fence.callback') &&
      jobOf(context, event.cbId) !== undefined,
    // ---- callback region ----
    /** §1.5 owner filtering: our own MIGRATE / EXCLUSIVE is handled by us, no set_seq. */
    eventIsOwnDeviceMemory: ({ context, event }) => {
      assertEvent(event, 'drv.invalidate');
      const kind = String(event.event).toUpperCase();
      return (kind === 'MIGRATE' || kind === 'EXCLUSIVE') && event.owner === context.pgmapOwner;
    },
    /** hfi1: pages are pinned, so only UNMAP matters to the cache. */
    cacheIgnoresEvent: ({ context, event }) => {
      assertEvent(event, 'drv.invalidate');
      return context.profile === 'registration-cache' && String(event.event).toUpperCase() !== 'UNMAP';
    },
    /** amdgpu/xe: a non-blockable invalidation is refused at once (the fence wait would sleep). */
    refusesNonBlockable: ({ context, event }) => {
      assertEvent(event, 'drv.invalidate');
      return isUserptrProfile(context) && !event.blockable && !hasBug(context, 'sleep-when-nonblockable');
    },
    /**
     * dmirror/nouveau/ODP, and a registration cache that respects the OOM reaper: a
     * non-blockable invalidation may only trylock. (hfi1's TID callback takes its mutex
     * regardless: that is the `sleep-when-nonblockable` knob on `registration-cache`.)
     */
    trylocksNonBlockable: ({ context, event }) => {
      assertEvent(event, 'drv.invalidate');
      return !isUserptrProfile(context) && !event.blockable && !hasBug(context, 'sleep-when-nonblockable');
    },
    lockGrantedToCallback: ({ context, event }) =>
      event.type === 'lock.granted' && grantedTo(context, event.tid) === 'callback',
    lockBusyForCallback: ({ context, event }) =>
      event.type === 'lock.busy' && context.callbacks.some((c) => c.tid === event.tid && c.step === 'tryLocking'),
    waitsFencesUnderLock: ({ context }) => context.profile === 'userptr-fence-under-lock',
    waitsFencesAfterUnlock: ({ context }) => context.profile === 'userptr-fence-after-unlock',
    fenceWaitIsOurs: ({ context, event }) =>
      event.type === 'fence.waitResult' &&
      context.callbacks.some((c) => c.tid === event.tid && c.step === 'fenceWait' && c.fences[0] === event.fence),
    zapIsOurs: ({ context, event }) =>
      event.type === 'dev.zapped' && context.callbacks.some((c) => c.tid === event.tid && c.step === 'zapping'),
    threadAlreadyInCallback: ({ context, event }) => context.callbacks.some((c) => c.tid === cbTid(context, event)),
    callbackRunning: ({ context }) => context.callbacks.length > 0,
    noCallbackRunning: ({ context }) => context.callbacks.length === 0,
  },
  actions: {
    // ---- fault region: accepting a request ----
    acceptFaultRequest: assign({
      request: ({ event }) => {
        assertEvent(event, 'drv.fault');
        const { replyTo, tid, start, end, write } = event;
        return newRequest({
          kind: 'fault',
          replyTo,
          tid,
          start,
          end,
          write,
          job: null,
          fence: null,
          accesses: [],
          deps: [],
        });
      },
    }),
    acceptDeviceFault: assign({
      request: ({ context, event }) => {
        assertEvent(event, 'drv.deviceFault');
        const range =
          event.start !== undefined && event.end !== undefined
            ? { start: event.start, end: event.end }
            : pageRange(event.addr ?? event.start ?? 0, context.pageSize);
        return newRequest({
          kind: 'fault',
          replyTo: event.replyTo ?? context.dev,
          tid: event.tid ?? context.dev,
          ...range,
          write: event.write ?? false,
          job: null,
          fence: null,
          accesses: [],
          deps: [],
        });
      },
    }),
    acceptSubmission: assign({
      request: ({ event }) => {
        assertEvent(event, 'drv.submit');
        const { replyTo, tid, start, end, write, job, fence, accesses, deps } = event;
        return newRequest({
          kind: 'submit',
          replyTo,
          tid,
          start,
          end,
          write,
          job,
          fence,
          accesses: accesses ?? [],
          deps: [...(deps ?? [])],
        });
      },
    }),
    // ---- fault region: the speculative part (no update lock held) ----
    mmgetNotZero: enqueueActions(({ context, enqueue }) => {
      enqueue(kSend(context.mm, 'mm.get', { replyTo: context.id, tid: req(context).tid }));
    }),
    mmput: enqueueActions(({ context, enqueue }) => {
      enqueue(kSend(context.mm, 'mm.put', { tid: req(context).tid }));
    }),
    failWithEfault: assign({ request: ({ context }) => ({ ...req(context), result: EFAULT }) }),
    failWithEbusy: assign({ request: ({ context }) => ({ ...req(context), result: EBUSY }) }),
    notifierReadBegin: enqueueActions(({ context, enqueue }) => {
      const { tid } = req(context);
      enqueue(kSend(context.sub, 'sub.readBegin', { replyTo: context.id, tid }));
      enqueue(kObserve({ kind: 'sleep', tid, on: context.sub }));
    }),
    recordNotifierSeq: assign({
      request: ({ context, event }) => {
        assertEvent(event, 'sub.readBeginResult');
        return { ...req(context), seq: event.seq };
      },
    }),
    hmmRangeFault: enqueueActions(({ context, enqueue }) => {
      const { tid, start, end, write, seq } = req(context);
      const owner = context.pgmapOwner;
      const fields = { replyTo: context.id, tid, start, end, fault: true, write, owner, sub: context.sub, seq };
      enqueue(kSend(context.mm, 'hmm.rangeFault', fields));
    }),
    recordWalk: assign({
      request: ({ context, event }) => {
        assertEvent(event, 'hmm.rangeResult');
        const pages = event.result === 0 ? pagesFromWalk(event.pfns ?? []) : [];
        return { ...req(context), result: event.result, pages, pinned: false };
      },
    }),
    pinUserPages: enqueueActions(({ context, enqueue }) => {
      const { tid, start, end, write } = req(context);
      enqueue(kSend(context.mm, 'mm.pin', { replyTo: context.id, tid, addr: start, length: end - start, write }));
    }),
    recordPins: assign({
      request: ({ context, event }) => {
        assertEvent(event, 'mm.result');
        const r = req(context);
        const pages = event.result === 0 ? pagesFromPins(event.value, r.write) : [];
        return { ...r, result: event.result, pages, pinned: event.result === 0 };
      },
    }),
    countRetry: assign({
      request: ({ context }) => {
        const r = req(context);
        return {
          ...r,
          retries: countRestart(r.retries, context.maxRetries),
          seq: null,
          pages: [],
          pinned: false,
          result: 0,
        };
      },
    }),
    /** Pages pinned for an attempt that collided are given back before restarting. */
    dropPinnedPages: enqueueActions(({ context, enqueue }) => {
      const r = req(context);
      if (!r.pinned || r.pages.length === 0) return;
      enqueue(kSend(context.mm, 'mm.unpin', { tid: r.tid, pfns: pinsOf(r.pages) }));
      enqueue.assign({ request: { ...r, pages: [], pinned: false } });
    }),
    // ---- fault region: under the update lock ----
    takeUpdateLock: enqueueActions(({ context, enqueue }) => {
      const { tid, kind } = req(context);
      const mode = kind === 'submit' ? context.submitLockMode : 'write';
      const intr = kind === 'submit' && context.submitLockIntr ? { intr: context.submitLockIntr } : {};
      enqueue(kSend(context.lock, 'lock.acquire', { replyTo: context.id, tid, mode, ...intr }));
      enqueue(kObserve({ kind: 'sleep', tid, on: context.lock }));
      enqueue.assign({ lockWaiters: withWaiter(context.lockWaiters, 'request', tid) });
    }),
    requestGotLock: assign({
      lockWaiters: ({ context }) => withoutWaiter(context.lockWaiters, 'request', req(context).tid),
    }),
    /** A signal ended the submission's lock wait: it fails with that error (-EINTR). */
    requestLockInterrupted: assign({
      lockWaiters: ({ context }) => withoutWaiter(context.lockWaiters, 'request', req(context).tid),
      request: ({ context, event }) => {
        assertEvent(event, 'lock.interrupted');
        return { ...req(context), result: event.result };
      },
    }),
    notifierReadRetry: enqueueActions(({ context, enqueue }) => {
      const { tid, seq } = req(context);
      enqueue(kSend(context.sub, 'sub.readRetry', { replyTo: context.id, tid, seq }));
    }),
    releaseUpdateLock: enqueueActions(({ context, enqueue }) => {
      enqueue(kSend(context.lock, 'lock.release', { tid: req(context).tid }));
    }),
    programDevicePtes: enqueueActions(({ context, enqueue }) => {
      const r = req(context);
      enqueue(kSend(context.dev, 'dev.map', { tid: r.tid, entries: deviceEntries(r.pages, r.pinned) }));
    }),
    /** The cache now owns the pins; a page it already held at the same address is released. */
    cachePinnedPages: enqueueActions(({ context, enqueue }) => {
      const r = req(context);
      if (!r.pinned) return;
      const fresh = pinsOf(r.pages);
      const old = replacedPins(context.pinned, fresh);
      if (old.length > 0) enqueue(kSend(context.mm, 'mm.unpin', { tid: r.tid, pfns: old }));
      enqueue.assign({ pinned: replacePins(context.pinned, fresh) });
    }),
    /**
     * The job fence is visible to the callback from now on: the submitter enters the fence's
     * signalling section (dma_fence_begin_signalling), which lasts until the job is handed over.
     */
    publishJobFence: enqueueActions(({ context, enqueue }) => {
      const { kind, fence, tid } = req(context);
      if (kind !== 'submit' || fence === null) return;
      if (!context.published.includes(fence)) enqueue.assign({ published: [...context.published, fence].sort() });
      if (!context.signalling.includes(tid)) {
        enqueue.assign({ signalling: [...context.signalling, tid].sort() });
        enqueue(kObserve({ kind: 'signalling.begin', tid }));
      }
    }),
    /** The job reaches the device's ring: the submitter's signalling section ends. */
    submitJobToDevice: enqueueActions(({ context, enqueue }) => {
      const { kind, tid, job, fence, accesses, deps } = req(context);
      if (kind !== 'submit') return;
      const after = deps.length ? { deps } : {};
      enqueue(kSend(context.dev, 'dev.submit', { replyTo: context.id, tid, job, fence, accesses, ...after }));
      if (context.signalling.includes(tid)) {
        enqueue.assign({ signalling: context.signalling.filter((t) => t !== tid) });
        enqueue(kObserve({ kind: 'signalling.end', tid }));
      }
    }),
    // ---- fault region: hand a submitted job to the jobs region, and the reply ----
    /** The submitter sleeps on its fence from now on; the fault region is free for others. */
    watchJobFence: enqueueActions(({ context, enqueue }) => {
      const { kind, tid, replyTo, job, fence } = req(context);
      if (kind !== 'submit' || fence === null || job === null) return;
      const cbId = cbIdOf(context);
      enqueue(kSend(fence, 'fence.addCallback', { replyTo: context.id, cbId }));
      const entry: SubmittedJob = { cbId, tid, replyTo, job, fence, registered: false };
      // One entry per cbId (a job id is used once; a repeat replaces the entry, keeping it finite).
      const others = context.submitted.filter((j) => j.cbId !== cbId);
      const submitted = [...others, entry].sort((a, b) => (a.cbId < b.cbId ? -1 : a.cbId > b.cbId ? 1 : 0));
      enqueue.assign({ submitted });
    }),
    // ---- jobs region ----
    jobFenceCallbackRegistered: assign({
      submitted: ({ context, event }) => {
        assertEvent(event, 'fence.addCallbackResult');
        return context.submitted.map((j) => (j.cbId === event.cbId ? { ...j, registered: true } : j));
      },
    }),
    /** The job's fence signalled (or had already): unpublish it and wake the submitter. */
    endSubmittedJob: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'fence.callback' && event.type !== 'fence.addCallbackResult') return;
      const done = jobOf(context, event.cbId);
      if (!done) return;
      const result = event.type === 'fence.callback' ? Math.min(event.status, 0) : 0;
      enqueue(kSend(done.replyTo, 'drv.submitResult', { tid: done.tid, result }));
      enqueue.assign({
        published: context.published.filter((f) => f !== done.fence),
        submitted: context.submitted.filter((j) => j !== done),
      });
    }),
    replyToRequester: enqueueActions(({ context, enqueue }) => {
      const { kind, replyTo, tid, result } = req(context);
      enqueue(kSend(replyTo, kind === 'submit' ? 'drv.submitResult' : 'drv.faultResult', { tid, result }));
    }),
    finishRequest: assign({ request: null }),
    // ---- callback region ----
    beginCallback: assign({
      callbacks: ({ context, event }) => {
        assertEvent(event, 'drv.invalidate');
        const { sub, start, end, curSeq, blockable } = event;
        const tid = cbTid(context, event);
        const step = 'locking' as const;
        const run = { sub, tid, start, end, curSeq, event: event.event, blockable, holdsLock: false, step, fences: [] };
        return [...context.callbacks, run];
      },
    }),
    /** Filtered event (own MIGRATE/EXCLUSIVE, or not UNMAP for the cache): return true, no set_seq. */
    returnWithoutInvalidating: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'drv.invalidate');
      enqueue(kSend(event.sub, 'drv.invalidateReturned', { sub: event.sub, ok: true, tid: cbTid(context, event) }));
    }),
    /** Non-blockable range and this driver would have to sleep: return false at once. */
    refuseNonBlockable: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'drv.invalidate');
      enqueue(kSend(event.sub, 'drv.invalidateReturned', { sub: event.sub, ok: false, tid: cbTid(context, event) }));
    }),
    /** Trylock failed on a non-blockable range: return false (the core answers -EAGAIN). */
    returnLockBusy: enqueueActions(({ context, event, enqueue }) => {
      const { sub, tid } = cb(context, event);
      enqueue(kSend(sub, 'drv.invalidateReturned', { sub, ok: false, tid }));
    }),
    /** The device can no longer reach the old pages: return true. */
    returnInvalidated: enqueueActions(({ context, event, enqueue }) => {
      const { sub, tid } = cb(context, event);
      enqueue(kSend(sub, 'drv.invalidateReturned', { sub, ok: true, tid }));
    }),
    tryTakeUpdateLock: enqueueActions(({ context, event, enqueue }) => {
      const run = cb(context, event);
      enqueue(kSend(context.lock, 'lock.tryAcquire', { replyTo: context.id, tid: run.tid, mode: 'write' }));
      enqueue.assign({
        lockWaiters: withWaiter(context.lockWaiters, 'callback', run.tid),
        callbacks: withRun(context, run, { step: 'tryLocking' }),
      });
    }),
    takeUpdateLockInCallback: enqueueActions(({ context, event, enqueue }) => {
      const { tid } = cb(context, event);
      enqueue(kSend(context.lock, 'lock.acquire', { replyTo: context.id, tid, mode: 'write' }));
      enqueue(kObserve({ kind: 'sleep', tid, on: context.lock }));
      enqueue.assign({ lockWaiters: withWaiter(context.lockWaiters, 'callback', tid) });
    }),
    callbackGotLock: assign({
      lockWaiters: ({ context, event }) => withoutWaiter(context.lockWaiters, 'callback', cb(context, event).tid),
      callbacks: ({ context, event }) => withRun(context, cb(context, event), { holdsLock: true }),
    }),
    callbackLockBusy: assign({
      lockWaiters: ({ context, event }) => withoutWaiter(context.lockWaiters, 'callback', cb(context, event).tid),
    }),
    /** mmu_interval_set_seq under the update lock; skipped by the `missing-set-seq` bug. */
    setNotifierSeq: enqueueActions(({ context, event, enqueue }) => {
      if (hasBug(context, 'missing-set-seq')) return;
      const { sub, curSeq, tid } = cb(context, event);
      enqueue(kSend(sub, 'sub.setSeq', { curSeq, tid }));
    }),
    collectPublishedFences: assign({
      callbacks: ({ context, event }) => withRun(context, cb(context, event), { fences: [...context.published] }),
    }),
    releaseUpdateLockInCallback: enqueueActions(({ context, event, enqueue }) => {
      const run = cb(context, event);
      if (!run.holdsLock) return;
      enqueue(kSend(context.lock, 'lock.release', { tid: run.tid }));
      enqueue.assign({ callbacks: withRun(context, run, { holdsLock: false }) });
    }),
    /**
     * dma_fence_wait(fence, intr=false) with no timeout, as the notifier must (§3.4, #611), on
     * the next fence still to wait for; with none left, on to the zap.
     */
    waitNextFenceOrZap: enqueueActions(({ context, event, enqueue }) => {
      const run = cb(context, event);
      const { tid, fences, start, end } = run;
      const fence = fences[0];
      if (fence === undefined) {
        enqueue(kSend(context.dev, 'dev.zap', { replyTo: context.id, tid, start, end }));
        enqueue.assign({ callbacks: withRun(context, run, { step: 'zapping' }) });
        return;
      }
      enqueue(kSend(fence, 'fence.wait', { replyTo: context.id, tid, intr: false, timeout: 'forever' }));
      enqueue(kObserve({ kind: 'sleep', tid, on: fence }));
      enqueue.assign({ callbacks: withRun(context, run, { step: 'fenceWait' }) });
    }),
    fenceWaited: assign({
      callbacks: ({ context, event }) => {
        const run = cb(context, event);
        return withRun(context, run, { fences: run.fences.slice(1) });
      },
    }),
    zapDeviceRange: enqueueActions(({ context, event, enqueue }) => {
      const run = cb(context, event);
      enqueue(kSend(context.dev, 'dev.zap', { replyTo: context.id, tid: run.tid, start: run.start, end: run.end }));
      enqueue.assign({ callbacks: withRun(context, run, { step: 'zapping' }) });
    }),
    /** Registration cache: the zapped entries' pins are dropped (after the zap, never before). */
    unpinZappedPages: enqueueActions(({ context, event, enqueue }) => {
      if (context.profile !== 'registration-cache') return;
      const { tid, start, end } = cb(context, event);
      const dropped = context.pinned.filter((p) => inRange(p.addr, start, end));
      if (dropped.length === 0) return;
      enqueue(kSend(context.mm, 'mm.unpin', { tid, pfns: dropped }));
      enqueue.assign({ pinned: context.pinned.filter((p) => !inRange(p.addr, start, end)) });
    }),
    finishCallback: assign({
      callbacks: ({ context, event }) => context.callbacks.filter((c) => c.tid !== cbTid(context, event)),
    }),
  },
});
