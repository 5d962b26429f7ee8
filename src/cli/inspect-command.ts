/**
 * `mirrorlab inspect [--port N] [--no-open]`: serves the local Stately inspector bridge
 * (src/inspect/server.ts) until Ctrl-C, for `run --live --inspect ws://localhost:N`.
 */
import { startInspectorServer } from '../inspect/server.ts';

export interface InspectOptions {
  port?: number;
  open?: boolean;
}

export async function inspectCommand(o: InspectOptions, out: (s: string) => void): Promise<number> {
  const server = await startInspectorServer(o.port ?? 8080, o.open !== false);
  out(`mirrorlab inspect: the Stately inspector bridge is listening on ${server.socket}`);
  out(`  open ${server.page} (it embeds https://stately.ai/inspect, which needs the internet),`);
  out(`  then: mirrorlab run <scenario> --live --inspect ${server.socket}`);
  out('  Ctrl-C stops it. Offline, use mirrorlab report instead (a self-contained page).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  server.stop();
  return 0;
}
