/**
 * The per-state event policy of a machine, for tests: its atomic state nodes, each with a check
 * "does this node or an ancestor handle, defer or ignore events of this type?".
 */
import type { AnyStateMachine } from 'xstate';

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
