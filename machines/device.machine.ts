/**
 * A mirroring device: its device page table (the shadow PTEs a driver builds from
 * hmm_range_fault output, as lib/test_hmm.c keeps them in an XArray of tagged pages) and
 * one engine that runs submitted jobs in order and signals each job's dma_fence.
 *
 * Kernel objects modelled: the device page table and its TLB (map / zap + synchronous
 * flush), the hardware engine (accesses, replayable device page faults, hang recovery
 * via reset) and the driver's job-completion path, i.e. the fence signalling critical
 * section (dma_fence_begin_signalling … dma_fence_signal … dma_fence_end_signalling),
 * optionally taking a lock or allocating memory before it signals (docs/kernel-semantics.md §4.4–4.7).
 *
 * The table holds no page references (docs/kernel-semantics.md §5.3): nothing here stops the mm from
 * freeing a page the table still points at. Only the driver's zap on invalidation does;
 * the monitors judge that from the `dev.access` observations.
 *
 * Events in:
 *   dev.map { entries: [{ addr, pfn, gen, version, perm, pinned }] }   install/overwrite
 *   dev.zap { replyTo, tid, start, end }          remove [start, end), flush, then reply
 *   dev.submit { replyTo, tid, job, fence, accesses: [{ addr, write }] }
 *   dev.step                                      self-sent: run the next access
 *   drv.faultResult { tid, result }               the driver resolved (0) or failed a fault
 *   lock.granted { lock, tid, mode }              completion path got its lock
 *   dev.allocNoReclaim / dev.allocReclaim         the scheduler's answer to 'alloc.reclaim?'
 *   mm.result { tid, op, result }                 the reclaim the allocation entered is over
 *   dev.reset                                     hang recovery: the running job fails -EIO
 * Events out:
 *   dev.zapped { tid, dev } → zap requester; drv.fault { replyTo, tid, start, end, write } →
 *   driver; lock.acquire / lock.release → completion lock; mm.reclaim { replyTo, tid, addr }
 *   → mm; fence.setError { error } and fence.signal { tid } → job fence;
 *   dev.jobDone { tid, job, result } → submitter. The engine's tid is `<id>/engine`.
 * Observations: dev.access, sleep, signalling.begin / signalling.end, alloc.
 *
 * States as predicates over context (`job` = running job, `pc` = index of its next access):
 *   idle                        job = null (and queue = [] once at rest)
 *   running.accessing           job ≠ null ∧ result = 0 ∧ pc < |accesses| ∧ one dev.step in flight
 *   running.faulting            job ≠ null ∧ accesses[pc] missed ∧ one drv.fault outstanding
 *   running.completing.locking     signalling section open ∧ lock.acquire outstanding
 *   running.completing.allocating  signalling section open ∧ 'alloc.reclaim?' choice pending
 *   running.completing.reclaiming  signalling section open ∧ mm.reclaim outstanding
 * (running.nextAccess, running.completing.begin and .signalling are transient.)
 * `staleSteps` / `staleFaultResults` count replies orphaned by a reset; they are dropped.
 */
import { assign, enqueueActions, setup } from 'xstate';
import { EIO } from './errno.ts';
import { type ActorId, kernelActions, ksend } from './kernel-actions.ts';
import { AWAITING_REPLY_TAG, FENCE_SIGNALLING_TAG } from './tags.ts';

/**
 * The access a device PTE grants: read, write, or atomic (a device-exclusive entry).
 *
 * @example
 * ```ts
 * import type { DevicePerm } from 'mirrorlab';
 *
 * const perm: DevicePerm = 'write';
 * ```
 */
export type DevicePerm = 'read' | 'write' | 'atomic';

/**
 * One device PTE: the page it maps and the CPU PTE (`version`) it was built from. Read it in `DeviceContext.table`, keyed by virtual page.
 *
 * @example
 * ```ts
 * import type { DeviceEntry } from 'mirrorlab';
 *
 * const entry: DeviceEntry = { pfn: 7, gen: 0, version: 1, perm: 'read', pinned: false };
 * ```
 */
