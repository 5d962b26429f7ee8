/**
 * Output files that are never half-written, never silently overwritten, and whose folder is
 * checked before any work starts (issue 10 item 5):
 *   - `writeFileAtomic` writes a temporary file beside the target and renames it into place, so
 *     a reader (or a crash) sees the old file or the whole new one, never a part;
 *   - an existing file is replaced only with `force` (`--force` on the command line);
 *   - `prepareFolder` checks that the folder exists (or creates it when asked), is a folder and
 *     can be written, by writing and removing a probe file, before a search starts;
 *   - `planTraceFiles` turns `check --save-trace PATH` into one unique file name per
 *     counterexample: two scenarios with the same file name in different folders never share one.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { ScenarioError } from '../scenario/load.ts';

let tmpCounter = 0;

/** Write `text` to `path` through a temporary file and a rename; refuse to replace a file without `force`. */
export function writeFileAtomic(path: string, text: string, { force = false }: { force?: boolean } = {}): void {
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new ScenarioError(`${path}: is a folder; give a file name inside it`);
  if (st && !force) throw new ScenarioError(`${path}: the file exists; pass --force to overwrite it`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tmpCounter++}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ScenarioError(`${path}: cannot write it (${(e as Error).message})`);
  }
}

/** A folder to write into: it must be (or, with `create`, become) a writable folder. */
export function prepareFolder(
  dir: string,
  { create, option, hint = 'create it' }: { create: boolean; option: string; hint?: string },
): void {
  const st = statOrNull(dir.replace(/[\\/]+$/, '') || dir);
  if (st && !st.isDirectory())
    throw new ScenarioError(`${option} ${dir}: a file is in the way of the folder: remove it or choose another name`);
  if (!st) {
    if (!create) throw new ScenarioError(`${option}: the folder ${dir} does not exist: ${hint}`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ScenarioError(`${option} ${dir}: cannot create the folder (${(e as Error).message})`);
    }
  }
  const probe = join(dir, `.mirrorlab-probe.${process.pid}.${tmpCounter++}.tmp`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new ScenarioError(`${option} ${dir}: the folder cannot be written (${(e as Error).message})`);
  }
}

/** Where `check --save-trace PATH` puts its traces. */
export interface TracePlan {
  /** `folder`: PATH is a folder (it exists as one, ends with /, or has no .json suffix). */
  mode: 'folder' | 'file';
  path: string;
  force: boolean;
}

/**
 * Check `--save-trace PATH` before the search: a folder is created if missing (a file in its
 * way is an error); a file's folder must exist, and an existing file needs `--force`.
 */
export function planTraceFiles(path: string, force: boolean): TracePlan {
  const option = '--save-trace';
  const st = statOrNull(path);
  const folder = st?.isDirectory() || path.endsWith('/') || path.endsWith(sep) || extname(path) !== '.json';
  if (folder) {
    prepareFolder(path, { create: true, option });
    return { mode: 'folder', path, force };
  }
  const dir = dirname(path);
  prepareFolder(dir, {
    create: false,
    option,
    hint: `create it (mkdir -p ${dir}), or give ${option} ${dir}/ to have mirrorlab create it and name the traces`,
  });
  if (st && !force) throw new ScenarioError(`${option} ${path}: the file exists; pass --force to overwrite it`);
  return { mode: 'file', path, force };
}

/** One name per scenario file: its base name, or, when two share one, its path from their common folder. */
export function scenarioStems(files: readonly string[]): Map<string, string> {
  const stem = (f: string) => basename(f).replace(/\.ya?ml$/, '');
  const count = new Map<string, number>();
  for (const f of new Set(files.map((f) => resolve(f)))) count.set(stem(f), (count.get(stem(f)) ?? 0) + 1);
  const root = commonFolder(files.map((f) => dirname(resolve(f))));
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const f of files) {
    if (out.has(f)) continue;
    let name =
      (count.get(stem(f)) ?? 0) > 1
        ? relative(root, resolve(f))
            .replace(/\.ya?ml$/, '')
            .split(sep)
            .join('.')
        : stem(f);
    for (let k = 2; used.has(name); k++) name = `${stem(f)}-${k}`;
    used.add(name);
    out.set(f, name);
  }
  return out;
}

/**
 * The file for one counterexample: in a folder `<stem>.<kind>.json`; with a file name, that
 * name when it is the only trace, else `<name>.<stem>.<kind>.json`. A name already taken in this
 * run, or (without --force) by an existing file, gets a `-2`, `-3`… suffix: nothing is overwritten.
 */
export function traceFileFor(
  plan: TracePlan,
  only: boolean,
  stem: string,
  kind: string,
  taken: Set<string>,
): { path: string; renamedFrom: string | null } {
  const wanted =
    plan.mode === 'folder'
      ? join(plan.path, `${stem}.${kind}.json`)
      : only
        ? plan.path
        : plan.path.replace(/(\.json)?$/, `.${stem}.${kind}.json`);
  const free = (p: string) => !taken.has(resolve(p)) && (plan.force || !existsSync(p));
  let path = wanted;
  for (let k = 2; !free(path); k++) path = wanted.replace(/\.json$/, `-${k}.json`);
  taken.add(resolve(path));
  return { path, renamedFrom: path === wanted ? null : wanted };
}

function commonFolder(dirs: string[]): string {
  if (dirs.length === 0) return '.';
  let parts = dirs[0].split(sep);
  for (const d of dirs.slice(1)) {
    const q = d.split(sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * A report file (`--junit`, `--sarif`), checked before the search: its folder exists and is a
 * folder, and the file is not there already unless `force`.
 */
export function prepareReportFile(option: string, path: string, force: boolean): void {
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new ScenarioError(`${option} ${path}: is a folder; give a file name`);
  if (st && !force) throw new ScenarioError(`${option} ${path}: the file exists; pass --force to overwrite it`);
  prepareFolder(dirname(resolve(path)), { create: false, option });
}
