/**
 * The live runtime: the same pure machines as real XState actors, children of one root actor
 * (so one system, one `inspect` stream, `system.get(systemId)` for every actor).
 *
 * XState would deliver `sendTo` synchronously and depth-first (one fixed interleaving). We take
 * delivery away from it instead: each machine's `kSend` is provided as "append to the world's
 * queue", its timers run on a clock whose callbacks become pending steps, and `step()` delivers
 * one message chosen by the schedule. So a live run is one interleaving the explorer could
 * also have taken, and `createWorld(...).run()` under a seed is reproducible.
 */

import {
  type Actor,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventObject,
  type InspectionEvent,
  setup,
  spawnChild,
} from 'xstate';
import type { KChooseParams, KSendParams, Observation } from '../machines/kernel-actions.ts';
import { Random } from '../src/explorer/strategies/random.ts';
import type { ActorSpec } from '../src/runtime/controlled-world.ts';
import { threadOf } from '../src/runtime/delivery.ts';
import { eventPolicy } from '../src/runtime/event-policy.ts';
import { ModelError } from '../src/runtime/pure-step.ts';
import { driverActionGuard } from './driver-action-guard.ts';
import { microstepGuard } from './microstep-guard.ts';

/**
 * How a {@link LiveWorld} picks the next step: `default` delivers the oldest pending message first
 * (a global FIFO), `random` picks uniformly with a seeded generator.
 *
 * @example
 * ```ts
 * import type { LiveSchedule } from 'mirrorlab';
 *
 * const schedule: LiveSchedule = 'random';
 * ```
 */
export type LiveSchedule = 'default' | 'random';

/**
 * How a {@link LiveWorld} picks the next step, and an optional XState inspector.
 *
 * @example
 * ```ts
 * import { createBrowserInspector } from '@statelyai/inspect';
 * import { createWorld, type LiveWorldOptions } from 'mirrorlab';
 *
 * const inspector = createBrowserInspector(); // the Stately inspector, in a browser
 * const options: LiveWorldOptions = { schedule: 'random', seed: 42, inspect: (event) => inspector.inspect.next?.(event) };
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml', options);
 * ```
 */
export interface LiveWorldOptions {
  /** `default`: oldest pending message first (a global FIFO); `random`: seeded uniform choice. */
  schedule?: LiveSchedule;
  seed?: number;
  /** XState's inspection callback, e.g. `createBrowserInspector().inspect` or a WebSocket inspector. */
  inspect?: (event: InspectionEvent) => void;
}

/**
 * A step a {@link LiveWorld} may take next (`enabled()`): a message to deliver, a timer to fire or
 * a choice to take, with its sender and thread. Exported as `LivePending`.
 *
 * @example
 * ```ts
 * import { createWorld, type LivePending } from 'mirrorlab';
 *
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml');
 * const next: LivePending[] = world.enabled();
 * next.map((p) => `${p.from} -> ${p.to}: ${p.event.type}`);
 * ```
 */
export interface Pending {
  seq: number;
  kind: 'deliver' | 'timer' | 'choose';
  to: string;
  from: string;
  event: EventObject;
  /** The thread of control it belongs to, and its FIFO channel (src/runtime/delivery.ts). */
  thread: string;
  channel: string;
  /** The rest of the sending transition's chain, queued once this message is consumed. */
  next?: Pending[];
  /** For timers: the clock handle; for choices: all options. */
  timer?: number;
  options?: EventObject[];
}

/** A send a machine made during the current step, before it is chained. */
interface Sent {
  from: string;
  to: string;
  event: EventObject;
}

/**
 * One step a {@link LiveWorld} took (`steps`): what was delivered to which actor, how its machine
 * handled it, its snapshots around it and what it observed.
 *
 * @example
 * ```ts
 * import { createWorld, type LiveStep } from 'mirrorlab';
 *
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml');
 * world.run();
 * const steps: readonly LiveStep[] = world.steps;
 * steps.map((s) => `${s.n} ${s.actor} ${s.event.type} (${s.policy})`);
 * ```
 */
export interface LiveStep {
  n: number;
  kind: Pending['kind'];
  actor: string;
  from: string;
  /** The message's thread of control (src/runtime/delivery.ts). */
  thread: string;
  event: EventObject;
  policy: 'handled' | 'ignored' | 'unhandled';
  before: unknown;
  after: unknown;
  observations: Observation[];
}

