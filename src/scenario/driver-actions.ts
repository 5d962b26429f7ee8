/**
 * A driver module's actions must mean the same under both runtimes (docs/driver-protocol.md,
 * "Actions"). The controlled runtime runs only the kernel effects (kSend, kChoose, kObserve) and
 * XState's pure built-ins (assign, raise, cancel, enqueueActions, log), which XState resolves
 * inside the transition; anything else (a custom function, sendTo, sendParent, emit, spawnChild,
 * stopChild, an invoked actor) would run for real under `run --live` and be skipped under
 * `check`, so the two would disagree. Such a machine is rejected when its module loads, naming
 * the state and transition that holds the action and the fix.
 */
import type { AnyStateMachine } from 'xstate';
import { ScenarioError } from './parse.ts';

const KERNEL_ACTIONS = new Set(['kSend', 'kChoose', 'kObserve']);
/** XState's built-in actions that change only the machine's own snapshot (or its timers). */
const PURE_BUILTINS = new Set([
  'xstate.assign',
  'xstate.raise',
  'xstate.cancel',
  'xstate.enqueueActions',
  'xstate.log',
]);

const FIX_BY_BUILTIN: Record<string, string> = {
  'xstate.sendTo': 'send with kSend (ksend(to, event) from machines/kernel-actions.ts) so the scheduler delivers it',
  'xstate.sendParent': 'send with kSend to the actor by its id (drv:<device>, lock:<device>, ...)',
  'xstate.emit': 'report a fact with kObserve instead',
  'xstate.spawnChild': 'model the child as a state of this machine (an actor of its own needs a scenario entry)',
  'xstate.stopChild': 'model the child as a state of this machine',
};

const CUSTOM_FIX =
  'a custom function action runs under run --live but not under check: express it as assign(...) for the context, kSend for messages, kObserve for facts, or raise for events to itself';

interface StateNodeLike {
  id: string;
  entry: unknown[];
  exit: unknown[];
  invoke: unknown[];
  states: Record<string, StateNodeLike>;
  transitions: Map<string, { actions: unknown[] }[]>;
  always?: { actions: unknown[] }[];
}

/** Throws a ScenarioError naming `module`, the state, the transition and the fix for the first foreign action. */
export function checkDriverActions(machine: AnyStateMachine, module: string): void {
  const impls = (machine.implementations?.actions ?? {}) as Record<string, unknown>;
  const visit = (node: StateNodeLike): void => {
    if (node.invoke.length)
      reject(module, node.id, 'invoke', 'an invoked actor', 'model what it does as states of this machine');
    const lists: [string, unknown[]][] = [
      ['entry', node.entry],
      ['exit', node.exit],
    ];
    for (const [event, ts] of node.transitions)
      for (const t of ts) lists.push([event.startsWith('xstate.after') ? 'after' : `on ${event}`, t.actions]);
    for (const t of node.always ?? []) lists.push(['always', t.actions]);
    for (const [where, actions] of lists) for (const a of actions) checkAction(a, impls, module, node.id, where);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as StateNodeLike);
}

function checkAction(
  action: unknown,
  impls: Record<string, unknown>,
  module: string,
  state: string,
  where: string,
): void {
  const named =
    typeof action === 'string'
      ? action
      : action && typeof action === 'object' && typeof (action as { type?: unknown }).type === 'string'
        ? (action as { type: string }).type
        : null;
  if (named !== null) {
    if (KERNEL_ACTIONS.has(named)) return;
    const impl = impls[named];
    if (impl === undefined)
      reject(
        module,
        state,
        where,
        `action '${named}'`,
        'it has no implementation: add it to setup({ actions }) or remove it',
      );
    if (typeof impl === 'function' && typeof (impl as { type?: unknown }).type !== 'string')
      reject(module, state, where, `the custom function action '${named}'`, CUSTOM_FIX);
    checkAction(impl, impls, module, state, `${where} (action '${named}')`);
    return;
  }
  if (typeof action !== 'function') return;
  const builtin = (action as { type?: unknown }).type;
  if (typeof builtin === 'string') {
    if (PURE_BUILTINS.has(builtin)) return;
    reject(module, state, where, builtin, FIX_BY_BUILTIN[builtin] ?? CUSTOM_FIX);
  }
  reject(module, state, where, 'a custom function action', CUSTOM_FIX);
}

function reject(module: string, state: string, where: string, what: string, fix: string): never {
  throw new ScenarioError(
    `${module}: state '${state}', ${where}: ${what} is not a kernel action (kSend, kChoose, kObserve) or a pure XState one (assign, raise, cancel, enqueueActions, log): ${fix} (docs/driver-protocol.md, "Actions")`,
  );
}
