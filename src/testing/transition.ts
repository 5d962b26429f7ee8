/**
 * Assert one transition of a machine: from the harness's current state, this event leads to
 * this state, changes the context like this, and sends (and observes) exactly these effects.
 * Expected values match partially: an object names only the fields it cares about.
 *
 * ```ts
 * expectTransition(h, { type: 'sub.setSeq', tid: 't1', seq: 3 }, { to: 'attached.invalidating', context: { seq: 3 }, sends: [] });
 * ```
 */
import type { Observation } from '../../machines/kernel-actions.ts';
import type { EventPolicy } from '../runtime/event-policy.ts';
import type { StepResult } from '../runtime/pure-step.ts';
import type { AnyEvent, MachineHarness } from './machine-harness.ts';

export interface TransitionExpectation {
  /** What the state does with the event (default `handled`). */
  policy?: EventPolicy;
  /** The state after, as `snapshot.matches` takes it: `attached.idle`. */
  to?: string;
  /** Fields of the context after (partial, recursively). */
  context?: Record<string, unknown>;
  /** Every send, in order: `to` and the event (partial). */
  sends?: { to: string; event: Partial<AnyEvent> }[];
  /** Every observation (`kObserve`), in order, partial. */
  observations?: Partial<Observation>[];
}

export class TransitionMismatch extends Error {
  override name = 'TransitionMismatch';
}

/** Sends `event` and checks the outcome; throws a `TransitionMismatch` naming every difference. */
export function expectTransition(h: MachineHarness, event: AnyEvent, expected: TransitionExpectation): StepResult {
  const from = h.state;
  const policy = h.policyOf(event);
  const problems: string[] = [];
  if (policy !== (expected.policy ?? 'handled'))
    problems.push(`the state ${policy} it (expected ${expected.policy ?? 'handled'})`);
  const r = policy === 'unhandled' ? null : h.send(event);
  if (expected.to !== undefined && !h.matches(expected.to))
    problems.push(`went to ${h.state}, expected ${expected.to}`);
  if (expected.context && !matches(h.context, expected.context))
    problems.push(`context ${show(pick(h.context, expected.context))}, expected ${show(expected.context)}`);
  const sends = r?.sends ?? [];
  if (expected.sends && !matches(sends, expected.sends))
    problems.push(`sent ${show(sends)}, expected ${show(expected.sends)}`);
  const observations = r?.observations ?? [];
  if (expected.observations && !matches(observations, expected.observations))
    problems.push(`observed ${show(observations)}, expected ${show(expected.observations)}`);
  if (problems.length)
    throw new TransitionMismatch(`${h.pure.machine.id} in ${from} on '${event.type}':\n  ${problems.join('\n  ')}`);
  return r ?? h.last;
}

/** Partial match: objects by the expected keys, arrays element by element and by length, the rest by `Object.is`. */
export function matches(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e))
    );
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
  }
  return Object.is(actual, expected);
}

/** The actual context reduced to the fields the expectation names, for a readable message. */
function pick(actual: Record<string, unknown>, expected: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k]]));
}

function show(v: unknown): string {
  return JSON.stringify(v);
}
