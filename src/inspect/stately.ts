/**
 * Feeding a live world to the Stately inspector with `@statelyai/inspect` (the inspector
 * package for XState 5; the older `@xstate/inspect` works only with XState 4).
 *
 * - `connectWebSocketInspector(url)`: the Stately inspection events over one WebSocket, e.g. to
 *   `mirrorlab inspect` (the local `@statelyai/inspect` server), whose page shows the run.
 *   It connects before the run starts and says so when nobody listens; `@statelyai/inspect`'s
 *   own WebSocket adapter would instead retry every 5 s for ever, keeping the process alive,
 *   and drop all but the last 200 events.
 * - `fileInspector(path)`: the same Stately events written one JSON object per line, for
 *   offline viewing or for tests.
 * Pass `.inspect` of either as the `inspect` option of `createWorld`, and `close()` it at the end.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import WebSocket from 'ws';
import type { InspectionEvent, Observer } from 'xstate';
import { ScenarioError } from '../scenario/load.ts';

/** What a run needs of an inspector: the observer for XState's `inspect` option, and a close. */
export interface RunInspector {
  inspect: Observer<InspectionEvent>;
  /** Sends what is still queued and lets go of the connection or file. */
  close(): Promise<void>;
}

/** How long to wait for a listener before saying nobody listens. */
export const CONNECT_TIMEOUT_MS = 3000;

/** Nobody listens at the inspector URL (or it is not a WebSocket URL): bad input, exit 2. */
export class InspectorUnreachable extends ScenarioError {
  override name = 'InspectorUnreachable';
}

function unreachable(url: string, why: string): InspectorUnreachable {
  return new InspectorUnreachable(
    `--inspect ${url}: nobody is listening (${why}). Start the inspector first ` +
      `('mirrorlab inspect' serves one at ws://localhost:8080), or use --inspect-log FILE to keep the events offline`,
  );
}

function openSocket(url: string, timeoutMs: number): Promise<WebSocket> {
  if (!/^wss?:\/\//.test(url))
    return Promise.reject(
      new InspectorUnreachable(`--inspect ${url}: not a WebSocket URL; give one like ws://localhost:8080`),
    );
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(unreachable(url, `no answer in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(unreachable(url, e.code ?? e.message));
    });
  });
}

/** Waits for what was sent to leave, then closes; bounded, so a stuck peer cannot hold the run. */
function closeSocket(ws: WebSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, timeoutMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1000, 'run ended');
  });
}

/** Connects to a Stately inspector's WebSocket; rejects with {@link InspectorUnreachable}. */
export async function connectWebSocketInspector(url: string, timeoutMs = CONNECT_TIMEOUT_MS): Promise<RunInspector> {
  const ws = await openSocket(url, timeoutMs);
  // A peer that goes away mid-run ends the stream, not the run.
  ws.on('error', () => {});
  const inspector = createInspector({
    send(event: StatelyInspectionEvent) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
    },
  });
  return {
    inspect: inspector.inspect,
    async close() {
      await flushInspector();
      await closeSocket(ws, timeoutMs);
    },
  };
}

export function fileInspector(path: string): RunInspector {
  writeFileSync(path, '');
  const inspector = createInspector({
    send(event: StatelyInspectionEvent) {
      appendFileSync(path, `${JSON.stringify(event)}\n`);
    },
  });
  return { inspect: inspector.inspect, close: flushInspector };
}

/** @statelyai/inspect converts events on a zero-delay timer: let them all through first. */
export function flushInspector(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
