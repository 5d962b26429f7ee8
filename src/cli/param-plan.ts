/**
 * `check --param k=v` over several files (a folder, or a list): each file gets the given params it
 * declares, and one that declares none of them is checked as written. A param that no file of the
 * check declares is a typo: refused before any search, with the params the files do declare.
 */
import { declaredParams } from '../scenario/declared-params.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { ScenarioError } from '../scenario/load.ts';
import { notParamsOf, paramFlags, paramGuess } from '../scenario/param-errors.ts';

export type Params = Record<string, ParamValue>;

/** Each file → the given params it declares (in the order given). */
export function planParams(files: readonly string[], given: Params): Map<string, Params> {
  const plan = new Map<string, Params>();
  const keys = Object.keys(given);
  if (!keys.length) {
    for (const f of files) plan.set(f, {});
    return plan;
  }
  const declared = new Map(files.map((f) => [f, declaredParams(f)] as const));
  // Unreadable: all of them, as before, so its load says what is wrong (never a param dropped unseen).
  for (const [f, names] of declared)
    plan.set(f, names ? Object.fromEntries(keys.filter((k) => names.includes(k)).map((k) => [k, given[k]])) : given);
  const read = [...declared].filter((e): e is [string, string[]] => e[1] !== null);
  const unknown = keys.filter((k) => !read.some(([, names]) => names.includes(k)));
  // With no file readable there is nothing to judge the params by: each file reports its own error.
  if (unknown.length && read.length)
    throw new ScenarioError(
      unknownText(
        unknown,
        read,
        [...declared].filter(([, n]) => n === null).map(([f]) => f),
      ),
    );
  return plan;
}

/** The error for params no readable file declares: the params, the files, and what they declare. */
function unknownText(unknown: string[], read: [string, string[]][], unreadable: string[]): string {
  if (read.length === 1 && !unreadable.length) return notParamsOf(read[0][0], unknown, read[0][1]);
  const flags = paramFlags(unknown);
  const by = new Map<string, string[]>();
  for (const [f, names] of read) for (const k of names) by.set(k, [...(by.get(k) ?? []), f]);
  const them = unknown.length > 1 ? 'them' : 'it';
  const lost = unreadable.length
    ? `; ${list(unreadable)} could not be read as YAML, so what ${unreadable.length > 1 ? 'they declare' : 'it declares'} is unknown`
    : '';
  // A typo's likely meaning first (rouds → rounds), then every name there is.
  const fix = by.size
    ? `${paramGuess(unknown, by.keys())}pass a param they declare (${[...by].map(([k, fs]) => `${k}: ${list(fs)}`).join('; ')}), or drop ${flags}`
    : `none of them declares any param: drop ${flags}`;
  return `${flags}: no scenario of this check declares ${them} (${read.length} file(s): ${list(read.map(([f]) => f))})${lost}: ${fix}`;
}

/** `a, b, c and 4 more`. */
function list(xs: readonly string[]): string {
  return xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more`;
}
