/**
 * A scenario thread: a user-space task (or a kernel thread) issuing a fixed list of
 * requests one after the other, like a selftest calling ioctls and touching memory. It is
 * the test harness of a scenario (P's PTst), not a kernel object: it sends each request,
 * sleeps until the reply, records it, compares it with the expected result, and goes on.
 *
 * Events in:  the reply of the pending op, i.e. an event whose `tid` is this thread's id (or,
 *             when the op names its reply type, an event of that type with this tid or no
 *             tid: fence replies carry none). Anything else is left unhandled on purpose, so
 *             the runtime reports it: a stray reply is a protocol bug somewhere.
 * Events out: each op's `event` plus `replyTo` and `tid` (both = this thread's id) to `op.to`;
 *             a `reply: 'none'` op gets `tid` only and no `replyTo`, since nobody answers it.
 * Observations: `sleep { tid, on }` for each request it waits on; `thread.mismatch { tid, op,
 *             label, expected, got }` when a reply differs from the op's `expect`.
 * Signals:    `thread.signal { fatal }` (a scenario's `signal: { thread }` op, from another thread)
 *             while a request is outstanding (the thread is in kernel) makes a signal pending:
 *             the thread tells every fence and lock (`signalTargets`) `signal.pending { tid,
 *             fatal }`, so its interruptible / killable waits end (machines/signals.ts). When the
 *             reply comes (back to user space) a fatal signal kills the thread (no further ops,
 *             `killed`); a non-fatal one is handled: if ops remain, the thread first sends
 *             `signal.handled` to every target and waits for each `signal.cleared`, so no later
 *             request of its own can find the old signal. A signal that finds the thread in user
 *             space (not started, between or after its ops) changes nothing, or kills it if fatal.
 *             The thread knows how many signals will come (`signalsToCome`) and does not finish
 *             before they all arrived, so no signal reaches a finished thread.
 * Counters:   a reply with `counters` (dmirror's cpages / faults) updates `context.counters`,
 *             the caller's copy of the ioctl struct; `expect.counters` is checked against it,
 *             `expect.data` against the reply's value (machines/dmirror/buffer-pattern.ts).
 * Buffers:    named caller buffers (`context.buffers`, the selftests' mirror buffer): an op with
 *             `buffer: { direction: 'in' }` sends the buffer's words as its `data`; one with
 *             `direction: 'out'` copies a successful reply's value over the buffer's start (a
 *             failed one leaves it as it was); `local` ops fill or check a buffer in user space
 *             without a request; `expect.buffer` checks a buffer after the op, success or not.
 *
 * States as predicates over context (`pc` = index of the pending op):
 *   ready    nothing sent yet; a `thread.run` to itself is queued, so the scheduler decides
 *            when the thread issues its first request
 *   running  pc < |ops| ∧ ops[pc].reply ≠ 'none' ∧ ops[pc] was sent and its reply is awaited
 *   clearing a handled signal is being withdrawn: acksDue > 0 `signal.cleared` still to come
 *   exiting  (pc = |ops| ∨ killed) ∧ signalsToCome > 0: waiting for the signals still on their way
 *   done     (pc = |ops| ∨ killed) ∧ signalsToCome = 0 (final); a looping thread (`loop`) that
 *            was not killed starts over at pc 0 instead of exiting
 * (`dispatch` is transient: it sends the next op, or finishes; `returning` is transient too:
 * what a pending signal does when the reply came.)
 */
import { and, assign, enqueueActions, setup } from 'xstate';
import { type BufferPattern, firstDifference, patternValues } from './dmirror/buffer-pattern.ts';
import { type ActorId, kernelActions, ksend } from './kernel-actions.ts';
import { clearSignalRequests, signalPendingNotices } from './signals.ts';
import { AWAITING_REPLY_TAG } from './tags.ts';

/**
 * A message with fields; the thread adds `replyTo` and `tid` itself. Exported as `ThreadMessage`.
 *
 * @example
 * ```ts
 * import type { ThreadMessage } from 'mirrorlab';
 *
 * const request: ThreadMessage = { type: 'mm.munmap', addr: 0x10000, length: 0x1000 };
 * ```
 */
