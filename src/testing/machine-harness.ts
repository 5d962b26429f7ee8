/**
 * Drive one pure machine by hand in a unit test: send it events, read what it sent. Each event
 * goes through the runtime's delivery rules (event-policy.ts), which a plain XState actor does
 * not keep: a deferred event waits and is delivered as soon as a state takes it, an ignored one
 * is consumed, an unhandled one is an error (or, with `unhandled: 'record'`, consumed and
 * recorded, as the runtime's monitor reports it). Steps use the controlled runtime's pure step,
 * so a test sees exactly the effects the scheduler would see.
 *
 * ```ts
 * const h = new MachineHarness(rangeNotifierMachine, { id: 'sub:gpu0', core: 'core:p1', driver: 'drv:gpu0', start: 0, length: 4096 });
 * h.send({ type: 'sub.readBegin', replyTo: 'drv:gpu0', tid: 't1' });
 * h.sentTo('drv:gpu0'); // [{ type: 'sub.readBeginResult', ... }]
 * ```
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { KSendParams, Observation } from '../../machines/kernel-actions.ts';
import { deliveryPolicy, type EventPolicy } from '../runtime/event-policy.ts';
import { PureMachine, type StepResult } from '../runtime/pure-step.ts';
import { stateText } from './state-key.ts';

/** Any event with fields: tests write protocol messages as plain literals. */
export type AnyEvent = { type: string; [field: string]: any };

export interface HarnessOptions {
  /** An event no state handles, defers or ignores: `throw` (the default) or `record` it and go on, as the runtime does. */
  unhandled?: 'throw' | 'record';
}

/** What became of one delivered event. */
export interface Delivery {
  event: AnyEvent;
  policy: EventPolicy;
  /** The state it met, as `a.b`. */
  state: string;
}

export class UnhandledEventError extends Error {
  override name = 'UnhandledEventError';
}

export class MachineHarness {
  readonly pure: PureMachine;
  snapshot: AnyMachineSnapshot;
  /** Effects of the last `send` (the event's step and those of deferred events it let through), or of start-up. */
  last: StepResult;
  /** Every send so far, in order. */
  readonly sent: KSendParams[] = [];
  readonly observed: Observation[] = [];
  /** Pending timers by id (set and not cancelled or fired). */
  readonly timers = new Map<string, EventObject>();
  /** Events waiting because the state they met defers them, oldest first. */
  readonly deferred: AnyEvent[] = [];
  /** Every event delivered (deferred ones again when taken), with what became of it. */
  readonly deliveries: Delivery[] = [];
  private readonly unhandled: 'throw' | 'record';

  constructor(machine: AnyStateMachine, input: { id: string } & Record<string, unknown>, options: HarnessOptions = {}) {
    this.pure = new PureMachine(machine, input.id);
    this.unhandled = options.unhandled ?? 'throw';
    this.last = this.pure.initial(input);
    this.snapshot = this.last.snapshot;
    this.record(this.last);
  }

  /** Delivers `event` under the runtime's rules; returns the effects (none when it was deferred or ignored). */
  send(event: AnyEvent): StepResult {
    const steps: StepResult[] = [];
    if (this.deliver(event, steps)) {
      // A state change may let deferred events through: each, oldest first, as soon as it is taken.
      for (let k = 0; k < this.deferred.length; ) {
        const waiting = this.deferred[k];
        if (deliveryPolicy(this.snapshot, waiting as EventObject) !== 'handled') {
          k++;
          continue;
        }
        this.deferred.splice(k, 1);
        this.deliver(waiting, steps);
        k = 0;
      }
    }
    this.last = merge(this.snapshot, steps);
    return this.last;
  }

  /** What the current state would do with `event`: handled, deferred, ignored or unhandled. */
  policyOf(event: AnyEvent): EventPolicy {
    return deliveryPolicy(this.snapshot, event as EventObject);
  }

  /** Fire a pending timer (time is abstract: any pending timer may fire). */
  fire(timerId?: string): StepResult {
    const id = timerId ?? [...this.timers.keys()][0];
    const event = id === undefined ? undefined : this.timers.get(id);
    if (!id || !event) throw new Error(`no pending timer ${timerId ?? ''}`);
    this.timers.delete(id);
    return this.send(event as AnyEvent);
  }

  /** Sends of the last `send` addressed to `to` (all sends when omitted). */
  sentTo(to?: string): AnyEvent[] {
    return this.last.sends.filter((s) => to === undefined || s.to === to).map((s) => s.event as AnyEvent);
  }

  get context(): Record<string, unknown> {
    return this.snapshot.context as Record<string, unknown>;
  }

  /** The current state as `a.b` (parallel regions as `{a.b, c}`). */
  get state(): string {
    return stateText(this.snapshot.value);
  }

  matches(value: string): boolean {
    return this.snapshot.matches(value as never);
  }

  /** One delivery; true when the machine took a step. */
  private deliver(event: AnyEvent, steps: StepResult[]): boolean {
    const policy = deliveryPolicy(this.snapshot, event as EventObject);
    this.deliveries.push({ event, policy, state: this.state });
    if (policy === 'deferred') this.deferred.push(event);
    if (policy === 'unhandled' && this.unhandled === 'throw') {
      throw new UnhandledEventError(
        `${this.pure.machine.id} in state ${this.state} got '${event.type}', which it neither handles (no transition, or every guard false), defers (meta.defer) nor ignores (meta.ignore, with the reason): the runtime reports it as an unhandled event`,
      );
    }
    if (policy !== 'handled') return false;
    const r = this.pure.step(this.snapshot, event as EventObject);
    this.snapshot = r.snapshot;
    this.record(r);
    steps.push(r);
    return true;
  }

  private record(r: StepResult): void {
    this.sent.push(...r.sends);
    this.observed.push(...r.observations);
    for (const id of r.timersCancelled) this.timers.delete(id);
    for (const t of r.timersSet) this.timers.set(t.id, t.event);
  }
}

function merge(snapshot: AnyMachineSnapshot, steps: StepResult[]): StepResult {
  return {
    snapshot,
    sends: steps.flatMap((s) => s.sends),
    choice: steps.reduce<StepResult['choice']>((c, s) => s.choice ?? c, null),
    observations: steps.flatMap((s) => s.observations),
    timersSet: steps.flatMap((s) => s.timersSet),
    timersCancelled: steps.flatMap((s) => s.timersCancelled),
  };
}
