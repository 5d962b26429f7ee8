import type { InspectionEvent } from 'xstate';
import { ModelError } from '../src/runtime/model-error.ts';

/**
 * Microsteps one event may take (eventless `always` transitions and raised events, which XState
 * runs inside one macrostep). The bundled machines take fewer than 20; a cycle of `always`
 * transitions would otherwise loop inside XState forever, where no time budget reaches it.
 * Both runtimes count them through XState's inspection hook, which sees every microstep.
 */
export const MAX_MICROSTEPS = 10_000;

export function tooManyMicrosteps(actor: string): string {
  return `actor '${actor}' took more than ${MAX_MICROSTEPS} microsteps on one event: its eventless (always) transitions or raised events loop; give the loop a guard that ends it (docs/driver-protocol.md)`;
}

/** An inspection callback that throws once an actor's macrostep passes MAX_MICROSTEPS (live world). */
export function microstepGuard(): (event: InspectionEvent) => void {
  let count = 0;
  return (event) => {
    if (event.type === '@xstate.event') count = 0;
    else if (event.type === '@xstate.microstep' && ++count > MAX_MICROSTEPS)
      throw new ModelError(tooManyMicrosteps((event.actorRef as { id?: string }).id ?? '?'));
  };
}
