/** Runs `mirrorlab <args>` in-process, for the CLI tests: its exit code and printed output. */
import { main } from '../../src/cli/main.ts';

export async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['node', 'mirrorlab', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

/** As `cli`, with what it wrote to stderr (the messages of bad input) captured as `err`. */
export async function cliWithStderr(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const errs: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => errs.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    return { ...(await cli(...args)), err: errs.join('') };
  } finally {
    process.stderr.write = write;
  }
}