/** A clock whose timeouts never fire by themselves: each becomes a pending step. */
class ChoiceClock {
  private next = 1;
  readonly pending = new Map<number, () => void>();
  setTimeout(fn: () => void, _ms: number): number {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  }
  clearTimeout(id: number): void {
    this.pending.delete(id);
  }
}

/**
 * The live runtime: the machines as real XState actors whose `kSend` effects are queued, not
 * delivered, so that `step()` delivers one message (or fires one timer, or takes one choice) chosen
 * by the schedule. Create one with {@link createWorld} (from a scenario) or {@link createLiveWorld}
 * (from actor specs).
 *
 * @example
 * ```ts
 * import { createWorld } from 'mirrorlab';
 *
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml', { schedule: 'random', seed: 7 });
 * while (world.step()) {} // one delivery at a time; false once nothing is pending
 * world.steps.length; // what was delivered, in order
 * world.snapshot('dev:gpu0').context.table; // the device page table
 * world.stop();
 * ```
 */
export class LiveWorld {
  readonly root: Actor<AnyStateMachine>;
  readonly ids: string[];
  readonly steps: LiveStep[] = [];
  private readonly queue: Pending[] = [];
  private readonly clock = new ChoiceClock();
  private readonly rng: Random;
  private readonly schedule: LiveSchedule;
  private seq = 0;
  private observations: Observation[] = [];
  /** What the machines sent during the current step (or the start), in order. */
  private sent: Sent[] = [];
  /** Choices made during the current step (or the start). */
  private chosen: { actor: string; params: KChooseParams }[] = [];
  private readonly concurrent: Set<string>;
  private readonly asynchronous: Set<string>;
  /** Refs kept by us: XState drops an actor from its system once it reaches a final state. */
  private readonly refs = new Map<string, AnyActorRef>();
  /** The message being delivered now, so that its inspection event names its sender. */
  private delivering: { to: AnyActorRef; from: AnyActorRef } | undefined;

  constructor(specs: ActorSpec[], options: LiveWorldOptions = {}) {
    this.schedule = options.schedule ?? 'default';
    this.rng = new Random(options.seed ?? 1);
    this.ids = specs.map((s) => s.id);
    this.concurrent = new Set(specs.filter((s) => s.concurrent).map((s) => s.id));
    this.asynchronous = new Set(specs.filter((s) => s.asynchronous).map((s) => s.id));
    const provided = specs.map((s) =>
      s.machine.provide({
        actions: {
          kSend: ({ self }: { self: AnyActorRef }, params: KSendParams) => this.sendFrom(self.id, params),
          kChoose: ({ self }: { self: AnyActorRef }, params: KChooseParams) => {
            this.chosen.push({ actor: self.id, params });
          },
          kObserve: (_: unknown, params: Observation) => this.observations.push(params),
        } as never,
      }),
    );
    // An actor that starts from a snapshot (the state a scenario's set-up left it in) gets a
    // logic whose initial snapshot is that state, rebuilt on the provided machine so its
    // effects go through this world; entry actions are not run again.
    const logics = specs.map((s, i) => (s.snapshot ? startingFrom(provided[i], s.snapshot) : provided[i]));
    const actors = Object.fromEntries(specs.map((s, i) => [s.id, logics[i]]));
    const rootMachine = setup({ actors }).createMachine({
      id: 'mirrorlab',
      entry: specs.map((s) => spawnChild(s.id as never, { id: s.id, systemId: s.id, input: { ...s.input, id: s.id } })),
    });
    // A driver whose `always` transitions loop would hang XState: the guard ends it with an error.
    // A driver that enqueues an action the controlled runtime refuses is refused here too.
    const guard = microstepGuard();
    const actionGuard = driverActionGuard();
    const inspect = options.inspect;
    this.root = createActor(rootMachine, {
      clock: this.clock,
      inspect: (e: InspectionEvent) => {
        guard(e);
        actionGuard(e);
        inspect?.(this.withSender(e));
      },
    });
    this.root.start();
    for (const id of this.ids) {
      const ref = this.root.system.get(id);
      if (ref) this.refs.set(id, ref);
      // An actor whose guard or action throws is reported by step() (a ModelError naming the
      // step), not by XState's unhandled-error rethrow on a timer, which would kill the process.
      ref?.subscribe({ error: () => {} });
    }
    this.root.subscribe({ error: () => {} });
    // Each actor's start sends form one chain in its own thread; start choices are its own.
    for (const id of this.ids) {
      const mine = this.sent.filter((x) => x.from === id);
      this.queueChain(mine, id);
    }
    for (const c of this.chosen) this.queueChoice(c.actor, c.params, c.actor, undefined);
    this.sent = [];
    this.chosen = [];
    this.collectTimers();
  }

