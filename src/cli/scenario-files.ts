/** Expand the CLI's scenario arguments: files as given, folders to their *.yaml files (recursively, sorted). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError } from '../scenario/load.ts';

export function scenarioFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(a);
    } catch {
      throw new ScenarioError(`${a}: no such scenario file or folder`);
    }
    if (st.isDirectory()) {
      const found = walk(a);
      if (found.length === 0) throw new ScenarioError(`${a}: the folder has no .yaml scenarios`);
      out.push(...found);
    } else out.push(a);
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((x, y) => x.name.localeCompare(y.name))
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      return /\.ya?ml$/.test(e.name) ? [p] : [];
    });
}
