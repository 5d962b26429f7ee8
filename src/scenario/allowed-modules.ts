/**
 * Safe loading: a data file (a scenario, a trace) may make mirrorlab import only driver modules
 * inside its own folder tree, or ones the user allowed on the command line (`--allow-driver
 * PATH`, a module or a folder). A path given as `--driver FILE` is an opt-in of its own.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ScenarioError } from './load.ts';

/** The real path when it exists (a symlink inside the tree may point out of it), else the resolved one. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export function isInside(file: string, folder: string): boolean {
  const r = relative(real(folder), real(file));
  return !isAbsolute(r) && r.split(sep)[0] !== '..';
}

/**
 * Throw unless `module` lies in the folder tree of `dataFile` or under an allowed path.
 * `where` locates the reference (`file:line:col`), `what` names the data file's kind.
 */
export function checkModuleAllowed(
  module: string,
  dataFile: string,
  allowed: readonly string[],
  where: string,
  what = 'scenario',
): void {
  const home = dirname(resolve(dataFile));
  if (isInside(module, home) || allowed.some((a) => isInside(module, a))) return;
  throw new ScenarioError(
    `${where}: the driver module ${module} lies outside the ${what}'s folder (${home}); mirrorlab imports a module a ${what} names only inside its own folder tree or when you allow it: add --allow-driver ${module} if you trust it`,
  );
}