  private sendFrom(from: string, params: KSendParams): void {
    if (!this.ids.includes(params.to))
      throw new Error(`actor '${from}' sent to '${params.to}', which is not in this world`);
    this.sent.push({ from, to: params.to, event: params.event });
  }

  /**
   * Queue the head of a chain of sends made in `thread`: the rest follows it, and a command
   * posted to a device goes out with whatever follows it (src/runtime/delivery.ts).
   */
  private queueChain(sends: Sent[], thread: string): void {
    let next: Pending[] = [];
    for (let k = sends.length - 1; k >= 0; k--) {
      const { from, to, event } = sends[k];
      const t = threadOf(event, thread);
      const ring = this.asynchronous.has(to);
      const channel = this.concurrent.has(from) && !ring ? `${from}#${t}` : from;
      const p: Pending = { seq: 0, kind: 'deliver', to, from, event, thread: t, channel };
      if (!ring && next.length) p.next = next;
      next = ring ? [p, ...next] : [p];
    }
    for (const p of next) this.push(p);
  }

  private queueChoice(actor: string, params: KChooseParams, thread: string, next: Pending[] | undefined): void {
    this.push({
      seq: 0,
      kind: 'choose',
      to: actor,
      from: 'choice',
      event: params.options[0],
      thread,
      channel: 'choice',
      next,
      options: params.options,
    });
  }

  private push(p: Pending): void {
    this.queue.push({ ...p, seq: this.seq++ });
  }

  /** Turn newly armed clock timeouts into pending timer steps. */
  private collectTimers(): void {
    const known = new Set(this.queue.filter((p) => p.kind === 'timer').map((p) => p.timer));
    for (const [id] of this.clock.pending) {
      if (!known.has(id))
        this.push({
          seq: 0,
          kind: 'timer',
          to: 'timer',
          from: 'timer',
          event: { type: 'timer' },
          thread: 'timer',
          channel: 'timer',
          timer: id,
        });
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const p = this.queue[i];
      if (p.kind === 'timer' && !this.clock.pending.has(p.timer!)) this.queue.splice(i, 1);
    }
  }

  actor(id: string): AnyActorRef {
    const ref = this.refs.get(id);
    if (!ref) throw new Error(`no actor '${id}' in this world`);
    return ref;
  }

  snapshot(id: string): AnyMachineSnapshot {
    return this.actor(id).getSnapshot() as AnyMachineSnapshot;
  }

  /** Pending steps the schedule may take now: per channel the first non-deferred message, timers, choices. */
  enabled(): Pending[] {
    const out: Pending[] = [];
    const choosing = new Set(this.queue.filter((p) => p.kind === 'choose').map((p) => p.to));
    const taken = new Set<string>();
    for (const p of this.queue) {
      if (p.kind === 'timer') {
        out.push(p);
        continue;
      }
      if (p.kind === 'choose') {
        out.push(p);
        continue;
      }
      // FIFO per channel and receiver, as in the controlled runtime (delivery.ts).
      const channel = `${p.channel}->${p.to}`;
      if (choosing.has(p.to) || taken.has(channel)) continue;
      if (eventPolicy(this.snapshot(p.to), p.event.type) === 'deferred') continue;
      taken.add(channel);
      out.push(p);
    }
    return out;
  }