export type Message = { type: string; [field: string]: unknown };

/**
 * One operation of a {@link threadMachine}: the request to send (the thread adds `replyTo` and
 * `tid`), the reply it waits for and what that reply must say.
 *
 * @example
 * ```ts
 * import type { ThreadOp } from 'mirrorlab';
 *
 * const op: ThreadOp = {
 *   to: 'mm:p1',
 *   event: { type: 'mm.munmap', addr: 0x10000, length: 0x1000 },
 *   expect: { result: 0 },
 *   label: 'unmap',
 * };
 * ```
 */
export interface ThreadOp {
  /** For a local op, the thread itself (nothing is sent). */
  to: ActorId;
  /** The request, without `replyTo` / `tid`. */
  event: Message;
  /** The reply's event type, or 'none' when nothing answers; default: any event with this tid. */
  reply?: 'none' | string;
  expect?: ThreadExpectation;
  label?: string;
  /**
   * The caller's buffer the request reads from (`in`: its words go out as the request's `data`,
   * like a WRITE ioctl's `ptr`) or writes into (`out`: a successful reply's value is copied to
   * its start; a failed one leaves it untouched, as a failed ioctl copies nothing back).
   */
  buffer?: { name: string; direction: 'in' | 'out' };
  /** Work done in user space, without a request: fill a buffer, or check one (`expect.buffer`). */
  local?: LocalOp;
}

/**
 * A thread's own step: `fill` sets the buffer to `count` words of `pattern`; `check` only checks.
 *
 * @example
 * ```ts
 * import type { LocalOp } from 'mirrorlab';
 *
 * const fill: LocalOp = { kind: 'fill', name: 'buf', count: 4, pattern: [{ count: 4, const: 0 }] };
 * ```
 */
export type LocalOp = { kind: 'fill'; name: string; count: number; pattern: BufferPattern } | { kind: 'check' };

/**
 * What the reply must say. `result` strictly, `value` structurally; `data`: the reply's value is
 * an array matching this pattern; `counters`: the thread's counters after the reply (see
 * `ThreadContext.counters`); `acceptErrors`: a negative result is accepted as is (the other
 * checks apply only to a success).
 *
 * @example
 * ```ts
 * import type { ThreadExpectation } from 'mirrorlab';
 *
 * const expect: ThreadExpectation = { result: 0 };
 * ```
 */
export interface ThreadExpectation {
  result?: number;
  value?: unknown;
  data?: BufferPattern;
  counters?: Record<string, number>;
  acceptErrors?: boolean;
  /** The named caller buffer after the op (after a success and after a failure alike). */
  buffer?: { name: string; pattern: BufferPattern };
}

/**
 * The input of threadMachine: a scenario thread's id and its ops, with the signals it may get and
 * whether it loops forever.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type ThreadInput, type ThreadOp, threadMachine } from 'mirrorlab';
 *
 * declare const ops: ThreadOp[]; // a scenario thread's ops, as compileScenario builds them
 * const input: ThreadInput = { id: 'thread:cpu', ops };
 * const thread = createActor(threadMachine, { input });
 * ```
 */
export interface ThreadInput {
  id: ActorId;
  ops: ThreadOp[];
  /** The fences and locks a pending signal of this thread must reach (default none). */
  signalTargets?: ActorId[];
  /** How many `thread.signal` messages other threads will send it (default 0). */
  signalsToCome?: number;
  /** Run the ops again and again, forever (a scenario's `loop: forever`). */
  loop?: boolean;
}

/**
 * The small part of a reply the thread keeps.
 *
 * @example
 * ```ts
 * import type { ThreadReply } from 'mirrorlab';
 *
 * const reply: ThreadReply = { type: 'mm.result', result: 0 };
 * ```
 */
export interface ThreadReply {
  type: string;
  result?: unknown;
  value?: unknown;
  counters?: Record<string, number>;
}

/**
 * The reply one op got (`ThreadContext.results`): the op's index and label, and the reply as kept.
 *
 * @example
 * ```ts
 * import type { ThreadResult } from 'mirrorlab';
 *
 * const result: ThreadResult = { op: 0, label: 'unmap', reply: { type: 'mm.result', result: 0 } };
 * ```
 */
