/**
 * What a state does with an event type: handle it, defer it (leave it in the inbox), ignore it
 * on purpose, or nothing at all (an unhandled event, which the runtime reports: XState would
 * drop it silently). Read from the active state nodes: their transitions and their
 * `meta.defer` / `meta.ignore` declarations (docs/protocol.md, "Delivery rules").
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';

export type EventPolicy = 'handled' | 'deferred' | 'ignored' | 'unhandled';

interface StateNodeLike {
  ownEvents: string[];
  meta?: { defer?: string[]; ignore?: Record<string, string> };
}

function matchesPattern(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

export function eventPolicy(snapshot: AnyMachineSnapshot, type: string): EventPolicy {
  if (snapshot.status !== 'active') return 'unhandled';
  const nodes = (snapshot as unknown as { _nodes: StateNodeLike[] })._nodes;
  let deferred = false;
  let ignored = false;
  for (const node of nodes) {
    if (node.ownEvents.some((e) => matchesPattern(e, type))) return 'handled';
    const meta = node.meta;
    if (meta?.defer?.some((p) => matchesPattern(p, type))) deferred = true;
    if (meta?.ignore && Object.keys(meta.ignore).some((p) => matchesPattern(p, type))) ignored = true;
  }
  if (deferred) return 'deferred';
  return ignored ? 'ignored' : 'unhandled';
}

/**
 * What the runtime does with this event in this state: as `eventPolicy`, except that a type the
 * state handles whose every transition's guard fails for this event counts as unhandled
 * (nothing would happen: the silent drop the protocol forbids).
 */
export function deliveryPolicy(snapshot: AnyMachineSnapshot, event: EventObject): EventPolicy {
  const policy = eventPolicy(snapshot, event.type);
  return policy === 'handled' && !snapshot.can(event) ? 'unhandled' : policy;
}
