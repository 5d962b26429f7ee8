/**
 * Scenario text → schema-checked object, with no file system (the browser entry uses it as is;
 * load.ts reads files). Every error names the file, the line and the path inside the document,
 * and says how to fix it.
 */
import { isNode, LineCounter, parseDocument, visit } from 'yaml';
import { expandScenario, type ParamValue } from './expand.ts';
import { checkGeometry } from './geometry.ts';
import { ScenarioError } from './scenario-error.ts';
import { type Scenario, scenarioSchema } from './schema.ts';
import { checkSizes } from './size-limits.ts';

export { ScenarioError };

/**
 * A validated scenario with the file it came from, and `where` to locate a path inside the document
 * in error messages. parseScenario and loadScenario return it; compileScenario and scenarioWorld
 * take it.
 *
 * @example
 * ```ts
 * import { type LoadedScenario, loadScenario } from 'mirrorlab';
 *
 * const loaded: LoadedScenario = loadScenario('scenarios/seeds/fault-vs-unmap.yaml');
 * loaded.scenario.threads; // the validated document
 * loaded.where(['threads', 0]); // where threads[0] is, for an error message
 * ```
 */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** Where a path inside the document starts, for later error messages (compiler). */
  where(path: (string | number)[]): string;
}

/**
 * Validate a scenario given as text (no file system needed); `file` is the name used in error
 * messages.
 *
 * @example
 * ```ts
 * import { parseScenario, ScenarioError } from 'mirrorlab';
 *
 * try {
 *   parseScenario('name: broken\nprocesses: 3\n', 'inline.yaml');
 * } catch (e) {
 *   if (e instanceof ScenarioError) console.log(e.message); // names inline.yaml:2:12 and what is expected there
 * }
 * ```
 */
export function parseScenario(
  text: string,
  file = '<scenario>',
  params: Record<string, ParamValue> = {},
): LoadedScenario {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  } catch (e) {
    if (e instanceof RangeError) throw new ScenarioError(tooDeep(file, null));
    throw e;
  }
  const where = (path: (string | number)[]): string => {
    const node = path.length ? doc.getIn(path, true) : doc.contents;
    const range = isNode(node) ? node.range : undefined;
    if (!range) return `${file}`;
    const pos = lines.linePos(range[0]);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    // The parser runs out of stack on a document nested thousands deep: not a syntax error.
    if (/Maximum call stack/.test(e.message)) throw new ScenarioError(tooDeep(`${file}:${pos.line}:${pos.col}`, null));
    throw new ScenarioError(`${file}:${pos.line}:${pos.col}: YAML syntax error: ${e.message.split('\n')[0]}`);
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new ScenarioError(
        `${firstAlias(doc, file, lines)}: the document expands its aliases (*name) more than ${MAX_ALIAS_COUNT} times over (an alias bomb blows up to exponential size): write the values out, or use params: and repeat:`,
      );
    }
    if (e instanceof RangeError) throw new ScenarioError(tooDeep(file, null));
    throw e;
  }
  const deep = deeperThan(js, MAX_DEPTH);
  if (deep) throw new ScenarioError(tooDeep(where(deep), deep));
  let raw: unknown;
  try {
    raw = expandScenario(js, params, file, where);
  } catch (e) {
    if (e instanceof RangeError) throw new ScenarioError(`${file}: the scenario expands too far (${e.message})`);
    throw e;
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      // Point at the deepest node that exists (a missing key has no node of its own).
      let at = path;
      while (at.length && !isNode(doc.getIn(at, true))) at = at.slice(0, -1);
      return `${where(at)}: at ${path.join('.') || '(top level)'}: ${issue.message}`;
    });
    throw new ScenarioError(`${file}: the scenario does not match the schema:\n  ${issues.join('\n  ')}`);
  }
  // Sizes first: a huge populate or repeat is refused before anything walks it.
  checkSizes(parsed.data, where);
  checkGeometry(parsed.data, where);
  return { file, scenario: parsed.data, where };
}

/** Aliases a document may expand (yaml's own default): enough for sharing, far below a bomb. */
const MAX_ALIAS_COUNT = 100;
/** Nesting a scenario may have: the deepest bundled one has 8 levels. */
export const MAX_DEPTH = 64;

function tooDeep(where: string, path: (string | number)[] | null): string {
  const at = path ? ` (at ${path.slice(0, 6).join('.')}…)` : '';
  return `${where}: the document nests more than ${MAX_DEPTH} levels deep${at}; a scenario needs fewer than 10: look for unclosed [ or { or runaway indentation`;
}

/** The path to a node nested deeper than `max`, found without recursion, or null. */
function deeperThan(value: unknown, max: number): (string | number)[] | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (path.length >= max) return path;
    if (Array.isArray(v)) for (const [i, x] of v.entries()) stack.push({ v: x, path: [...path, i] });
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
  }
  return null;
}

/** `file:line:col` of the document's first alias, where an alias bomb starts going off. */
function firstAlias(doc: ReturnType<typeof parseDocument>, file: string, lines: LineCounter): string {
  let at = file;
  visit(doc, {
    Alias(_, node) {
      if (node.range) {
        const pos = lines.linePos(node.range[0]);
        at = `${file}:${pos.line}:${pos.col}`;
      }
      return visit.BREAK;
    },
  });
  return at;
}
