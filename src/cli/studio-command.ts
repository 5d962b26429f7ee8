/**
 * `mirrorlab studio [scenario.yaml|trace.json|folder]`: serve the studio (guided simulation in the
 * browser) on 127.0.0.1 until Ctrl-C. Bad input is refused before anything is served (exit 2).
 */

import { join, relative } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { readStudioInput } from '../studio/read-studio-input.ts';
import { packageRoot, startStudioServer } from '../studio/studio-server.ts';

export interface StudioOptions {
  port?: number;
}

/** `--port`: 1..65535 (a port below 1024 may need privileges the studio does not ask for). */
export function studioPort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError(`--port takes a port number, 1 to 65535 (got '${v}'); leave it out for a free one`);
  return n;
}

export const STUDIO_HELP = `
The page runs the scenario in the browser, offline: choose each delivery among the enabled
steps (as Spin's interactive simulation), undo and redo (also with ← →), restart, watch the
monitors' verdict at every step, and save the schedule as a trace for 'mirrorlab replay'.
A trace opens positioned at its end; a folder (by default the bundled scenarios/seeds)
offers its scenarios in a list. Scenarios naming a driver module (a .ts file) cannot
run in the page: use 'mirrorlab run' or 'check' for those.

Examples:
  mirrorlab studio scenarios/seeds/missing-set-seq.yaml
  mirrorlab studio                       # choose among the bundled seeds
  mirrorlab studio /tmp/bug.missing-set-seq.stale-spte.json --port 8377`;

export async function studioCommand(
  given: string | undefined,
  o: StudioOptions,
  out: (s: string) => void,
): Promise<number> {
  const file = given ?? (relative(process.cwd(), join(packageRoot(), 'scenarios', 'seeds')) || '.');
  const input = await readStudioInput(file);
  for (const why of input.skipped ?? []) process.stderr.write(`mirrorlab studio: not offered: ${why}\n`);
  const server = await startStudioServer({ input, port: o.port });
  out(`mirrorlab studio: ${file} at ${server.url}  (open it in a browser; Ctrl-C stops the studio)`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
