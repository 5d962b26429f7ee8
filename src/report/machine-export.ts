/**
 * The machines as diagrams and as data, for reading them outside the code (`mirrorlab export`):
 *
 * - `mermaid`: a `stateDiagram-v2` (renders on GitHub and in most editors), machine-mermaid.ts;
 * - `scxml`: W3C State Chart XML, machine-scxml.ts;
 * - `stately`: a `createMachine({...})` module the Stately editor imports, machine-source.ts;
 * - `json`: the machine's configuration, which `machineFromJson` re-creates it from.
 *
 * All four carry every state and every transition, targetless and eventless ones included.
 */
import type { AnyStateMachine } from 'xstate';
import { deviceMachine } from '../../machines/device.machine.ts';
import { dmaFenceMachine } from '../../machines/dma-fence.machine.ts';
import { dmirrorMachine } from '../../machines/dmirror/dmirror.machine.ts';
import { driverProfiles } from '../../machines/drivers/index.ts';
import { mmMachine } from '../../machines/mm/mm.machine.ts';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import { ptLockMachine } from '../../machines/pt-lock.machine.ts';
import { rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';
import { threadMachine } from '../../machines/thread.machine.ts';
import type { ExportFormat } from './export-formats.ts';
import { toMermaid } from './machine-mermaid.ts';
import { toScxml } from './machine-scxml.ts';
import { toJsonConfig, toStatelySource } from './machine-source.ts';

export { EXPORT_FORMATS, type ExportFormat } from './export-formats.ts';
export { graphCounts, machineGraph } from './machine-graph.ts';
export { toMermaid } from './machine-mermaid.ts';
export { toScxml } from './machine-scxml.ts';
export { machineFromJson, toJsonConfig, toStatelySource } from './machine-source.ts';

export interface NamedMachine {
  name: string;
  kind: 'machine' | 'driver profile';
  /** Where it is defined, relative to the package root. */
  file: string;
  machine: AnyStateMachine;
}

/** Every built-in machine and driver profile, by the name `export` and `machines` take. */
export function machineCatalog(): NamedMachine[] {
  const kernel: [string, string, AnyStateMachine][] = [
    ['mm', 'machines/mm/mm.machine.ts', mmMachine],
    ['notifier-core', 'machines/notifier-core.machine.ts', notifierCoreMachine],
    ['range-notifier', 'machines/range-notifier.machine.ts', rangeNotifierMachine],
    ['pt-lock', 'machines/pt-lock.machine.ts', ptLockMachine],
    ['dma-fence', 'machines/dma-fence.machine.ts', dmaFenceMachine],
    ['device', 'machines/device.machine.ts', deviceMachine],
    ['thread', 'machines/thread.machine.ts', threadMachine],
  ];
  return [
    ...kernel.map(([name, file, machine]) => ({ name, kind: 'machine' as const, file, machine })),
    ...Object.entries(driverProfiles).map(([profile, machine]) => ({
      name: `driver-${profile}`,
      kind: 'driver profile' as const,
      file: 'machines/drivers/driver.machine.ts',
      machine,
    })),
    {
      name: 'driver-dmirror',
      kind: 'driver profile',
      file: 'machines/dmirror/dmirror.machine.ts',
      machine: dmirrorMachine,
    },
  ];
}

export function namedMachines(): Record<string, AnyStateMachine> {
  return Object.fromEntries(machineCatalog().map((m) => [m.name, m.machine]));
}

/** A machine by name; a driver profile also by its bare profile name (`svm` = `driver-svm`). */
export function findMachine(name: string): NamedMachine | undefined {
  const catalog = machineCatalog();
  return catalog.find((m) => m.name === name) ?? catalog.find((m) => m.name === `driver-${name}`);
}

/**
 * A machine in one of the export formats, as `mirrorlab export` writes it: a Mermaid state diagram,
 * its JSON configuration, a Stately editor module or SCXML. `from` names where it comes from, for
 * the Stately header.
 *
 * @example
 * ```ts
 * import { exportMachine, rangeNotifierMachine } from 'mirrorlab';
 * import { writeFileSync } from 'node:fs';
 *
 * writeFileSync('range-notifier.mmd', exportMachine(rangeNotifierMachine, 'mermaid'));
 * writeFileSync('range-notifier.js', exportMachine(rangeNotifierMachine, 'stately', 'mirrorlab'));
 * ```
 */
export function exportMachine(machine: AnyStateMachine, format: ExportFormat, from?: string): string {
  switch (format) {
    case 'mermaid':
      return toMermaid(machine);
    case 'json':
      return toJsonConfig(machine);
    case 'stately':
      return toStatelySource(machine, from);
    case 'scxml':
      return toScxml(machine);
  }
}
