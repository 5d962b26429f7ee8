/**
 * `mirrorlab machines [name] [--json]`: the machines and driver profiles as a list (with
 * `--json`: an array of `{ name, kind, id, file, states, transitions, targetless, eventless }`),
 * or one of them as `export <name> --format mermaid` (with `--json`: `--format json`).
 */
import { graphCounts, machineCatalog, machineGraph } from '../report/machine-export.ts';
import { exportCommand } from './export-command.ts';

export async function machinesCommand(
  name: string | undefined,
  o: { json?: boolean },
  out: (s: string) => void,
): Promise<number> {
  if (name) return exportCommand(name, { format: o.json ? 'json' : 'mermaid' }, out);
  const rows = machineCatalog().map((m) => {
    const { states, transitions, targetless, eventless } = graphCounts(machineGraph(m.machine));
    return { name: m.name, kind: m.kind, id: m.machine.id, file: m.file, states, transitions, targetless, eventless };
  });
  if (o.json) {
    out(JSON.stringify(rows, null, 2));
    return 0;
  }
  const nameWidth = Math.max(...rows.map((r) => r.name.length)) + 2;
  const idWidth = Math.max(...rows.map((r) => r.id.length)) + 7;
  for (const r of rows)
    out(`${r.name.padEnd(nameWidth)}${`id '${r.id}'`.padEnd(idWidth)}${r.states} states, ${r.transitions} transitions`);
  out('');
  out('mirrorlab export <name> --format mermaid|json|stately|scxml   draws or exports one of them');
  return 0;
}