  /** Take one step; false when nothing is enabled. */
  step(): boolean {
    const enabled = this.enabled();
    if (enabled.length === 0) return false;
    const p = this.schedule === 'random' ? enabled[this.rng.int(enabled.length)] : enabled[0];
    this.queue.splice(this.queue.indexOf(p), 1);
    this.observations = [];
    this.sent = [];
    this.chosen = [];
    let thread = p.thread;
    if (p.kind === 'timer') {
      const fire = this.clock.pending.get(p.timer!)!;
      this.clock.pending.delete(p.timer!);
      fire();
      // A timer runs in its actor's own thread (the clock does not say whose timer it was: the
      // actor is the one that sent or chose something).
      thread = this.sent[0]?.from ?? this.chosen[0]?.actor ?? 'timer';
      this.record(p, 'handled', undefined, undefined);
    } else {
      const event =
        p.kind === 'choose' ? p.options![this.schedule === 'random' ? this.rng.int(p.options!.length) : 0] : p.event;
      const ref = this.actor(p.to);
      const before = ref.getSnapshot() as AnyMachineSnapshot;
      let policy = eventPolicy(before, event.type);
      try {
        // `can` runs the transition's guards, which may throw.
        if (policy === 'handled' && !before.can(event)) policy = 'unhandled';
      } catch (e) {
        throw this.crash(p, event, e);
      }
      if (policy === 'handled') {
        // A timer or a choice comes back to the actor that set it: its own sender.
        const from = this.refs.get(p.from) ?? ref;
        this.delivering = { to: ref, from };
        try {
          ref.send(event);
        } finally {
          this.delivering = undefined;
        }
      }
      const after = ref.getSnapshot() as AnyMachineSnapshot;
      // A guard or action threw (or a guard of ours refused a step): the actor is dead.
      if (after.status === 'error') throw this.crash(p, event, after.error);
      this.record({ ...p, event }, policy === 'deferred' ? 'handled' : policy, before.value, after.value);
    }
    this.queueChain(this.sent, thread);
    const chosen = this.chosen[0];
    if (chosen) {
      // The caller's next call waits until the choice is taken (delivery.ts).
      this.queueChoice(chosen.actor, chosen.params, thread, p.next);
    } else if (p.next) {
      for (const n of p.next) this.push(n);
    }
    this.sent = [];
    this.collectTimers();
    return true;
  }

  /**
   * The model error of a step whose guard or action threw, worded as `run` and `check` word it
   * (src/cli/run-command.ts): what went wrong, then the step.
   */
  private crash(p: Pending, event: EventObject, e: unknown): ModelError {
    const why =
      e instanceof ModelError
        ? e.message
        : `${p.to} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    return new ModelError(`${why}, at step ${this.steps.length + 1}: ${p.to} got ${event.type} from ${p.from}`);
  }

  /**
   * XState's inspection event of a message sent from outside the actors (our `ref.send`) has
   * no `sourceRef`; the message's real sender is known here, and the Stately inspector's
   * sequence view needs it to draw the arrow.
   */
  private withSender(e: InspectionEvent): InspectionEvent {
    const d = this.delivering;
    if (e.type !== '@xstate.event' || e.sourceRef || !d || e.actorRef !== d.to) return e;
    return { ...e, sourceRef: d.from };
  }

  private record(p: Pending, policy: LiveStep['policy'], before: unknown, after: unknown): void {
    this.steps.push({
      n: this.steps.length + 1,
      kind: p.kind,
      actor: p.to,
      from: p.from,
      thread: p.thread,
      event: p.event,
      policy,
      before,
      after,
      observations: this.observations,
    });
  }

  /** Step until nothing is enabled or `maxSteps` were taken; returns the number of steps. */
  run(maxSteps = 100_000): number {
    let n = 0;
    while (n < maxSteps && this.step()) n++;
    return n;
  }

  stop(): void {
    this.root.stop();
  }
}

function startingFrom(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): AnyStateMachine {
  const logic = Object.create(machine) as AnyStateMachine;
  logic.getInitialSnapshot = () =>
    machine.resolveState({ value: snapshot.value, context: snapshot.context }) as ReturnType<
      AnyStateMachine['getInitialSnapshot']
    >;
  return logic;
}

/**
 * A live world of real XState actors, one per spec, under one root actor (so one system and one
 * `inspect` stream). Nothing runs until you call `step()` or `run()`.
 *
 * @example
 * ```ts
 * import { createLiveWorld, ptLockMachine, threadMachine } from 'mirrorlab';
 *
 * const world = createLiveWorld([
 *   { id: 'lock:gpu0', machine: ptLockMachine, input: { id: 'lock:gpu0', kind: 'mutex' } },
 *   {
 *     id: 'thread:a',
 *     machine: threadMachine,
 *     input: {
 *       id: 'thread:a',
 *       ops: [
 *         { to: 'lock:gpu0', event: { type: 'lock.acquire', mode: 'write' }, reply: 'lock.granted' },
 *         { to: 'lock:gpu0', event: { type: 'lock.release' }, reply: 'none' },
 *       ],
 *     },
 *   },
 * ]);
 * world.run(); // 4 deliveries
 * world.snapshot('lock:gpu0').value; // 'free'
 * ```
 */
export function createLiveWorld(specs: ActorSpec[], options?: LiveWorldOptions): LiveWorld {
  return new LiveWorld(specs, options);
}