export interface DeviceEntry {
  pfn: number;
  gen: number;
  /** The CPU PTE version the entry was built from; null when the driver did not know it. */
  version: number | null;
  perm: DevicePerm;
  pinned: boolean;
}

/**
 * One device PTE to program at `addr`, as the driver sends it in `dev.map { entries }`.
 *
 * @example
 * ```ts
 * import type { DeviceMapEntry } from 'mirrorlab';
 *
 * const entry: DeviceMapEntry = { addr: 0x10000, pfn: 7, gen: 0, version: 1, perm: 'write', pinned: false };
 * ```
 */
export interface DeviceMapEntry extends DeviceEntry {
  addr: number;
}

/**
 * One memory access of a device job: the address it touches and whether it writes.
 *
 * @example
 * ```ts
 * import type { DeviceAccess } from 'mirrorlab';
 *
 * const access: DeviceAccess = { addr: 0x10000, write: true };
 * ```
 */
export interface DeviceAccess {
  addr: number;
  write: boolean;
}

/**
 * A job the device engine runs (`DeviceContext.job`): its accesses, the fence it signals when
 * done, and the fences it waits for first.
 *
 * @example
 * ```ts
 * import type { DeviceJob } from 'mirrorlab';
 *
 * const job: DeviceJob = {
 *   replyTo: 'drv:gpu0',
 *   tid: 'thread:gpu',
 *   job: 0,
 *   fence: 'fence:job0',
 *   accesses: [{ addr: 0x10000, write: true }],
 *   deps: [],
 * };
 * ```
 */
export interface DeviceJob {
  replyTo: ActorId;
  tid: string;
  job: string | number;
  fence: ActorId;
  accesses: DeviceAccess[];
  /** Fences this job depends on (a scheduler dependency): the engine waits for each before running it. */
  deps: ActorId[];
}

/**
 * What the driver's completion code does before it signals the job's fence.
 *
 * @example
 * ```ts
 * import type { CompletionPath } from 'mirrorlab';
 *
 * // The completion handler takes the driver's update lock before it signals (a lock-order hazard).
 * const completion: CompletionPath = { takesLock: 'lock:gpu0' };
 * ```
 */
export interface CompletionPath {
  takesLock?: ActorId;
  allocates?: { mm: ActorId; addr: number };
}

/**
 * The input of deviceMachine: the device's id, the driver actor it reports faults to, its page
 * size, and optionally what its fault-completion path does (takes a lock, allocates).
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type DeviceInput, deviceMachine } from 'mirrorlab';
 *
 * const input: DeviceInput = { id: 'dev:gpu0', driver: 'drv:gpu0', pageSize: 4096 };
 * const dev = createActor(deviceMachine, { input });
 * ```
 */
export interface DeviceInput {
  id: ActorId;
  driver: ActorId;
  pageSize?: number;
  completion?: CompletionPath;
}

/**
 * The state of a device (deviceMachine): its page table (the device's copy of the CPU's PTEs, as a
 * mirroring driver fills it), its queued and running jobs, and counters of stale accesses the
 * monitors read.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type DeviceContext, deviceMachine } from 'mirrorlab';
 *
 * const dev = createActor(deviceMachine, { input: { id: 'dev:gpu0', driver: 'drv:gpu0' } }).start();
 * const ctx: DeviceContext = dev.getSnapshot().context;
 * Object.keys(ctx.table).length; // 0: nothing mapped yet
 * ```
 */
export interface DeviceContext {
  id: ActorId;
  driver: ActorId;
  pageSize: number;
  completion: { takesLock: ActorId | null; allocates: { mm: ActorId; addr: number } | null };
  /** vpn (as a decimal string) → entry; keys kept in ascending numeric order. */
  table: Record<string, DeviceEntry>;
  queue: DeviceJob[];
  job: DeviceJob | null;
  pc: number;
  result: number;
  staleSteps: number;
  staleFaultResults: number;
}

