/**
 * Does a driver machine fit a scenario's driver slot? It fits when it handles every request
 * the scenario sends to a driver: the threads' `drv.*` operations, and `drv.fault` when a
 * device runs jobs (a device that misses faults to its driver). `check --driver` skips the
 * scenarios a user's driver does not fit, and says why.
 */
import type { AnyStateMachine } from 'xstate';
import type { ThreadOp } from '../../machines/thread.machine.ts';
import type { CompiledScenario } from '../scenario/compile.ts';

interface NodeLike {
  ownEvents: string[];
  states: Record<string, NodeLike>;
}

/** Every event type some state of the machine has a transition for. */
export function handledEventTypes(machine: AnyStateMachine): Set<string> {
  const out = new Set<string>();
  const walk = (node: NodeLike) => {
    for (const e of node.ownEvents) out.add(e);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as NodeLike);
  return out;
}

/** The request types the scenario sends to its drivers. */
export function driverRequests(compiled: CompiledScenario): Set<string> {
  const needed = new Set<string>();
  for (const t of compiled.threads) {
    for (const op of (t.input as { ops: ThreadOp[] }).ops) {
      if (op.to.startsWith('drv:')) needed.add(op.event.type);
      if (op.to.startsWith('dev:') && op.event.type === 'dev.submit') needed.add('drv.fault');
    }
  }
  return needed;
}

/** null when it fits, else the requests it does not take. */
export function driverMisfit(machine: AnyStateMachine, compiled: CompiledScenario): string[] | null {
  const handled = handledEventTypes(machine);
  const missing = [...driverRequests(compiled)].filter((t) => !handled.has(t));
  return missing.length ? missing : null;
}
