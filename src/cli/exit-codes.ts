/**
 * The exit codes of every `mirrorlab` command, one meaning each, and the short report of an
 * internal error (a bug in mirrorlab itself, never a verdict on the input):
 *   0 as expected, 1 the outcome differs (a scenario's expect:, a driver BREAKS, a replay that
 *   no longer reproduces, a failing conformance test), 2 bad input (located, no stack trace),
 *   3 inconclusive, 4 internal error.
 */
import { readFileSync } from 'node:fs';
import { ScenarioError } from '../scenario/scenario-error.ts';

export const EXIT_CODE = { ok: 0, differs: 1, badInput: 2, inconclusive: 3, internal: 4 } as const;

/** Most severe first: what a run of several files exits with is the most severe of their codes. */
const SEVERITY: readonly number[] = [
  EXIT_CODE.internal,
  EXIT_CODE.badInput,
  EXIT_CODE.differs,
  EXIT_CODE.inconclusive,
  EXIT_CODE.ok,
];

/** The most severe of some exit codes: internal 4, then bad input 2, differs 1, inconclusive 3, ok 0. */
export function worstExitCode(codes: Iterable<number>): number {
  let worst: number = EXIT_CODE.ok;
  for (const c of codes) if (SEVERITY.indexOf(c) < SEVERITY.indexOf(worst)) worst = c;
  return worst;
}

/** The table every command's `--help` ends with (and README.md, "Exit codes"). */
export const EXIT_CODES_HELP = `
Exit codes (the same with --json; several files: the most severe, in the order 4, 2, 1, 3, 0):
  0  as expected (check: every outcome matches its expect:; --driver: every property kept)
  1  the outcome differs (check: a scenario's expect:, or a property the --driver BREAKS;
     run: a monitor flagged a violation; replay: the trace no longer reproduces;
     conformance: a test fails)
  2  bad input: the message names the file, line and column, the value and the fix
  3  nothing violated or mismatched, but something inconclusive (a search cut short, or sampled)
  4  internal error in mirrorlab: a short report with the version; --debug adds the stack trace`;

/** An error in what the user gave (a file, an option): exit 2 with its message, never a stack. */
export function isInputError(e: unknown): e is Error {
  return (
    e instanceof ScenarioError ||
    (e instanceof Error && /mirrorlab trace|JSON trace|no such/.test(e.message) && !(e instanceof TypeError))
  );
}

export function mirrorlabVersion(): string {
  try {
    const pkg = new URL(`${import.meta.url.endsWith('.ts') ? '../..' : '../../..'}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What an internal error prints: what happened, the version, how to report it; the stack only with --debug. */
export function internalErrorReport(e: unknown, argv: readonly string[], debug: boolean): string {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const lines = [
    `mirrorlab: internal error: ${what.split('\n')[0]}`,
    `  This is a bug in mirrorlab ${mirrorlabVersion()} (Node ${process.version}), not a verdict on your input.`,
    '  Please report it to the mirrorlab maintainers with this message, the command line',
    `  (mirrorlab ${argv.join(' ')}) and the files it names.`,
  ];
  if (debug && e instanceof Error && e.stack) lines.push('', e.stack);
  else lines.push('  Run the same command with --debug to add the stack trace to the report.');
  return lines.join('\n');
}

/** `--debug` may stand anywhere on the command line; it is taken out before the commands parse it. */
export function takeDebugFlag(argv: string[]): { argv: string[]; debug: boolean } {
  const debug = argv.includes('--debug') || process.env.MIRRORLAB_DEBUG === '1';
  return { argv: argv.filter((a) => a !== '--debug'), debug };
}
