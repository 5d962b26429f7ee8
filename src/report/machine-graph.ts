/**
 * A machine's statechart as plain data: every state node and every transition, including the
 * targetless ones (actions only, no change of state) and the eventless (`always`) ones. The
 * exporters (Mermaid, SCXML, Stately source, JSON) draw from it, and the tests compare it
 * between a machine and the machine re-created from an export.
 */
import type { AnyStateMachine } from 'xstate';

/** A guard as written: a named guard (with its params), a higher-order guard, or an inline one. */
export type GuardSpec =
  | { kind: 'named'; name: string; params?: unknown }
  | { kind: 'and' | 'or' | 'not'; guards: GuardSpec[] }
  | { kind: 'stateIn'; state: unknown }
  | { kind: 'inline'; name: string };

export interface GraphTransition {
  /** The source state's id (XState's `#id`, e.g. `rangeNotifier.attached`). */
  source: string;
  /** The event type; '' for an eventless (`always`) transition. */
  event: string;
  /** Target state ids; empty for a targetless transition. */
  targets: string[];
  guard?: GuardSpec;
  actions: string[];
  reenter: boolean;
}

export type GraphStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface GraphState {
  id: string;
  key: string;
  type: GraphStateType;
  /** For a compound state: the id of its initial child. */
  initial?: string;
  history?: 'shallow' | 'deep';
  children: GraphState[];
  entry: string[];
  exit: string[];
}

export interface MachineGraph {
  id: string;
  root: GraphState;
  /** In document order: a state's own transitions before its children's. */
  transitions: GraphTransition[];
}

interface NodeLike {
  key: string;
  id: string;
  type: GraphStateType;
  history?: 'shallow' | 'deep' | false;
  initial?: { target: NodeLike[] };
  states: Record<string, NodeLike>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
  entry: unknown[];
  exit: unknown[];
}

interface TransitionLike {
  target?: NodeLike[];
  guard?: unknown;
  actions: unknown[];
  reenter?: boolean;
}

/** A guard as data: strings and `{ type, params }` are named; `and`/`or`/`not`/`stateIn` are opened up. */
export function describeGuard(guard: unknown): GuardSpec | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return { kind: 'named', name: guard };
  if (typeof guard === 'function') {
    const g = guard as { name?: string; guards?: unknown[]; stateValue?: unknown };
    if ((g.name === 'and' || g.name === 'or' || g.name === 'not') && Array.isArray(g.guards))
      return { kind: g.name, guards: g.guards.map((x) => describeGuard(x) ?? { kind: 'inline', name: 'guard' }) };
    if (g.name === 'stateIn' && 'stateValue' in g) return { kind: 'stateIn', state: g.stateValue };
    return { kind: 'inline', name: g.name || 'guard' };
  }
  if (typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    return params === undefined ? { kind: 'named', name: String(type) } : { kind: 'named', name: String(type), params };
  }
  return { kind: 'inline', name: 'guard' };
}

/** A guard as one line of text: `a`, `a && b`, `!(a || b)`, `in(state)`. */
export function guardText(g: GuardSpec | undefined, nested = false): string {
  if (!g) return '';
  switch (g.kind) {
    case 'named':
    case 'inline':
      return g.name;
    case 'stateIn':
      return `in(${typeof g.state === 'string' ? g.state : JSON.stringify(g.state)})`;
    case 'not':
      return `!${guardText(g.guards[0], true)}`;
    default: {
      const text = g.guards.map((x) => guardText(x, true)).join(g.kind === 'and' ? ' && ' : ' || ');
      return nested ? `(${text})` : text;
    }
  }
}

/** An action's name: named actions and `{ type }` objects by their type, built-ins by theirs. */
export function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (action && (typeof action === 'object' || typeof action === 'function')) {
    const a = action as { type?: unknown; name?: string };
    if (typeof a.type === 'string') return a.type;
    if (typeof action === 'function') return a.name || 'inline';
  }
  return 'inline';
}

export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const transitions: GraphTransition[] = [];
  const visit = (node: NodeLike): GraphState => {
    const add = (event: string, t: TransitionLike) => {
      const guard = describeGuard(t.guard);
      transitions.push({
        source: node.id,
        event,
        targets: (t.target ?? []).map((x) => x.id),
        ...(guard ? { guard } : {}),
        actions: (t.actions ?? []).map(actionName),
        reenter: Boolean(t.reenter),
      });
    };
    for (const [event, list] of node.transitions) for (const t of list) add(event, t);
    for (const t of node.always ?? []) add('', t);
    const children = Object.values(node.states).map(visit);
    const state: GraphState = {
      id: node.id,
      key: node.key,
      type: node.type,
      children,
      entry: (node.entry ?? []).map(actionName),
      exit: (node.exit ?? []).map(actionName),
    };
    if (node.type === 'compound' && node.initial?.target?.length) state.initial = node.initial.target[0].id;
    if (node.type === 'history') state.history = node.history === 'deep' ? 'deep' : 'shallow';
    return state;
  };
  const root = visit(machine.root as unknown as NodeLike);
  return { id: machine.id, root, transitions };
}

/**
 * Ids for another notation: each state id through `sanitize`, made unique with `_2`, `_3` …
 * (in document order, so the same machine always gets the same ids).
 */
export function uniqueIds(graph: MachineGraph, sanitize: (stateId: string) => string): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const s of allStates(graph)) {
    const base = sanitize(s.id);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(s.id, id);
  }
  return ids;
}

/** Every state node, the root first, in document order. */
export function allStates(graph: MachineGraph): GraphState[] {
  const out: GraphState[] = [];
  const walk = (s: GraphState) => {
    out.push(s);
    s.children.forEach(walk);
  };
  walk(graph.root);
  return out;
}

export interface GraphCounts {
  /** State nodes, the root included. */
  states: number;
  transitions: number;
  targetless: number;
  eventless: number;
  parallel: number;
}

export function graphCounts(graph: MachineGraph): GraphCounts {
  const states = allStates(graph);
  return {
    states: states.length,
    transitions: graph.transitions.length,
    targetless: graph.transitions.filter((t) => t.targets.length === 0).length,
    eventless: graph.transitions.filter((t) => t.event === '').length,
    parallel: states.filter((s) => s.type === 'parallel').length,
  };
}

/** A readable event name: `after 100ms` for delays, `done` for done events, `always` for eventless. */
export function eventLabel(event: string): string {
  if (event === '') return 'always';
  const after = /^xstate\.after\.(\d+)\./.exec(event);
  if (after) return `after ${after[1]}ms`;
  if (event.startsWith('xstate.done.state.')) return 'done';
  return event;
}

/** `event [guard] / action, action`: the UML transition label. */
export function transitionLabel(t: GraphTransition): string {
  const guard = guardText(t.guard);
  return `${eventLabel(t.event)}${guard ? ` [${guard}]` : ''}${t.actions.length ? ` / ${t.actions.join(', ')}` : ''}`;
}
