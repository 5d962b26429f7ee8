/**
 * A machine as a Mermaid `stateDiagram-v2` (renders on GitHub and in most editors).
 *
 * - Every transition is one line, `event [guard] / actions`, of the label of the arrow from its
 *   source to its target; the transitions between the same two states share one arrow. A
 *   targetless transition (actions only: read_begin, read_retry, set_seq …) is on a loop from
 *   its source state to itself; an eventless one is labelled `always`.
 * - Parallel regions are separated by `--` inside the parallel state's box. Mermaid accepts `--`
 *   only inside a composite state, so a machine whose root is parallel, or that has transitions
 *   on its root, is drawn inside one box named after the machine.
 * - Arrows are written after all the boxes, at the top level: Mermaid puts a state in the box
 *   where it is first mentioned, so an arrow written inside one parallel region would pull a
 *   state of another region into it.
 */
import type { AnyStateMachine } from 'xstate';
import { type GraphState, type MachineGraph, machineGraph, transitionLabel, uniqueIds } from './machine-graph.ts';

/** Words Mermaid's state-diagram lexer reads as keywords where a state id is expected. */
const RESERVED = new Set(['note', 'class', 'classDef', 'click', 'style', 'default', 'direction', 'state', 'end']);

/**
 * Mermaid's `;` ends a statement, `#` starts an entity, `"` ends a quoted label, and `<` `>`
 * would be read as HTML (labels are HTML: {@link LINE_BREAK} separates their lines).
 */
export const mermaidLabel = (s: string) =>
  s.replace(/;/g, ',').replace(/#/g, '').replace(/"/g, "'").replace(/</g, '‹').replace(/>/g, '›');

/** Mermaid node ids: the state id with every other character as `_`, made unique. */
export function mermaidIds(graph: MachineGraph): Map<string, string> {
  return uniqueIds(graph, (stateId) => {
    let base = stateId.replace(/[^A-Za-z0-9_]/g, '_');
    if (RESERVED.has(base) || /^\d/.test(base)) base = `s_${base}`;
    // Mermaid names the `[*]` of a box `<box id>_start` (initial) or `_end` (final).
    return /(^|_)(start|end)$/.test(base) ? `${base}_` : base;
  });
}

/** Between two labels of one arrow: Mermaid draws it as a line break. */
export const LINE_BREAK = '<br/>';

/**
 * One arrow per pair of states, in order of first appearance, labelled with every transition
 * between them: Mermaid's layout draws only one of several arrows between the same two states
 * (measured: the range notifier's eight loops on `attached` rendered as one), so the
 * transitions share the arrow, one line each.
 */
export function arrows(graph: MachineGraph): Map<[string, string], string[]> {
  const byPair = new Map<string, { pair: [string, string]; labels: string[] }>();
  for (const t of graph.transitions)
    for (const target of t.targets.length ? t.targets : [t.source]) {
      const key = `${t.source}\u0000${target}`;
      const arrow = byPair.get(key) ?? { pair: [t.source, target], labels: [] };
      byPair.set(key, arrow);
      arrow.labels.push(transitionLabel(t));
    }
  return new Map([...byPair.values()].map((a) => [a.pair, a.labels]));
}

export function graphToMermaid(graph: MachineGraph): string {
  const ids = mermaidIds(graph);
  const mid = (stateId: string) => ids.get(stateId)!;
  const lines = ['stateDiagram-v2'];
  const declare = (s: GraphState, indent: string) => {
    if (!s.children.length) {
      lines.push(`${indent}state "${mermaidLabel(s.key)}" as ${mid(s.id)}`);
      if (s.type === 'final') lines.push(`${indent}${mid(s.id)} --> [*]`);
      return;
    }
    lines.push(`${indent}state "${mermaidLabel(s.key)}" as ${mid(s.id)} {`);
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
  for (const [[source, target], labels] of arrows(graph))
    lines.push(`  ${mid(source)} --> ${mid(target)} : ${labels.map(mermaidLabel).join(LINE_BREAK)}`);
  return lines.join('\n');
}

/**
 * A machine as a Mermaid `stateDiagram-v2`: every state and every transition (those between the
 * same two states share one arrow, one line per transition in its label).
 *
 * @example
 * ```ts
 * import { threadMachine, toMermaid } from 'mirrorlab';
 *
 * console.log(`\`\`\`mermaid\n${toMermaid(threadMachine)}\n\`\`\``); // paste into Markdown
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  return graphToMermaid(machineGraph(machine));
}
