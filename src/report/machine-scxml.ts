/**
 * A machine as W3C SCXML (State Chart XML, https://www.w3.org/TR/scxml/): `<state>`,
 * `<parallel>`, `<final>` and `<history>` with their `initial`, and one `<transition>` per
 * transition.
 *
 * - The machine's root is itself a state (`<state>` or `<parallel>`) inside `<scxml>`, so that
 *   transitions on the root and a parallel root have a place.
 * - A targetless transition has no `target` (SCXML's own targetless transition); an eventless
 *   one no `event`. XState's default (`reenter: false`) to a descendant is `type="internal"`.
 * - A guard is the transition's `cond`, written as an ECMAScript expression over the guard
 *   names (`a && !b`, `In('id')`).
 * - Named actions (transition actions, entry, exit) are executable content in mirrorlab's own
 *   namespace, `<ml:action name="…"/>`, as SCXML allows for elements of other namespaces.
 * - Ids are the XState state ids, with any character an XML id cannot hold replaced by `_`.
 */
import type { AnyStateMachine } from 'xstate';
import { type GraphState, type GuardSpec, type MachineGraph, machineGraph, uniqueIds } from './machine-graph.ts';

export const SCXML_NS = 'http://www.w3.org/2005/07/scxml';
export const MIRRORLAB_NS = 'urn:mirrorlab:actions';

const xmlAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** XML ids (NCName): a letter or `_` first, then letters, digits, `.`, `-`, `_`. */
function scxmlIds(graph: MachineGraph): Map<string, string> {
  return uniqueIds(graph, (stateId) => {
    const base = stateId.replace(/[^A-Za-z0-9._-]/g, '_');
    return /^[A-Za-z_]/.test(base) ? base : `_${base}`;
  });
}

function cond(g: GuardSpec, ids: Map<string, string>, nested = false): string {
  switch (g.kind) {
    case 'named':
    case 'inline':
      return g.name;
    case 'stateIn': {
      const target = typeof g.state === 'string' ? g.state.replace(/^#/, '') : JSON.stringify(g.state);
      return `In('${ids.get(target) ?? target}')`;
    }
    case 'not':
      return `!${cond(g.guards[0], ids, true)}`;
    default: {
      const text = g.guards.map((x) => cond(x, ids, true)).join(g.kind === 'and' ? ' && ' : ' || ');
      return nested ? `(${text})` : text;
    }
  }
}

export function graphToScxml(graph: MachineGraph): string {
  const ids = scxmlIds(graph);
  const parentOf = new Map<string, string>();
  const index = (s: GraphState) => {
    for (const c of s.children) {
      parentOf.set(c.id, s.id);
      index(c);
    }
  };
  index(graph.root);
  const isProperDescendant = (id: string, of: string) => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) if (p === of) return true;
    return false;
  };
  const actions = (names: string[], indent: string) => names.map((n) => `${indent}<ml:action name="${xmlAttr(n)}"/>`);

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<scxml xmlns="${SCXML_NS}" xmlns:ml="${MIRRORLAB_NS}" version="1.0" datamodel="ecmascript" name="${xmlAttr(graph.id)}" initial="${ids.get(graph.root.id)}">`,
  ];
  const write = (s: GraphState, indent: string): string[] => {
    const inner = `${indent}  `;
    const tag =
      s.type === 'parallel' ? 'parallel' : s.type === 'final' ? 'final' : s.type === 'history' ? 'history' : 'state';
    const attrs = [`id="${ids.get(s.id)}"`];
    if (s.initial) attrs.push(`initial="${ids.get(s.initial)}"`);
    if (s.type === 'history') attrs.push(`type="${s.history ?? 'shallow'}"`);
    const body = [...ownContent(s, inner), ...s.children.flatMap((c) => write(c, inner))];
    if (!body.length) return [`${indent}<${tag} ${attrs.join(' ')}/>`];
    return [`${indent}<${tag} ${attrs.join(' ')}>`, ...body, `${indent}</${tag}>`];
  };
  const ownContent = (s: GraphState, inner: string): string[] => {
    const content: string[] = [];
    const kind = s.type;
    if (s.entry.length && kind !== 'history')
      content.push(`${inner}<onentry>`, ...actions(s.entry, `${inner}  `), `${inner}</onentry>`);
    if (s.exit.length && kind !== 'history')
      content.push(`${inner}<onexit>`, ...actions(s.exit, `${inner}  `), `${inner}</onexit>`);
    if (kind === 'final' || kind === 'history') return content;
    for (const t of graph.transitions.filter((x) => x.source === s.id)) {
      const a: string[] = [];
      if (t.event) a.push(`event="${xmlAttr(t.event)}"`);
      if (t.guard) a.push(`cond="${xmlAttr(cond(t.guard, ids))}"`);
      if (t.targets.length) a.push(`target="${t.targets.map((x) => ids.get(x)).join(' ')}"`);
      const internal =
        !t.reenter &&
        t.targets.length > 0 &&
        s.children.length > 0 &&
        t.targets.every((x) => isProperDescendant(x, s.id));
      if (internal) a.push('type="internal"');
      const open = `${inner}<transition${a.length ? ` ${a.join(' ')}` : ''}`;
      if (t.actions.length) content.push(`${open}>`, ...actions(t.actions, `${inner}  `), `${inner}</transition>`);
      else content.push(`${open}/>`);
    }
    return content;
  };
  lines.push(...write(graph.root, '  '), '</scxml>', '');
  return lines.join('\n');
}

/**
 * A machine as W3C SCXML: states, parallel and final states, history, one `<transition>` per
 * transition with its guard as `cond` and its actions as named elements.
 *
 * @example
 * ```ts
 * import { ptLockMachine, toScxml } from 'mirrorlab';
 *
 * const xml = toScxml(ptLockMachine); // '<?xml version="1.0" ...<scxml ...'
 * ```
 */
export function toScxml(machine: AnyStateMachine): string {
  return graphToScxml(machineGraph(machine));
}
