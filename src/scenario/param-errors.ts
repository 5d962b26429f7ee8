/**
 * The words of a `--param` a scenario does not declare: one text for the loader (expand.ts) and
 * for a check of several files whose only readable one lacks it (cli/param-plan.ts).
 */
import { nearestName } from './nearest-name.ts';

/** `--param a and --param b`. */
export function paramFlags(names: readonly string[]): string {
  return names.map((k) => `--param ${k}`).join(' and ');
}

/** `did you mean --param rounds? Else ` for the typos among `unknown`, or ''. */
export function paramGuess(unknown: readonly string[], declared: Iterable<string>): string {
  const names = [...declared];
  const meant = unknown.flatMap((k) => nearestName(k, names) ?? []);
  return meant.length ? `did you mean ${paramFlags(meant)}? Else ` : '';
}

/** The error for params `file` does not declare (it declares `has`): the fix included. */
export function notParamsOf(file: string, unknown: readonly string[], has: readonly string[]): string {
  const flags = paramFlags(unknown);
  const [verb, what] = unknown.length > 1 ? ['are', 'params'] : ['is', 'a param'];
  const pass = has.length ? 'pass one of those, or ' : '';
  return `${file}: ${flags} ${verb} not ${what} of this scenario (it has: ${has.join(', ') || 'none'}): ${paramGuess(unknown, has)}${pass}drop ${flags}`;
}
