/**
 * The local Stately inspector bridge of `@statelyai/inspect/server`: a WebSocket that runs
 * (`run --live --inspect ws://localhost:PORT`) send their events to, and an HTTP page that
 * relays them to the hosted Stately inspector (https://stately.ai/inspect) in an iframe. The
 * bridge runs offline; the page it serves needs the internet to load the inspector itself.
 */
import http from 'node:http';
import { createServer } from 'node:net';
import { createInspectorServer } from '@statelyai/inspect/server';
import { ScenarioError } from '../scenario/load.ts';

export interface InspectorServer {
  page: string;
  socket: string;
  stop(): void;
}

function cannotListen(port: number, e: Error & { code?: string }): ScenarioError {
  return new ScenarioError(`--port ${port}: cannot listen there (${e.code ?? e.message}); pick another with --port N`);
}

/** The bridge listens without reporting errors: find out first whether the port is free. */
function portFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: Error & { code?: string }) => reject(cannotListen(port, e)));
    probe.listen(port, LOOPBACK, () => probe.close(() => resolve()));
  });
}

/**
 * Where the bridge listens: the loopback only. `localhost`, not 127.0.0.1, because the bridge's
 * page connects to ws://localhost:PORT (so Node listens where a local client resolving the name
 * connects, IPv4 or IPv6, and browsers try both).
 */
const LOOPBACK = 'localhost';

/**
 * `createInspectorServer` takes no host and listens on every interface, so anyone on the network
 * could read a run's events and feed the inspector page events of their own (the bridge relays
 * what any client sends to every other). It calls `listen(port, callback)` once, synchronously,
 * while it is made: for that call only, `listen` is given the loopback as its host. The servers
 * it was called on are returned, so the caller can wait until they listen.
 */
function onLoopback<T>(make: () => T): { made: T; servers: http.Server[] } {
  const listen = http.Server.prototype.listen;
  const servers: http.Server[] = [];
  http.Server.prototype.listen = function (this: http.Server, ...args: unknown[]) {
    servers.push(this);
    if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function'))
      return (listen as (...a: unknown[]) => http.Server).call(this, args[0], LOOPBACK, args[1]);
    return (listen as (...a: unknown[]) => http.Server).apply(this, args);
  } as typeof listen;
  try {
    return { made: make(), servers };
  } finally {
    http.Server.prototype.listen = listen;
  }
}

/**
 * Listening on a host name looks the name up first, so `listen` returns before the port is
 * open: without this wait, "listening on …" was printed while a client that connected at once
 * (a script, a loaded machine) was refused.
 */
function listening(server: http.Server, port: number): Promise<void> {
  if (server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', (e: Error & { code?: string }) => reject(cannotListen(port, e)));
  });
}

export async function startInspectorServer(port: number, openBrowser: boolean): Promise<InspectorServer> {
  await portFree(port);
  const { made: server, servers } = onLoopback(() => createInspectorServer({ port, autoOpen: openBrowser }));
  try {
    await Promise.all(servers.map((s) => listening(s, port)));
  } catch (e) {
    server.stop();
    throw e;
  }
  return { page: `http://localhost:${port}`, socket: `ws://localhost:${port}`, stop: () => server.stop() };
}
