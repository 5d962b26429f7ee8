/**
 * Where a trace's scenario and driver are now, what changed since it was saved, and whether
 * replay may import the driver (safe loading: a module a trace names is imported only inside the
 * trace's own folder tree, or when `--allow-driver` allows it; `replay --driver FILE` names one
 * explicitly).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { checkModuleAllowed } from '../scenario/allowed-modules.ts';
import { ScenarioError } from '../scenario/load.ts';
import { fileHash, type LoadedTrace, textHash } from './trace-file.ts';

export interface TraceSource {
  /** Where the scenario is placed: its file when found, else beside the trace (relative driver paths resolve from here). */
  scenarioFile: string;
  /** The scenario text to run: the trace's copy (version 2), or undefined to read `scenarioFile`. */
  text: string | undefined;
  /** The `--driver` module to load, or null. */
  driver: string | null;
  /** What differs from when the trace was saved, in words (each names both hashes). */
  warnings: string[];
  /** What was looked up and where it was found, in words. */
  notes: string[];
}

const short = (h: string) => h.slice(0, 12);

function firstExisting(paths: (string | undefined)[]): string | null {
  return paths.find((p): p is string => p !== undefined && existsSync(p)) ?? null;
}

export function locateTraceSource(
  t: LoadedTrace,
  o: { allowDrivers?: readonly string[]; driver?: string } = {},
): TraceSource {
  const warnings: string[] = [];
  const notes: string[] = [];
  const p = t.provenance;
  const onDisk = firstExisting([t.scenarioFile, p.scenario?.savedAt]);
  let scenarioFile: string;
  let text: string | undefined;
  if (p.scenario) {
    text = p.scenario.text;
    scenarioFile = onDisk ?? resolve(dirname(resolve(t.file)), basename(p.scenario.savedAt));
    if (!onDisk) notes.push(`the scenario is not at ${p.scenario.savedAt}: replaying the copy in the trace`);
    else {
      const now = textHash(readFileSync(onDisk, 'utf8'));
      if (now !== p.scenario.sha256)
        warnings.push(
          `the scenario ${onDisk} changed since the trace was made (sha256 ${short(p.scenario.sha256)}… in the trace, ${short(now)}… on disk): replaying the copy in the trace`,
        );
    }
  } else {
    if (!onDisk)
      throw new ScenarioError(
        `${t.file}: the scenario ${t.scenarioFile} is not there, and this version 1 trace has no copy of it: put the scenario back, or save the trace again with this mirrorlab`,
      );
    scenarioFile = onDisk;
  }
  for (const m of p.modules) {
    const at = resolve(dirname(scenarioFile), m.name);
    if (existsSync(at) && fileHash(at) !== m.sha256)
      warnings.push(
        `the driver module ${at} changed since the trace was made (sha256 ${short(m.sha256)}… in the trace, ${short(fileHash(at))}… now)`,
      );
  }
  return { scenarioFile, text, driver: traceDriver(t, o, warnings, notes), warnings, notes };
}

/** The `--driver` module the trace was made with, if replay may and can load it. */
function traceDriver(
  t: LoadedTrace,
  o: { allowDrivers?: readonly string[]; driver?: string },
  warnings: string[],
  notes: string[],
): string | null {
  const saved = t.provenance.driver;
  if (o.driver) {
    if (!existsSync(o.driver)) throw new ScenarioError(`--driver ${o.driver}: no such driver module`);
    if (saved && fileHash(o.driver) !== saved.sha256)
      warnings.push(
        `the driver module ${o.driver} differs from the one the trace was made with, ${saved.savedAt} (sha256 ${short(saved.sha256)}… in the trace, ${short(fileHash(o.driver))}… given)`,
      );
    return resolve(o.driver);
  }
  if (!t.driver) return null;
  const found = firstExisting([t.driver, saved?.savedAt]);
  if (!found)
    throw new ScenarioError(
      `${t.file}: the trace was made with the driver module ${saved?.savedAt ?? t.driver}, which is not there any more: give it with --driver FILE`,
    );
  checkModuleAllowed(found, t.file, o.allowDrivers ?? [], t.file, 'trace');
  if (found !== t.driver) notes.push(`the driver module is at ${found}`);
  if (saved) {
    const now = fileHash(found);
    if (now !== saved.sha256)
      warnings.push(
        `the driver module ${found} changed since the trace was made (sha256 ${short(saved.sha256)}… in the trace, ${short(now)}… now)`,
      );
  }
  return found;
}