/**
 * The messages deviceMachine accepts: a driver maps or zaps entries of its page table, submits
 * jobs, and the device steps through them; replies to the device's own requests (fence waits,
 * faults, locks) come back as events too.
 *
 * @example
 * ```ts
 * import type { DeviceEvent } from 'mirrorlab';
 *
 * // What a driver's invalidate callback sends: unmap [0, 0x2000) from the device's table.
 * const zap: DeviceEvent = { type: 'dev.zap', replyTo: 'drv:gpu0', tid: 'cpu', start: 0, end: 0x2000 };
 * ```
 */
export type DeviceEvent =
  | { type: 'dev.map'; entries: DeviceMapEntry[] }
  | { type: 'dev.zap'; replyTo: ActorId; tid: string; start: number; end: number }
  | {
      type: 'dev.submit';
      replyTo: ActorId;
      tid: string;
      job: string | number;
      fence: ActorId;
      accesses: DeviceAccess[];
      deps?: ActorId[];
    }
  | { type: 'dev.step' }
  | { type: 'fence.waitResult'; fence: ActorId; tid: string; result: number }
  | { type: 'drv.faultResult'; tid: string; result: number }
  | { type: 'lock.granted'; lock: ActorId; tid: string; mode: string }
  | { type: 'dev.allocNoReclaim' }
  | { type: 'dev.allocReclaim' }
  | { type: 'mm.result'; tid: string; op?: string; result: number; value?: unknown }
  | { type: 'dev.reset' };

/** A message with fields (EventObject alone would reject the fields of an object literal). */
type Message = { type: string; [field: string]: unknown };
const tell = (to: ActorId, event: Message) => ksend(to, event);

const engineTid = (c: DeviceContext) => `${c.id}/engine`;
const vpnOf = (c: DeviceContext, addr: number) => Math.floor(addr / c.pageSize);
const currentAccess = (c: DeviceContext): DeviceAccess => c.job!.accesses[c.pc];

/** The entry the current access would use, if its permission suffices. */
function entryForAccess(c: DeviceContext): DeviceEntry | null {
  if (!c.job || c.pc >= c.job.accesses.length) return null;
  const access = currentAccess(c);
  const entry = c.table[String(vpnOf(c, access.addr))];
  if (!entry) return null;
  if (access.write && entry.perm === 'read') return null;
  return entry;
}

/** Rebuild the table with numerically sorted keys so equal tables serialise equally. */
function canonicalTable(table: Record<string, DeviceEntry>): Record<string, DeviceEntry> {
  const out: Record<string, DeviceEntry> = {};
  for (const key of Object.keys(table).sort((a, b) => Number(a) - Number(b))) out[key] = table[key];
  return out;
}

const dropStaleStep = { guard: 'stepIsStale', actions: 'forgetStaleStep' } as const;
const dropStaleFaultResult = { guard: 'faultResultIsStale', actions: 'forgetStaleFaultResult' } as const;

/**
 * A device `dev:<name>`: its page table (the mirror the driver programs), the accesses it makes
 * through it, the jobs it runs and the zaps (TLB flushes) it confirms. The table holds no page
 * references: only the notifier protocol keeps it coherent. Its driver is `drv:<name>`.
 *
 * @example
 * ```ts
 * import { createLiveWorld, deviceMachine } from 'mirrorlab';
 *
 * // Normally the scenario compiler starts it (one per `devices:` entry); by hand:
 * const world = createLiveWorld([
 *   { id: 'dev:gpu0', machine: deviceMachine, input: { id: 'dev:gpu0', driver: 'drv:gpu0' } },
 * ]);
 * world.snapshot('dev:gpu0').context.table; // {} (vpn → entry)
 * ```
 */
