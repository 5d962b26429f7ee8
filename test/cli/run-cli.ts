/** Runs `mirrorlab <args>` in-process, for the CLI tests: its exit code and printed output. */
import { main } from '../../src/cli/main.ts';

export async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['node', 'mirrorlab', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}
