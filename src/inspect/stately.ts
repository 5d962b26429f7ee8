/**
 * Feeding a live world to the Stately inspector with `@statelyai/inspect` (the inspector
 * package for XState 5; the older `@xstate/inspect` works only with XState 4).
 *
 * - `webSocketInspector(url)`: the Stately inspector's WebSocket transport, e.g. to
 *   `createInspectorServer()` from `@statelyai/inspect/server`, whose page shows the run.
 * - `fileInspector(path)`: the same Stately events (actor definitions, events, snapshots)
 *   written one JSON object per line, for offline viewing or for tests.
 * Pass `.inspect` of either as the `inspect` option of `createWorld`.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { createInspector, createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';

/** What a run needs of an inspector: the observer for XState's `inspect` option, and a stop. */
export interface RunInspector {
  inspect: Observer<InspectionEvent>;
  stop?: () => void;
}

export function webSocketInspector(url: string): RunInspector {
  return createWebSocketInspector({ url });
}

export function fileInspector(path: string): RunInspector {
  writeFileSync(path, '');
  return createInspector({
    send(event: StatelyInspectionEvent) {
      appendFileSync(path, `${JSON.stringify(event)}\n`);
    },
  });
}

/** @statelyai/inspect converts events on a zero-delay timer: let it flush before exiting. */
export function flushInspector(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