export const deviceMachine = setup({
  types: {
    context: {} as DeviceContext,
    events: {} as DeviceEvent,
    input: {} as DeviceInput,
  },
  guards: {
    jobQueued: ({ context }) => context.queue.length > 0,
    dependencyPending: ({ context }) => context.job !== null && context.job.deps.length > 0,
    jobStopsAccessing: ({ context }) => context.result < 0 || context.pc >= context.job!.accesses.length,
    accessHits: ({ context }) => entryForAccess(context) !== null,
    stepIsStale: ({ context }) => context.staleSteps > 0,
    faultResultIsStale: ({ context }) => context.staleFaultResults > 0,
    faultResolved: ({ event }) => event.type === 'drv.faultResult' && event.result >= 0,
    completionTakesLock: ({ context }) => context.completion.takesLock !== null,
    completionAllocates: ({ context }) => context.completion.allocates !== null,
  },
  actions: {
    ...kernelActions,
    installDeviceEntries: assign({
      table: ({ context, event }) => {
        if (event.type !== 'dev.map') return context.table;
        const table = { ...context.table };
        for (const { addr, pfn, gen, version, perm, pinned } of event.entries)
          table[String(vpnOf(context, addr))] = { pfn, gen, version: version ?? null, perm, pinned: pinned === true };
        return canonicalTable(table);
      },
    }),
    zapDeviceRange: assign({
      table: ({ context, event }) => {
        if (event.type !== 'dev.zap') return context.table;
        const table: Record<string, DeviceEntry> = {};
        for (const [vpn, entry] of Object.entries(context.table)) {
          const pageStart = Number(vpn) * context.pageSize;
          const overlaps = pageStart < event.end && pageStart + context.pageSize > event.start;
          if (!overlaps) table[vpn] = entry;
        }
        return table;
      },
    }),
    /** The TLB flush is synchronous: once this reply leaves, the zapped pages are unreachable. */
    replyZapped: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'dev.zap') return;
      enqueue(tell(event.replyTo, { type: 'dev.zapped', tid: event.tid, dev: context.id }));
    }),
    queueJob: assign({
      queue: ({ context, event }) => {
        if (event.type !== 'dev.submit') return context.queue;
        const { replyTo, tid, job, fence, accesses } = event;
        const plain = accesses.map(({ addr, write }) => ({ addr, write: write === true }));
        return [...context.queue, { replyTo, tid, job, fence, accesses: plain, deps: [...(event.deps ?? [])] }];
      },
    }),
    startNextJob: assign({
      job: ({ context }) => context.queue[0],
      queue: ({ context }) => context.queue.slice(1),
      pc: 0,
      result: 0,
    }),
    /** The engine yields between two accesses so other actors can run in between. */
    requestAccessStep: enqueueActions(({ context, enqueue }) => {
      enqueue(tell(context.id, { type: 'dev.step' }));
    }),
    forgetStaleStep: assign({ staleSteps: ({ context }) => context.staleSteps - 1 }),
    forgetStaleFaultResult: assign({ staleFaultResults: ({ context }) => context.staleFaultResults - 1 }),
    observeDeviceAccess: enqueueActions(({ context, enqueue }) => {
      const entry = entryForAccess(context)!;
      const { addr, write } = currentAccess(context);
      const { pfn, gen, version, pinned } = entry;
      enqueue({
        type: 'kObserve',
        params: { kind: 'dev.access', dev: context.id, addr, pfn, gen, version, write, pinned },
      });
    }),
    advanceAccess: assign({ pc: ({ context }) => context.pc + 1 }),
    /** The job may not start before its dependencies signal: an uninterruptible, unbounded wait. */
    waitForDependency: enqueueActions(({ context, enqueue }) => {
      const fence = context.job!.deps[0];
      const tid = engineTid(context);
      enqueue(tell(fence, { type: 'fence.wait', replyTo: context.id, tid, intr: false, timeout: 'forever' }));
      enqueue({ type: 'kObserve', params: { kind: 'sleep', tid, on: fence } });
    }),
    dropSatisfiedDependency: assign({
      job: ({ context }) => ({ ...context.job!, deps: context.job!.deps.slice(1) }),
    }),
    raiseDeviceFault: enqueueActions(({ context, enqueue }) => {
      const { addr, write } = currentAccess(context);
      const start = vpnOf(context, addr) * context.pageSize;
      const tid = engineTid(context);
      const end = start + context.pageSize;
      enqueue(tell(context.driver, { type: 'drv.fault', replyTo: context.id, tid, start, end, write }));
      enqueue({ type: 'kObserve', params: { kind: 'sleep', tid, on: context.driver } });
    }),
    failJobWithFaultError: assign({
      result: ({ context, event }) => (event.type === 'drv.faultResult' ? event.result : context.result),
    }),
    resetRunningJob: assign({ result: EIO }),
    orphanAccessStep: assign({ staleSteps: ({ context }) => context.staleSteps + 1 }),
    orphanFaultResult: assign({ staleFaultResults: ({ context }) => context.staleFaultResults + 1 }),
    beginFenceSignalling: enqueueActions(({ context, enqueue }) => {
      enqueue({ type: 'kObserve', params: { kind: 'signalling.begin', tid: engineTid(context) } });
    }),
    acquireCompletionLock: enqueueActions(({ context, enqueue }) => {
      const lock = context.completion.takesLock!;
      const tid = engineTid(context);
      enqueue(tell(lock, { type: 'lock.acquire', replyTo: context.id, tid, mode: 'write' }));
      enqueue({ type: 'kObserve', params: { kind: 'sleep', tid, on: lock } });
    }),
    releaseCompletionLock: enqueueActions(({ context, enqueue }) => {
      const lock = context.completion.takesLock!;
      enqueue(tell(lock, { type: 'lock.release', tid: engineTid(context) }));
    }),
    chooseWhetherAllocationReclaims: enqueueActions(({ enqueue }) => {
      enqueue({
        type: 'kChoose',
        params: { label: 'alloc.reclaim?', options: [{ type: 'dev.allocNoReclaim' }, { type: 'dev.allocReclaim' }] },
      });
    }),
    observeAllocation: enqueueActions(({ context, event, enqueue }) => {
      const reclaim = event.type === 'dev.allocReclaim';
      enqueue({ type: 'kObserve', params: { kind: 'alloc', tid: engineTid(context), reclaim } });
    }),
    enterDirectReclaim: enqueueActions(({ context, enqueue }) => {
      const { mm, addr } = context.completion.allocates!;
      const tid = engineTid(context);
      enqueue(tell(mm, { type: 'mm.reclaim', replyTo: context.id, tid, addr }));
      enqueue({ type: 'kObserve', params: { kind: 'sleep', tid, on: mm } });
    }),
    /** setError (on failure) then signal: both go to the same inbox, so they arrive in order. */
    signalJobFence: enqueueActions(({ context, enqueue }) => {
      const { fence } = context.job!;
      const tid = engineTid(context);
      if (context.result < 0) enqueue(tell(fence, { type: 'fence.setError', error: context.result }));
      enqueue(tell(fence, { type: 'fence.signal', tid }));
      enqueue({ type: 'kObserve', params: { kind: 'signalling.end', tid } });
    }),
    reportJobDone: enqueueActions(({ context, enqueue }) => {
      const { replyTo, tid, job } = context.job!;
      enqueue(tell(replyTo, { type: 'dev.jobDone', tid, job, result: context.result }));
    }),
    retireJob: assign({ job: null, pc: 0, result: 0 }),
  },
}).createMachine({
  id: 'device',
  context: ({ input }) => ({
    id: input.id,
    driver: input.driver,
    pageSize: input.pageSize ?? 4096,
    completion: {
      takesLock: input.completion?.takesLock ?? null,
      allocates: input.completion?.allocates
        ? { mm: input.completion.allocates.mm, addr: input.completion.allocates.addr }
        : null,
    },
    table: {},
    queue: [],
    job: null,
    pc: 0,
    result: 0,
    staleSteps: 0,
    staleFaultResults: 0,
  }),
  // Table updates and job submission are accepted whatever the engine is doing.
  on: {
    'dev.map': { actions: 'installDeviceEntries' },
    'dev.zap': { actions: ['zapDeviceRange', 'replyZapped'] },
    'dev.submit': { actions: 'queueJob' },
    'dev.step': dropStaleStep,
    'drv.faultResult': dropStaleFaultResult,
  },
  initial: 'idle',
  states: {
    idle: {
      meta: { ignore: { 'dev.reset': 'no job is running: there is nothing to recover' } },
      always: { guard: 'jobQueued', target: 'running', actions: 'startNextJob' },
    },
    running: {
      initial: 'dependencies',
      states: {
        dependencies: {
          always: [{ guard: 'dependencyPending', target: 'awaitingDependency' }, { target: 'nextAccess' }],
        },
        awaitingDependency: {
          entry: 'waitForDependency',
          meta: { ignore: { 'dev.reset': 'the job has not started on the engine yet' } },
          on: { 'fence.waitResult': { target: 'dependencies', actions: 'dropSatisfiedDependency' } },
        },
        nextAccess: {
          always: [{ guard: 'jobStopsAccessing', target: 'completing' }, { target: 'accessing' }],
        },
        accessing: {
          entry: 'requestAccessStep',
          on: {
            'dev.step': [
              dropStaleStep,
              { guard: 'accessHits', target: 'nextAccess', actions: ['observeDeviceAccess', 'advanceAccess'] },
              { target: 'faulting', actions: 'raiseDeviceFault' },
            ],
            'dev.reset': { target: 'nextAccess', actions: ['resetRunningJob', 'orphanAccessStep'] },
          },
        },
        faulting: {
          // The fault is a request outstanding (liveness reads this tag: docs/protocol.md).
          tags: [AWAITING_REPLY_TAG],
          on: {
            'drv.faultResult': [
              dropStaleFaultResult,
              { guard: 'faultResolved', target: 'accessing' },
              { target: 'nextAccess', actions: 'failJobWithFaultError' },
            ],
            'dev.reset': { target: 'nextAccess', actions: ['resetRunningJob', 'orphanFaultResult'] },
          },
        },
        completing: {
          // Monitors read "inside a fence-signalling section" from this tag (lockdep.ts).
          tags: [FENCE_SIGNALLING_TAG],
          entry: 'beginFenceSignalling',
          meta: {
            ignore: { 'dev.reset': 'the engine has finished this job; only its software completion path is left' },
          },
          initial: 'begin',
          states: {
            begin: {
              always: [
                { guard: 'completionTakesLock', target: 'locking' },
                { guard: 'completionAllocates', target: 'allocating' },
                { target: 'signalling' },
              ],
            },
            locking: {
              entry: 'acquireCompletionLock',
              on: {
                'lock.granted': [
                  { guard: 'completionAllocates', target: 'allocating', actions: 'releaseCompletionLock' },
                  { target: 'signalling', actions: 'releaseCompletionLock' },
                ],
              },
            },
            allocating: {
              entry: 'chooseWhetherAllocationReclaims',
              on: {
                'dev.allocNoReclaim': { target: 'signalling', actions: 'observeAllocation' },
                'dev.allocReclaim': { target: 'reclaiming', actions: 'observeAllocation' },
              },
            },
            reclaiming: {
              entry: 'enterDirectReclaim',
              on: { 'mm.result': { target: 'signalling' } },
            },
            signalling: {
              always: { target: '#device.idle', actions: ['signalJobFence', 'reportJobDone', 'retireJob'] },
            },
          },
        },
      },
    },
  },
});
