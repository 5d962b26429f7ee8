/**
 * Which params a scenario file declares (`params:`), read before it is checked: a `--param` given
 * to a check of several files goes to the files that declare it (cli/param-plan.ts).
 */
import { isAlias, isMap, isScalar, parseDocument } from 'yaml';
import { readScenarioText } from './load.ts';

/**
 * The names under the file's `params:` (none when it has no `params:`), or null when the file
 * cannot be read as YAML: its check reports why.
 */
export function declaredParams(file: string): string[] | null {
  let text: string;
  try {
    text = readScenarioText(file);
  } catch {
    return null;
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length || !isMap(doc.contents)) return null;
  const node = doc.contents.get('params', true);
  if (node === undefined || node === null) return [];
  // Only the params map is resolved: an alias elsewhere is expanded (and bounded) by the load.
  const map = isAlias(node) ? node.resolve(doc) : node;
  if (!isMap(map)) return isScalar(map) && map.value === null ? [] : null;
  return map.items.map((i) => String(isScalar(i.key) ? i.key.value : i.key));
}
