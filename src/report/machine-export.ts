/**
 * The machines as diagrams and as JSON, for reading them outside the code: a Mermaid
 * `stateDiagram-v2` (renders on GitHub and in most editors) and the machine's structure as
 * JSON (`machine.config` with implementations left as their names, which the Stately editor
 * imports for structure; xstate-notes §6).
 */
import type { AnyStateMachine } from 'xstate';
import { deviceMachine } from '../../machines/device.machine.ts';
import { dmaFenceMachine } from '../../machines/dma-fence.machine.ts';
import { driverProfiles } from '../../machines/drivers/index.ts';
import { mmMachine } from '../../machines/mm/mm.machine.ts';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import { ptLockMachine } from '../../machines/pt-lock.machine.ts';
import { rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';
import { threadMachine } from '../../machines/thread.machine.ts';

export function namedMachines(): Record<string, AnyStateMachine> {
  return {
    mm: mmMachine,
    'notifier-core': notifierCoreMachine,
    'range-notifier': rangeNotifierMachine,
    'pt-lock': ptLockMachine,
    'dma-fence': dmaFenceMachine,
    device: deviceMachine,
    thread: threadMachine,
    ...Object.fromEntries(Object.entries(driverProfiles).map(([name, m]) => [`driver-${name}`, m])),
  };
}

interface NodeLike {
  key: string;
  id: string;
  type: string;
  initial?: { target: NodeLike[] };
  states: Record<string, NodeLike>;
  transitions: Map<string, { target?: NodeLike[]; guard?: unknown; eventType: string }[]>;
  always?: { target?: NodeLike[]; guard?: unknown }[];
}

/** A named guard's name (guards are strings or `{ type }` when named, functions when inline). */
function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  return guard ? 'guard' : '';
}

const mid = (n: NodeLike) => n.id.replace(/[^A-Za-z0-9_]/g, '_');

export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const walk = (node: NodeLike, indent: string) => {
    const children = Object.values(node.states);
    if (node.initial?.target?.length) lines.push(`${indent}[*] --> ${mid(node.initial.target[0])}`);
    children.forEach((child, i) => {
      if (node.type === 'parallel' && i > 0) lines.push(`${indent}--`);
      const grand = Object.values(child.states);
      if (grand.length) {
        lines.push(`${indent}state "${child.key}" as ${mid(child)} {`);
        walk(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}${mid(child)} : ${child.key}`);
        if (child.type === 'final') lines.push(`${indent}${mid(child)} --> [*]`);
      }
    });
    for (const child of children) {
      for (const [event, list] of child.transitions) {
        for (const t of list) {
          for (const target of t.target ?? []) {
            const name = guardName(t.guard);
            const guard = name ? ` [${name}]` : '';
            lines.push(`${indent}${mid(child)} --> ${mid(target)} : ${event}${guard}`);
          }
        }
      }
      for (const t of child.always ?? []) {
        const name = guardName(t.guard);
        for (const target of t.target ?? [])
          lines.push(`${indent}${mid(child)} --> ${mid(target)} : (always)${name ? ` [${name}]` : ''}`);
      }
    }
  };
  walk(machine.root as unknown as NodeLike, '  ');
  return lines.join('\n');
}

/** The machine's structure as JSON: functions are dropped, named implementations stay names. */
export function toJsonConfig(machine: AnyStateMachine): string {
  return JSON.stringify(machine.config, (_k, v) => (typeof v === 'function' ? undefined : v), 2);
}
