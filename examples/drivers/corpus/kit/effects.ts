// The two effect shorthands every corpus driver uses: a kernel call (kSend) and a note that a
// thread may sleep here (kObserve 'sleep'), as docs/driver-protocol.md asks.
import type { EventObject } from 'xstate';

export type Ev = EventObject & Record<string, any>;

export const send = (to: string, event: Ev) => ({ type: 'kSend' as const, params: { to, event } });

export const sleep = (tid: string, on: string) => ({ type: 'kObserve' as const, params: { kind: 'sleep', tid, on } });
