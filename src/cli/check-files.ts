/**
 * `check` over several files: every file gets its verdict. A file (or argument) that cannot be
 * loaded is reported with its located error and the others are still checked (issue 10 item 2);
 * counterexamples are saved under unique names, atomically, never over an existing file without
 * `--force` (safe-write.ts).
 */
import { writeSync } from 'node:fs';
import { type CheckOptions, type CheckOutcome, checkScenario } from '../check/check-scenario.ts';
import { writeTrace } from '../check/trace-file.ts';
import { interrupted } from '../explorer/search/interrupt.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { DEFAULT_TIME_SECONDS } from '../scenario/deadline.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { stuckBefore, watchFile } from './check-watchdog.ts';
import { isInputError } from './exit-codes.ts';
import { planParams } from './param-plan.ts';
import { replayHint } from './replay-hints.ts';
import { scenarioStems, type TracePlan, traceFileFor } from './safe-write.ts';
import { scenarioFiles } from './scenario-files.ts';

/**
 * A file that could not be checked, with its located message (exit 2): the file, the place and
 * the fix, as `check` prints it.
 *
 * @example
 * ```ts
 * const e: FileError = { file: 'my-driver.ts', message: 'my-driver.ts: exports no driver; export default defineDriver(...)' };
 * ```
 */
export interface FileError {
  file: string;
  message: string;
}

export type CheckedEntry = { outcome: CheckOutcome } | { error: FileError };

export async function checkFiles(
  args: string[],
  options: CheckOptions,
  /** Told each file before it is checked (for the progress line). */
  onFile?: (file: string) => void,
): Promise<{ entries: CheckedEntry[]; outcomes: CheckOutcome[]; errors: FileError[]; skipped: string[] }> {
  // The files first: a --param none of them declares is refused before any search (param-plan.ts).
  type Planned = { file: string } | { error: FileError };
  const planned = args.flatMap((arg): Planned[] => {
    try {
      return scenarioFiles([arg]).map((file) => ({ file }));
    } catch (e) {
      if (!isInputError(e)) throw e;
      return [{ error: { file: arg, message: e.message } }];
    }
  });
  const params = planParams(
    planned.flatMap((p) => ('file' in p ? [p.file] : [])),
    options.params ?? {},
  );
  const entries: CheckedEntry[] = [];
  const skipped: string[] = [];
  for (const p of planned) {
    if ('error' in p) {
      entries.push(p);
      continue;
    }
    const { file } = p;
    // After SIGINT/SIGTERM the scenario in progress reports its partial result; the rest wait.
    if (interrupted()) {
      skipped.push(file);
      continue;
    }
    // Its check never returned on an earlier thread (check-watchdog.ts): reported, not run again.
    const stuck = stuckBefore(file);
    if (stuck) {
      entries.push({ error: { file, message: stuck } });
      continue;
    }
    // Written at once (a worker thread's process.stderr flushes only when the thread is idle).
    if (process.env.MIRRORLAB_PROGRESS === '1') writeSync(2, `mirrorlab: checking ${file}\n`);
    try {
      onFile?.(file);
      watchFile({ file, seconds: options.timeLimit ?? DEFAULT_TIME_SECONDS });
      entries.push({ outcome: await checkScenario(file, { ...options, params: params.get(file) }) });
    } catch (e) {
      if (!isInputError(e)) throw e;
      entries.push({ error: { file, message: e.message } });
    } finally {
      watchFile(null);
    }
  }
  const outcomes = entries.flatMap((e) => ('outcome' in e ? [e.outcome] : []));
  const errors = entries.flatMap((e) => ('error' in e ? [e.error] : []));
  return { entries, outcomes, errors, skipped };
}

export function errorText(e: FileError): string {
  return [`ERROR  ${e.file}`, ...e.message.split('\n').map((l) => `      ${l}`)].join('\n');
}

export function errorJson(e: FileError) {
  return { scenario: null, file: e.file, ok: false, verdict: 'error', error: e.message };
}

/** Where each counterexample was saved (`<file>#<kind>` → the trace) and the command that replays it. */
export type SavedTraces = Map<string, { path: string; replay: string }>;

/** What the traces record besides the counterexample: how the check was run (params: per file, below). */
export interface TraceMeta {
  driver?: string;
  seed?: number;
  options?: Record<string, unknown>;
  allowDrivers?: readonly string[];
}

/** What `saveTraces` needs of an outcome (a check's, or a merged one's: src/cli/merge-command.ts). */
export interface TracedOutcome {
  file: string;
  strategy: string;
  /** The params this file was checked with: of a check's `--param`, those it declares. */
  params: Record<string, ParamValue>;
  violations: readonly {
    kind: string;
    message: string;
    trace: SemanticStep[];
    loopFrom?: number;
    details?: unknown;
    schedule?: { seed: number };
  }[];
}

/** Save every counterexample of `outcomes` as planned. */
export function saveTraces(outcomes: readonly TracedOutcome[], plan: TracePlan, meta: TraceMeta): SavedTraces {
  const saved: SavedTraces = new Map();
  const all = outcomes.flatMap((c) => c.violations.filter((v) => v.trace.length).map((v) => ({ c, v })));
  const stems = scenarioStems(outcomes.map((c) => c.file));
  const taken = new Set<string>();
  for (const { c, v } of all) {
    const { path, renamedFrom } = traceFileFor(plan, all.length === 1, stems.get(c.file)!, v.kind, taken);
    if (renamedFrom) process.stderr.write(`mirrorlab: ${renamedFrom} exists; saved as ${path} (--force overwrites)\n`);
    writeTrace(
      path,
      {
        scenarioFile: c.file,
        driver: meta.driver ?? null,
        strategy: c.strategy,
        seed: v.schedule?.seed ?? meta.seed ?? null,
        violation: { kind: v.kind, message: v.message },
        steps: v.trace,
        loopFrom: v.loopFrom,
        witnesses: (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses,
        params: c.params,
        options: meta.options,
      },
      { force: plan.force },
    );
    saved.set(`${c.file}#${v.kind}`, { path, replay: replayHint(path, meta.driver, meta.allowDrivers) });
  }
  return saved;
}
