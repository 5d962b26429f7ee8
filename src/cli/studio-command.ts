/**
 * `mirrorlab studio [scenario.yaml|trace.json|folder]`: serve the studio (guided simulation in the
 * browser) on 127.0.0.1 until Ctrl-C. Bad input is refused before anything is served (exit 2).
 */

import { join, relative } from 'node:path';
import { readStudioInput } from '../studio/read-studio-input.ts';
import { packageRoot, startStudioServer } from '../studio/studio-server.ts';

export interface StudioOptions {
  port?: number;
}

/** `--port`: 1..65535 (a port below 1024 may need privileges the studio does not ask for). */

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
