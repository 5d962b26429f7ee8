/**
 * Drive one pure machine by hand in a unit test: send it events, read what it sent.
 * Uses the same PureMachine step as the controlled runtime, so a test sees exactly the
 * effects the scheduler would see.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { KSendParams, Observation } from '../../machines/kernel-actions.ts';
import { PureMachine, type StepResult } from '../../src/runtime/pure-step.ts';

/** Any event with fields: tests write protocol messages as plain literals. */
export type AnyEvent = { type: string; [field: string]: any };

export class MachineHarness {
  readonly pure: PureMachine;
  snapshot: AnyMachineSnapshot;
  /** Effects of the last step (or of start-up). */
  last: StepResult;
  /** Every send so far, in order. */
  readonly sent: KSendParams[] = [];
  readonly observed: Observation[] = [];
  /** Pending timers by id (set and not cancelled or fired). */
  readonly timers = new Map<string, EventObject>();

  constructor(machine: AnyStateMachine, input: { id: string } & Record<string, unknown>) {
    this.pure = new PureMachine(machine, input.id);
    this.last = this.pure.initial(input);
    this.snapshot = this.last.snapshot;
    this.record(this.last);
  }

  send(event: AnyEvent): StepResult {
    this.last = this.pure.step(this.snapshot, event as EventObject);
    this.snapshot = this.last.snapshot;
    this.record(this.last);
    return this.last;
  }

  /** Fire a pending timer (time is abstract: any pending timer may fire). */
  fire(timerId?: string): StepResult {
    const id = timerId ?? [...this.timers.keys()][0];
    const event = id === undefined ? undefined : this.timers.get(id);
    if (!id || !event) throw new Error(`no pending timer ${timerId ?? ''}`);
    this.timers.delete(id);
    return this.send(event);
  }

  /** Sends of the last step addressed to `to` (all sends when omitted). */
  sentTo(to?: string): AnyEvent[] {
    return this.last.sends.filter((s) => to === undefined || s.to === to).map((s) => s.event as AnyEvent);
  }

  get context(): Record<string, unknown> {
    return this.snapshot.context as Record<string, unknown>;
  }

  matches(value: string): boolean {
    return this.snapshot.matches(value as never);
  }

  private record(r: StepResult): void {
    this.sent.push(...r.sends);
    this.observed.push(...r.observations);
    for (const id of r.timersCancelled) this.timers.delete(id);
    for (const t of r.timersSet) this.timers.set(t.id, t.event);
  }
}
