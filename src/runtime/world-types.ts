/**
 * The value types of the controlled runtime: actor specs, messages, steps and what a step did,
 * the interned local situation of an actor, and the semantic step used by traces and replay.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { KChooseParams, Observation } from '../../machines/kernel-actions.ts';

/**
 * One actor of a world: its id, its machine and the input it starts with (or a snapshot to start
 * from), and how its messages are delivered.
 *
 * @example
 * ```ts
 * import { ControlledWorld, dmaFenceMachine, type ActorSpec } from 'mirrorlab';
 *
 * const fence: ActorSpec = { id: 'fence:f1', machine: dmaFenceMachine, input: { id: 'fence:f1', context: 1, seqno: 1 } };
 * const world = new ControlledWorld([fence]);
 * ```
 */
export interface ActorSpec {
  id: string;
  machine: AnyStateMachine;
  input: Record<string, unknown>;
  /** Start from this snapshot (of the same machine) instead of the machine's initial state. */
  snapshot?: AnyMachineSnapshot;
  /**
   * The actor runs the code of several threads of control at once (a driver: its fault path,
   * its invalidate callback, its submissions), so its sends are FIFO per thread, not per actor
   * (delivery.ts). Every other actor is one serialisation point, like the lock it stands for.
   */
  concurrent?: boolean;
  /**
   * The actor is a processor of its own (a device): a call to it only posts a command, which
   * it runs in its own time, so the caller's next call does not wait for it; and its inbox is
   * one ring, FIFO per sending actor whatever the sender's thread (delivery.ts).
   */
  asynchronous?: boolean;
}

/**
 * A message as stored in the tables: who sent it, on behalf of which thread of control, and
 * what. Timers use `from = 'timer'`, chosen options `from = 'choice'` (delivery.ts).
 * Exported as `WorldMessage` (a thread's request is a `ThreadMessage`).
 *
 * @example
 * ```ts
 * import { type ControlledWorld, type StepRecord, type WorldMessage } from 'mirrorlab';
 *
 * // Who sent the message a step delivered.
 * const senderOf = (world: ControlledWorld, record: StepRecord) => {
 *   const m: WorldMessage = world.message(record.msg);
 *   return m.from;
 * };
 * ```
 */
export interface Message {
  from: string;
  event: EventObject;
  /** The thread of control it belongs to (delivery.ts). */
  thread: string;
  /** Posted to a device's ring: FIFO per sending actor, whatever its thread (delivery.ts). */
  ring?: boolean;
  /** For timers: the XState send id, used by cancel. */
  timerId?: string;
  /**
   * The rest of the sending transition's chain: what is put in inboxes once this message is
   * consumed (delivery.ts): the next call, after any commands posted to devices before it.
   * Absent at the end of a chain.
   */
  next?: readonly Append[];
}

/**
 * A message put at the tail of an actor's inbox: the actor's index and the message's interned id
 * (`ControlledWorld.message(msg)` gives it back).
 *
 * @example
 * ```ts
 * import type { Append, ControlledWorld } from 'mirrorlab';
 *
 * // Where the rest of a message's chain goes once it is consumed.
 * const chainTargets = (world: ControlledWorld, next: readonly Append[]) => next.map((a) => world.actors[a.to].id);
 * ```
 */
export interface Append {
  to: number;
  msg: number;
}

/**
 * A step by scheduler indices: deliver the `index`-th deliverable message of actor `actor`, fire
 * one of its timers, or take `option` of its pending choice. Meaningful only for the world that
 * listed it; traces use {@link SemanticStep}.
 *
 * @example
 * ```ts
 * import { ControlledWorld, type Step } from 'mirrorlab';
 *
 * declare const world: ControlledWorld;
 * const steps: Step[] = world.enabled(world.initial);
 * const next = world.apply(world.initial, steps[0]).state;
 * ```
 */
export type Step =
  | { kind: 'deliver'; actor: number; index: number }
  | { kind: 'timer'; actor: number; index: number }
  | { kind: 'choose'; actor: number; option: number };

