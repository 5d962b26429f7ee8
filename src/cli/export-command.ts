/**
 * `mirrorlab export <machine|profile|driver module> [--format mermaid|json|stately|scxml] [-o FILE]`:
 * one machine as a diagram or as data (src/report/machine-export.ts).
 */
import { resolve } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  exportMachine,
  findMachine,
  machineCatalog,
} from '../report/machine-export.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';
import { ScenarioError } from '../scenario/load.ts';
import { writeFileAtomic } from './safe-write.ts';

export { EXPORT_FORMATS };

export interface ExportOptions {
  format?: string;
  output?: string;
}

/** A driver module path: it names a file (`./x.ts`, `x.mjs`) rather than a machine. */
const isModulePath = (name: string) => /[/\\]/.test(name) || /\.(c|m)?[jt]s$/.test(name);

export async function resolveMachine(name: string): Promise<{ machine: AnyStateMachine; from: string }> {
  if (isModulePath(name)) return { machine: await loadDriverModule(resolve(name), name), from: name };
  const found = findMachine(name);
  if (!found)
    throw new ScenarioError(
      `no machine or driver profile '${name}': one of ${machineCatalog()
        .map((m) => m.name)
        .join(', ')} (a driver profile also by its bare name, e.g. svm), or a driver module path like ./my-driver.ts`,
    );
  return { machine: found.machine, from: found.file };
}

export async function exportCommand(name: string, o: ExportOptions, out: (s: string) => void): Promise<number> {
  const format = (o.format ?? 'mermaid') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new ScenarioError(`--format: '${o.format}' is not one of ${EXPORT_FORMATS.join(', ')}`);
  const { machine, from } = await resolveMachine(name);
  const text = exportMachine(machine, format, from);
  if (o.output) {
    writeFileAtomic(o.output, text.endsWith('\n') ? text : `${text}\n`, { force: true });
    process.stderr.write(`mirrorlab: wrote ${format} of '${machine.id}' to ${o.output}\n`);
  } else out(text.replace(/\n$/, ''));
  return 0;
}
