/**
 * What a driver may run at run time. A driver's actions are checked at load
 * (src/scenario/driver-actions.ts), but an action enqueued at run time (`enqueueActions`) is
 * known only when it runs: there it must be a kernel action or a pure XState one. The controlled
 * runtime refuses anything else as it collects the step's effects (src/runtime/pure-step.ts);
 * the live runtime, where XState would really run it, refuses it through the inspection hook
 * just before it runs. Both say the same thing, so `check`, `run` and `run --live` agree.
 */
import type { InspectionEvent } from 'xstate';
import { ModelError } from '../src/runtime/model-error.ts';

/** Action types a driver may run at run time: the kernel effects and XState's own pure ones. */
export const RUNTIME_ACTIONS: ReadonlySet<string> = new Set([
  'kSend',
  'kChoose',
  'kObserve',
  'xstate.raise',
  'xstate.cancel',
  'xstate.log',
]);

/** The model error of a driver that ran the action `type`. */
export function notAKernelAction(actor: string, type: string): string {
  return `actor '${actor}' ran the action '${type}', which is not a kernel action (kSend, kChoose, kObserve) or a pure XState one: enqueue only those (docs/driver-protocol.md, "Actions")`;
}

/** An inspection callback that throws a {@link ModelError} before a driver (drv:*) runs any other action (live world). */
export function driverActionGuard(): (event: InspectionEvent) => void {
  return (event) => {
    if (event.type !== '@xstate.action') return;
    const actor = (event.actorRef as { id?: string }).id ?? '?';
    if (actor.startsWith('drv:') && !RUNTIME_ACTIONS.has(event.action.type))
      throw new ModelError(notAKernelAction(actor, event.action.type));
  };
}
