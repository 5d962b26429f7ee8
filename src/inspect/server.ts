/**
 * The local Stately inspector bridge of `@statelyai/inspect/server`: a WebSocket that runs
 * (`run --live --inspect ws://localhost:PORT`) send their events to, and an HTTP page that
 * relays them to the hosted Stately inspector (https://stately.ai/inspect) in an iframe. The
 * bridge runs offline; the page it serves needs the internet to load the inspector itself.
 */
import { createServer } from 'node:net';
import { createInspectorServer } from '@statelyai/inspect/server';
import { ScenarioError } from '../scenario/load.ts';

export interface InspectorServer {
  page: string;
  socket: string;
  stop(): void;
}

/** The bridge listens without reporting errors: find out first whether the port is free. */
function portFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: Error & { code?: string }) =>
      reject(
        new ScenarioError(`--port ${port}: cannot listen there (${e.code ?? e.message}); pick another with --port N`),
      ),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

export async function startInspectorServer(port: number, openBrowser: boolean): Promise<InspectorServer> {
  await portFree(port);
  const server = createInspectorServer({ port, autoOpen: openBrowser });
  return { page: `http://localhost:${port}`, socket: `ws://localhost:${port}`, stop: () => server.stop() };
}
