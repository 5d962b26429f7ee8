/**
 * Every state of a machine that `xstate/graph` reaches with the given events, and what the
 * runtime would do there with each of them (event-policy.ts): the test that no reachable state
 * drops a protocol event silently. Each shortest path is also replayed under the runtime's
 * delivery rules (machine-harness.ts), which must reach the same state.
 *
 * ```ts
 * const states = walkEventPolicy(ptLockMachine, { input: { id: 'lock:gpu0', kind: 'mutex' }, events });
 * expect(unhandledOnPaths(states)).toEqual([]);
 * ```
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { deliveryPolicy, type EventPolicy } from '../runtime/event-policy.ts';
import { type AnyEvent, MachineHarness } from './machine-harness.ts';
import { stateText } from './state-key.ts';

export interface PolicyWalkOptions {
  input: { id: string } & Record<string, unknown>;
  /** The events to explore with, one sample of each type a peer can send (with the fields guards read). */
  events: AnyEvent[];
}

export interface ReachedState {
  /** The state value as `a.b`. */
  state: string;
  snapshot: AnyMachineSnapshot;
  /** The event types of a shortest path from the initial state. */
  path: string[];
  /** What the state does with each event (by type; the sample's fields decide guarded ones). */
  policy: Record<string, EventPolicy>;
  /** Whether replaying the path under the runtime's rules reached the same state. */
  replayed: boolean;
}

export function walkEventPolicy(machine: AnyStateMachine, options: PolicyWalkOptions): ReachedState[] {
  const key = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
  const paths = getShortestPaths(machine, {
    input: options.input as never,
    events: options.events as never,
    serializeState: (s) => key(s as AnyMachineSnapshot),
  });
  const byState = new Map<string, ReachedState>();
  for (const p of paths) {
    const snapshot = p.state as AnyMachineSnapshot;
    if (byState.has(key(snapshot))) continue;
    const events = p.steps.slice(1).map((s) => s.event as AnyEvent);
    const h = new MachineHarness(machine, options.input, { unhandled: 'record' });
    for (const e of events) h.send(e);
    byState.set(key(snapshot), {
      state: stateText(snapshot.value),
      snapshot,
      path: events.map((e) => e.type),
      policy: Object.fromEntries(options.events.map((e) => [e.type, deliveryPolicy(snapshot, e as EventObject)])),
      replayed: key(h.snapshot) === key(snapshot),
    });
  }
  return [...byState.values()];
}

/**
 * Each (state, event) left unhandled, as `in <state> (after a → b): <event> is unhandled`, except
 * those `allowed` names (by state text, a list of event types); and each path the runtime's rules
 * did not follow to the same state.
 */
export function unhandledOnPaths(states: ReachedState[], allowed: Record<string, string[]> = {}): string[] {
  const out: string[] = [];
  for (const s of states) {
    const after = s.path.length ? ` (after ${s.path.join(' → ')})` : ' (initial)';
    if (!s.replayed) out.push(`in ${s.state}${after}: the path does not reach it under the runtime's delivery rules`);
    for (const [type, policy] of Object.entries(s.policy))
      if (policy === 'unhandled' && !allowed[s.state]?.includes(type))
        out.push(`in ${s.state}${after}: ${type} is unhandled`);
  }
  return out;
}

/** A machine's atomic states, each with "does this state or an ancestor handle, defer or ignore this event type?". */
export interface LeafNode {
  path: string;
  covers: (type: string) => boolean;
}

export function leafNodes(machine: AnyStateMachine): LeafNode[] {
  type Node = {
    path: string[];
    on: Record<string, unknown>;
    meta?: { defer?: string[]; ignore?: Record<string, string> };
    parent?: Node;
    states: Record<string, Node>;
  };
  const covers = (node: Node, type: string): boolean => {
    for (let n: Node | undefined = node; n; n = n.parent) {
      if (n.on[type] || n.meta?.ignore?.[type]) return true;
      if (n.meta?.defer?.some((d) => d === type || (d.endsWith('.*') && type.startsWith(d.slice(0, -1))))) return true;
    }
    return false;
  };
  const out: LeafNode[] = [];
  const walk = (node: Node) => {
    const children = Object.values(node.states);
    if (children.length === 0) out.push({ path: node.path.join('.'), covers: (t) => covers(node, t) });
    for (const c of children) walk(c);
  };
  walk(machine.root as unknown as Node);
  return out;
}
