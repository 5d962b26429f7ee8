/**
 * A machine as a Mermaid `stateDiagram-v2` (renders on GitHub and in most editors).
 *
 * - Every transition is an arrow labelled `event [guard] / actions`. A targetless transition
 *   (actions only: read_begin, read_retry, set_seq …) is a loop on its source state; an
 *   eventless one is labelled `always`.
 * - Parallel regions are separated by `--` inside the parallel state's box. Mermaid accepts `--`
 *   only inside a composite state, so a machine whose root is parallel, or that has transitions
 *   on its root, is drawn inside one box named after the machine.
 * - Arrows are written after all the boxes, at the top level: Mermaid puts a state in the box
 *   where it is first mentioned, so an arrow written inside one parallel region would pull a
 *   state of another region into it.
 */
import type { AnyStateMachine } from 'xstate';
import { type GraphState, type MachineGraph, machineGraph, transitionLabel } from './machine-graph.ts';

/** Words Mermaid's state-diagram lexer reads as keywords where a state id is expected. */
const RESERVED = new Set(['note', 'class', 'classDef', 'click', 'style', 'default', 'direction', 'state', 'end']);

/** Mermaid's `;` ends a statement and `#` starts an entity; `"` ends a quoted label. */
const labelText = (s: string) => s.replace(/;/g, ',').replace(/#/g, '').replace(/"/g, "'");

/** Mermaid node ids: the state id with every other character as `_`, made unique. */
export function mermaidIds(graph: MachineGraph): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const walk = (s: GraphState) => {
    let base = s.id.replace(/[^A-Za-z0-9_]/g, '_');
    if (RESERVED.has(base) || /^\d/.test(base)) base = `s_${base}`;
    // Mermaid names the `[*]` of a box `<box id>_start` (initial) or `_end` (final).
    if (/(^|_)(start|end)$/.test(base)) base = `${base}_`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(s.id, id);
    s.children.forEach(walk);
  };
  walk(graph.root);
  return ids;
}

export function graphToMermaid(graph: MachineGraph): string {
  const ids = mermaidIds(graph);
  const mid = (stateId: string) => ids.get(stateId)!;
  const lines = ['stateDiagram-v2'];
  const declare = (s: GraphState, indent: string) => {
    if (!s.children.length) {
      lines.push(`${indent}state "${labelText(s.key)}" as ${mid(s.id)}`);
      if (s.type === 'final') lines.push(`${indent}${mid(s.id)} --> [*]`);
      return;
    }
    lines.push(`${indent}state "${labelText(s.key)}" as ${mid(s.id)} {`);
    body(s, `${indent}  `);
    lines.push(`${indent}}`);
  };
  const body = (s: GraphState, indent: string) => {
    if (s.initial) lines.push(`${indent}[*] --> ${mid(s.initial)}`);
    s.children.forEach((child, i) => {
      if (s.type === 'parallel' && i > 0) lines.push(`${indent}--`);
      declare(child, indent);
    });
  };
  const root = graph.root;
  const boxed = root.type === 'parallel' || graph.transitions.some((t) => t.source === root.id);
  if (boxed) declare(root, '  ');
  else body(root, '  ');
  for (const t of graph.transitions) {
    const label = labelText(transitionLabel(t));
    const targets = t.targets.length ? t.targets : [t.source];
    for (const target of targets) lines.push(`  ${mid(t.source)} --> ${mid(target)} : ${label}`);
  }
  return lines.join('\n');
}

export function toMermaid(machine: AnyStateMachine): string {
  return graphToMermaid(machineGraph(machine));
}
