/**
 * Mermaid's own parser, in Node, for the export tests: `mermaid.parse` plus the diagram's
 * parsed model (its nodes with their parents, and its edges).
 *
 * Mermaid 11 parses state diagrams with its bundled grammar, but `parse` also sanitizes labels
 * with DOMPurify, which needs a `window` (without one it throws `DOMPurify.addHook is not a
 * function`). linkedom's window is enough, and must exist before mermaid (and so DOMPurify) is
 * first imported. It is a global only while mermaid loads or parses: the test files that share a
 * worker with this one (vitest.config.ts, `isolate: false`) must not find a `window` and take
 * browser paths (@statelyai/inspect does). The lighter `@mermaid-js/parser` has no state-diagram
 * grammar. README, "Choices made".
 */
import { parseHTML } from 'linkedom';

export interface ParsedNode {
  id: string;
  parentId?: string;
  shape: string;
  label: string;
}
export interface ParsedEdge {
  start: string;
  end: string;
  label: string;
}
export interface ParsedDiagram {
  diagramType: string;
  nodes: ParsedNode[];
  edges: ParsedEdge[];
}

interface MermaidLike {
  parse(text: string): Promise<{ diagramType: string } | false>;
  mermaidAPI: {
    getDiagramFromText(text: string): Promise<{ db: { getData(): { nodes: ParsedNode[]; edges: ParsedEdge[] } } }>;
  };
}

let dom: { window: unknown; document: unknown } | undefined;

/** Runs `work` with linkedom's `window` and `document` as globals, then takes away what it set. */
async function withWindow<T>(work: () => Promise<T>): Promise<T> {
  const g = globalThis as Record<string, unknown>;
  if (g.window) return work();
  if (!dom) {
    const { window } = parseHTML('<!doctype html><html><body></body></html>');
    dom = { window, document: window.document };
  }
  g.window = dom.window;
  g.document = dom.document;
  try {
    return await work();
  } finally {
    delete g.window;
    delete g.document;
  }
}

let loading: Promise<MermaidLike> | undefined;

function loadMermaid(): Promise<MermaidLike> {
  loading ??= withWindow(async () => (await import('mermaid')).default as unknown as MermaidLike);
  return loading;
}

/** Parses with Mermaid (throwing Mermaid's parse error) and returns what it understood. */
export async function parseMermaid(text: string): Promise<ParsedDiagram> {
  const mermaid = await loadMermaid();
  return withWindow(async () => {
    const result = await mermaid.parse(text);
    if (!result) throw new Error('mermaid.parse returned false');
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const { nodes, edges } = diagram.db.getData();
    return { diagramType: result.diagramType, nodes, edges };
  });
}