/**
 * What one step did, for monitors, timelines and traces. Cached: treat it as read-only.
 *
 * @example
 * ```ts
 * import type { Monitor, StepRecord } from 'mirrorlab';
 *
 * // Log every step a machine did not handle.
 * const unhandled: Monitor = {
 *   name: 'unhandled',
 *   onStep: (_ctx, record: StepRecord) => {
 *     if (record.policy === 'unhandled') console.log(record.actor, record.message.event.type);
 *     return null;
 *   },
 * };
 * ```
 */
export interface StepRecord {
  step: Step;
  actor: string;
  message: Message;
  /** Interned id of `message` (the chosen option, for choices). */
  msg: number;
  /** Snapshot ids before and after (equal when the event was deferred-free but changed nothing). */
  before: number;
  after: number;
  policy: 'handled' | 'ignored' | 'unhandled';
  /** What the machine sent at this step, in program order (each reaches its inbox in turn). */
  sends: { to: string; msg: number }[];
  choice: KChooseParams | null;
  observations: Observation[];
  /** Id of the machine transition (actor, snapshot, message) behind this step. */
  transition: number;
}

/**
 * The cached effect of one message on one actor's snapshot.
 *
 * @internal Plumbing of {@link ControlledWorld}'s compact states (its @internal members use it):
 * monitors and searches see {@link StepRecord}s and `Step`s instead.
 */
export interface CachedTransition {
  id: number;
  actor: number;
  after: number;
  policy: 'handled' | 'ignored' | 'unhandled';
  /** Everything the machine sent, in program order (the chain's messages). */
  sends: Append[];
  /**
   * What this step puts in inboxes: the head of its own chain, then the next message of the
   * consumed message's chain (unless a choice holds it back until it is taken).
   */
  appends: Append[];
  choice: number;
  timersSet: number[];
  timersCancelled: string[];
  observations: Observation[];
}

/**
 * One actor's local situation, interned.
 *
 * @internal Plumbing of {@link ControlledWorld}'s compact states (its @internal members use it):
 * monitors and searches see {@link StepRecord}s and `Step`s instead.
 */
export interface Local {
  snap: number;
  choice: number;
  timers: number[];
  inbox: number[];
  /** Enabled steps from this local situation (computed on first use). */
  steps: LocalStep[] | null;
  /** Steps asked for that are not enabled (e.g. a deferred message given to `apply`). */
  extra: LocalStep[] | null;
  /** Local ids after appending a message id (cached): message ids and results, side by side. */
  appendMsgs: number[] | null;
  appendIds: number[] | null;
  /** Local id of the same situation with the inbox ordered by sender (-1: not computed yet). */
  canon: number;
}

/**
 * One enabled step of one actor in one local situation, and (once resolved) what it does.
 *
 * @internal Plumbing of {@link ControlledWorld}'s compact states (its @internal members use it):
 * monitors and searches see {@link StepRecord}s and `Step`s instead.
 */
export interface LocalStep {
  /** Global id of this local step (for compact search nodes). */
  id: number;
  actor: number;
  /** The local id it is taken from. */
  from: number;
  step: Step;
  /** The message delivered (the interned option, for a choice); -1 until resolved. */
  msg: number;
  /** The actor's next local id, own inbox and timers included; -1 until resolved. */
  next: number;
  /** Inbox appends to other actors, as (target, message) pairs in order. */
  sends: Int32Array;
  /** What the step did; null until resolved (`ControlledWorld.resolve`). */
  record: StepRecord | null;
}

/**
 * A step named by what it does rather than by scheduler indices, so replay survives edits.
 *
 * @example
 * ```ts
 * import type { SemanticStep } from 'mirrorlab';
 *
 * const munmap = { type: 'mm.munmap', addr: 0x10000, length: 0x1000, replyTo: 'thread:cpu', tid: 'thread:cpu' };
 * const step: SemanticStep = { kind: 'deliver', actor: 'mm:p1', from: 'thread:cpu', thread: 'thread:cpu', event: munmap };
 * ```
 */
export interface SemanticStep {
  kind: Step['kind'];
  actor: string;
  from?: string;
  /** The message's thread of control (absent in traces written before threads had channels). */
  thread?: string;
  event: EventObject;
  label?: string;
}