export interface ThreadResult {
  op: number;
  label: string | null;
  /** null for a `reply: 'none'` op. */
  reply: ThreadReply | null;
}

/**
 * Where a reply differed from what the op expected (`ThreadContext.mismatches`): the fields
 * expected and the fields got.
 *
 * @example
 * ```ts
 * import type { ThreadMismatch } from 'mirrorlab';
 *
 * const mismatch: ThreadMismatch = { op: 1, label: 'fault', expected: { result: 0 }, got: { result: -14 } };
 * ```
 */
export interface ThreadMismatch {
  op: number;
  label: string | null;
  expected: Record<string, unknown>;
  got: Record<string, unknown>;
}

/**
 * The state of a scenario thread (threadMachine): its ops and program counter, the replies it got
 * and where they differed from what the scenario expected, and the caller's counters and buffers.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { type ThreadContext, threadMachine } from 'mirrorlab';
 *
 * const thread = createActor(threadMachine, { input: { id: 'thread:cpu', ops: [] } }).start();
 * const ctx: ThreadContext = thread.getSnapshot().context;
 * ctx.mismatches.length; // 0: every reply as expected
 * ```
 */
export interface ThreadContext {
  id: ActorId;
  ops: ThreadOp[];
  /** The ops start over after the last one (results then hold the current round only). */
  loop: boolean;
  pc: number;
  results: ThreadResult[];
  mismatches: ThreadMismatch[];
  /**
   * The caller's view of the counters replies carry (`counters` of a `dmirror.result`): like
   * the ioctl's struct, updated only by a reply that has them (a failed ioctl copies nothing
   * back), so after an error they still hold the last successful command's values.
   */
  counters: Record<string, number>;
  /** The caller's buffers by name (the selftests' `buffer->mirror`), written by `out` ops. */
  buffers: Record<string, number[]>;
  signalTargets: ActorId[];
  signalsToCome: number;
  /** The signal pending while a request is outstanding (null when none). */
  signal: { fatal: boolean } | null;
  /** A fatal signal ended the thread: the ops after `pc` never run. */
  killed: boolean;
  /** `signal.cleared` answers still to come while clearing. */
  acksDue: number;
}

/**
 * What a thread takes: the replies to its requests (their `result`, `value`, `counters`),
 * `thread.run`, and `thread.signal` (with `fatal`).
 *
 * @example
 * ```ts
 * import type { ThreadEvent } from 'mirrorlab';
 *
 * const signal: ThreadEvent = { type: 'thread.signal', fatal: true };
 * ```
 */
export type ThreadEvent = {
  type: string;
  tid?: string;
  result?: unknown;
  value?: unknown;
  counters?: Record<string, number>;
  /** thread.signal */
  fatal?: boolean;
};

const pendingOp = (c: ThreadContext): ThreadOp => c.ops[c.pc];
const labelOf = (c: ThreadContext): string | null => pendingOp(c).label ?? null;

function replyOf(event: ThreadEvent): ThreadReply {
  const reply: ThreadReply = { type: event.type };
  if (event.result !== undefined) reply.result = event.result;
  if (event.value !== undefined) reply.value = event.value;
  if (event.counters && typeof event.counters === 'object') reply.counters = sortedCounters(event.counters);
  return reply;
}

function sortedCounters(c: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(c)
      .sort()
      .map((k) => [k, c[k]]),
  );
}

/** Structural equality of JSON values (key order ignored). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function replyMatchesExpectation(op: ThreadOp, reply: ThreadReply): boolean {
  const expected = op.expect;
  if (!expected) return true;
  if (expected.result !== undefined && reply.result !== expected.result) return false;
  if (expected.value !== undefined && !sameValue(reply.value, expected.value)) return false;
  return true;
}

/**
 * The checks of `data`, `counters` and `acceptErrors` (kept apart so that ops without them
 * report mismatches exactly as before): the first difference as a small expected/got pair.
 */
type Difference = { expected: Record<string, unknown>; got: Record<string, unknown> };

