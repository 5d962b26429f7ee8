/** `mirrorlab machines [name] [--json]`: the machines, as a list, a Mermaid diagram or JSON. */
import { namedMachines, toJsonConfig, toMermaid } from '../report/machine-export.ts';
import { ScenarioError } from '../scenario/load.ts';

export function machinesCommand(name: string | undefined, o: { json?: boolean }, out: (s: string) => void): number {
  const machines = namedMachines();
  if (!name) {
    for (const [n, m] of Object.entries(machines)) out(`${n.padEnd(34)} id '${m.id}'`);
    return 0;
  }
  const machine = machines[name];
  if (!machine) throw new ScenarioError(`no machine '${name}': one of ${Object.keys(machines).join(', ')}`);
  out(o.json ? toJsonConfig(machine) : toMermaid(machine));
  return 0;
}