/** The named buffer against `expect.buffer`: the first word that differs. */
function bufferMismatch(e: ThreadExpectation, buffers: Record<string, number[]>): Difference | null {
  if (!e.buffer) return null;
  const d = firstDifference(e.buffer.pattern, buffers[e.buffer.name] ?? []);
  if (!d) return null;
  const name = e.buffer.name;
  return {
    expected: { buffer: { name, at: d.at, value: d.expected } },
    got: { buffer: { name, at: d.at, value: d.got } },
  };
}

/** The buffers after a reply: an `out` op's successful value is copied over its buffer's start. */
function buffersAfter(op: ThreadOp, reply: ThreadReply, buffers: Record<string, number[]>): Record<string, number[]> {
  if (op.buffer?.direction !== 'out' || !Array.isArray(reply.value)) return buffers;
  if (typeof reply.result === 'number' && reply.result < 0) return buffers;
  const old = buffers[op.buffer.name] ?? [];
  const value = reply.value as number[];
  return { ...buffers, [op.buffer.name]: [...value, ...old.slice(value.length)] };
}

function extendedMismatch(
  op: ThreadOp,
  reply: ThreadReply,
  counters: Record<string, number>,
  buffers: Record<string, number[]>,
): Difference | null {
  const e = op.expect!;
  const failed = typeof reply.result === 'number' && reply.result < 0;
  if (e.acceptErrors && failed) return bufferMismatch(e, buffers);
  if (e.result !== undefined && reply.result !== e.result)
    return { expected: { result: e.result }, got: { type: reply.type, result: reply.result } };
  if (e.value !== undefined && !sameValue(reply.value, e.value))
    return { expected: { value: e.value }, got: { value: reply.value } };
  for (const [k, v] of Object.entries(e.counters ?? {})) {
    if (counters[k] !== v) return { expected: { [k]: v }, got: { [k]: counters[k] ?? null } };
  }
  if (e.data) {
    const d = firstDifference(e.data, reply.value);
    if (d) return { expected: { data: { at: d.at, value: d.expected } }, got: { data: { at: d.at, value: d.got } } };
  }
  return bufferMismatch(e, buffers);
}

const hasExtendedChecks = (op: ThreadOp) =>
  op.expect !== undefined &&
  (op.expect.data !== undefined ||
    op.expect.counters !== undefined ||
    op.expect.acceptErrors !== undefined ||
    op.expect.buffer !== undefined);

/**
 * A thread of a scenario (`thread:<name>`): it sends its ops one after the other, each with
 * `replyTo` and `tid` set to itself, waits for the reply (unless `reply: 'none'`), and records
 * results and mismatches with each op's `expect`.
 *
 * @example
 * ```ts
 * import { createLiveWorld, dmaFenceMachine, threadMachine } from 'mirrorlab';
 *
 * const world = createLiveWorld([
 *   { id: 'fence:f1', machine: dmaFenceMachine, input: { id: 'fence:f1', context: 1, seqno: 1 } },
 *   { id: 'thread:a', machine: threadMachine, input: { id: 'thread:a', ops: [{ to: 'fence:f1', event: { type: 'fence.signal' }, expect: { result: 0 } }] } },
 * ]);
 * world.run();
 * world.snapshot('thread:a').context.mismatches; // []
 * ```
 */
export const threadMachine = setup({
  types: {
    context: {} as ThreadContext,
    events: {} as ThreadEvent,
    input: {} as ThreadInput,
  },
  guards: {
    allOpsDone: ({ context }) => context.pc >= context.ops.length || context.killed,
    signalsAllArrived: ({ context }) => context.signalsToCome === 0,
    noSignalPending: ({ context }) => context.signal === null,
    fatalSignalPending: ({ context }) => context.signal?.fatal === true,
    /** The thread will make more requests, and some target holds a copy of its signal. */
    mustWithdrawSignal: ({ context }) =>
      (context.pc < context.ops.length || context.loop) && context.signalTargets.length > 0,
    lastClearAck: ({ context, event }) => event.tid === context.id && context.acksDue === 1,
    clearAckForMe: ({ context, event }) => event.tid === context.id,
    /** A looping thread that was not killed by a fatal signal starts its next round. */
    loopsForever: ({ context }) => context.loop && !context.killed,
    nextOpHasNoReply: ({ context }) => pendingOp(context).reply === 'none',
    nextOpIsLocal: ({ context }) => pendingOp(context).local !== undefined,
    isReplyToPendingOp: ({ context, event }) => {
      const expected = pendingOp(context).reply;
      if (expected === undefined) return event.tid === context.id;
      return event.type === expected && (event.tid === undefined || event.tid === context.id);
    },
  },
  actions: {
    ...kernelActions,
    sendRequestAndSleep: enqueueActions(({ context, enqueue }) => {
      const op = pendingOp(context);
      const data = op.buffer?.direction === 'in' ? { data: [...(context.buffers[op.buffer.name] ?? [])] } : {};
      enqueue(ksend(op.to, { ...op.event, ...data, replyTo: context.id, tid: context.id } as Message));
      enqueue({ type: 'kObserve', params: { kind: 'sleep', tid: context.id, on: op.to } });
    }),
    /** Fire-and-forget (e.g. `fence.signal` with no replyTo): no reply, no wait. */
    sendWithoutWaiting: enqueueActions(({ context, enqueue }) => {
      const op = pendingOp(context);
      enqueue(ksend(op.to, { ...op.event, tid: context.id } as Message));
    }),
    /** A signal while the thread is in kernel: pending until the reply; tell the targets. */
    signalInKernel: enqueueActions(({ context, event, enqueue }) => {
      const fatal = event.fatal === true || context.signal?.fatal === true;
      const news = context.signal === null || fatal !== context.signal.fatal;
      enqueue.assign({ signalsToCome: context.signalsToCome - 1, signal: { fatal } });
      if (news)
        for (const e of signalPendingNotices(context.signalTargets, context.id, fatal)) enqueue(ksend(e.to, e.event));
    }),
    /** A signal while the thread is in user space: handled at once; a fatal one kills it. */
    signalInUserSpace: assign({
      signalsToCome: ({ context }) => context.signalsToCome - 1,
      killed: ({ context, event }) => context.killed || event.fatal === true,
    }),
    dieOfFatalSignal: assign({ killed: true, signal: null }),
    forgetSignal: assign({ signal: null }),
    /** Back in user space with a handled signal: withdraw it from every target before going on. */
    clearSignal: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ signal: null, acksDue: context.signalTargets.length });
      for (const e of clearSignalRequests(context.signalTargets, context.id)) enqueue(ksend(e.to, e.event));
    }),
    countClearAck: assign({ acksDue: ({ context }) => context.acksDue - 1 }),
    /** A looping thread's next round: only this round's results are kept, so states recur. */
    startNextRound: assign({ pc: 0, results: [] }),
    /** A local op: fill a buffer, then check `expect.buffer`; no request, no sleep. */
    runLocalOp: enqueueActions(({ context, enqueue }) => {
      const op = pendingOp(context);
      const local = op.local!;
      const buffers =
        local.kind === 'fill'
          ? { ...context.buffers, [local.name]: patternValues(local.pattern, local.count) }
          : context.buffers;
      const label = labelOf(context);
      const results = [...context.results, { op: context.pc, label, reply: null }];
      const d = op.expect ? bufferMismatch(op.expect, buffers) : null;
      const mismatch: ThreadMismatch | null = d ? { op: context.pc, label, ...d } : null;
      const known = mismatch !== null && context.mismatches.some((m) => sameValue(m, mismatch));
      const mismatches = mismatch && !known ? [...context.mismatches, mismatch] : context.mismatches;
      enqueue.assign({ buffers, results, mismatches, pc: context.pc + 1 });
      if (mismatch) enqueue({ type: 'kObserve', params: { kind: 'thread.mismatch', tid: context.id, ...mismatch } });
    }),
    recordUnansweredOp: assign({
      results: ({ context }) => [...context.results, { op: context.pc, label: labelOf(context), reply: null }],
      pc: ({ context }) => context.pc + 1,
    }),
    recordReply: enqueueActions(({ context, event, enqueue }) => {
      const op = pendingOp(context);
      const reply = replyOf(event);
      const label = labelOf(context);
      const results = [...context.results, { op: context.pc, label, reply }];
      const counters = reply.counters ? sortedCounters({ ...context.counters, ...reply.counters }) : context.counters;
      const buffers = buffersAfter(op, reply, context.buffers);
      let mismatch: ThreadMismatch | null = null;
      if (hasExtendedChecks(op)) {
        const d = extendedMismatch(op, reply, counters, buffers);
        if (d) mismatch = { op: context.pc, label, ...d };
      } else if (!replyMatchesExpectation(op, reply)) {
        mismatch = { op: context.pc, label, expected: { ...op.expect! }, got: { ...reply } };
      }
      if (!mismatch) {
        enqueue.assign({ results, counters, buffers, pc: context.pc + 1 });
        return;
      }
      // A looping thread repeats its ops: each distinct mismatch is recorded once.
      const known = context.mismatches.some((m) => sameValue(m, mismatch));
      const mismatches = known ? context.mismatches : [...context.mismatches, mismatch];
      enqueue.assign({ results, counters, buffers, mismatches, pc: context.pc + 1 });
      enqueue({ type: 'kObserve', params: { kind: 'thread.mismatch', tid: context.id, ...mismatch } });
    }),
  },
}).createMachine({
  id: 'thread',
  context: ({ input }) => ({
    id: input.id,
    ops: input.ops,
    loop: input.loop ?? false,
    pc: 0,
    results: [],
    mismatches: [],
    counters: {},
    buffers: {},
    signalTargets: input.signalTargets ?? [],
    signalsToCome: input.signalsToCome ?? 0,
    signal: null,
    killed: false,
    acksDue: 0,
  }),
  initial: 'ready',
  states: {
    // A thread starts when the scheduler first runs it, not when the world is built: otherwise
    // every thread's first request would be queued at time zero, ahead of everything else.
    ready: {
      entry: { type: 'kSend', params: ({ context }) => ({ to: context.id, event: { type: 'thread.run' } }) },
      on: { 'thread.run': { target: 'dispatch' }, 'thread.signal': { actions: 'signalInUserSpace' } },
    },
    dispatch: {
      always: [
        { guard: and(['allOpsDone', 'loopsForever']), target: 'dispatch', reenter: true, actions: 'startNextRound' },
        { guard: 'allOpsDone', target: 'exiting' },
        { guard: 'nextOpIsLocal', target: 'dispatch', reenter: true, actions: 'runLocalOp' },
        {
          guard: 'nextOpHasNoReply',
          target: 'dispatch',
          reenter: true,
          actions: ['sendWithoutWaiting', 'recordUnansweredOp'],
        },
        { target: 'running', actions: 'sendRequestAndSleep' },
      ],
    },
    running: {
      // One request outstanding, named by `pc` (liveness reads this tag: docs/protocol.md).
      tags: [AWAITING_REPLY_TAG],
      on: {
        'thread.signal': { actions: 'signalInKernel' },
        // Guarded on purpose: a reply for another tid, or of the wrong type, stays unhandled
        // and is reported by the runtime instead of being swallowed.
        '*': { guard: 'isReplyToPendingOp', target: 'returning', actions: 'recordReply' },
      },
    },
    // The request returned: what its pending signal (if any) does on the way to user space.
    returning: {
      always: [
        { guard: 'noSignalPending', target: 'dispatch' },
        { guard: 'fatalSignalPending', target: 'dispatch', actions: 'dieOfFatalSignal' },
        { guard: 'mustWithdrawSignal', target: 'clearing', actions: 'clearSignal' },
        // After the last op the thread makes no more requests, so its targets may keep the signal.
        { target: 'dispatch', actions: 'forgetSignal' },
      ],
    },
    clearing: {
      on: {
        'signal.cleared': [
          { guard: 'lastClearAck', target: 'dispatch', actions: 'countClearAck' },
          { guard: 'clearAckForMe', actions: 'countClearAck' },
        ],
        'thread.signal': { actions: 'signalInUserSpace' },
      },
    },
    exiting: {
      always: { guard: 'signalsAllArrived', target: 'done' },
      on: { 'thread.signal': { actions: 'signalInUserSpace' } },
    },
    done: { type: 'final' },
  },
});
