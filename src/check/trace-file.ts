/**
 * The counterexample file: everything `mirrorlab replay` needs to re-run a schedule and say
 * whether it still breaks the same property. Steps are semantic (actor, kind, sender, event).
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../cli/safe-write.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { ScenarioError } from '../scenario/load.ts';

export const TRACE_FORMAT = 'mirrorlab-trace';

const traceSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(1),
  /** Relative to the trace file's folder. */
  scenario: z.string(),
  driver: z.string().nullable(),
  strategy: z.string(),
  seed: z.number().nullable(),
  violation: z.object({ kind: z.string(), message: z.string() }),
  steps: z.array(
    z.object({
      kind: z.enum(['deliver', 'timer', 'choose']),
      actor: z.string(),
      from: z.string().optional(),
      event: z.object({ type: z.string() }).passthrough(),
      label: z.string().optional(),
    }),
  ),
  /** For a potential deadlock: the other schedules whose lock-order edges close the cycle. */
  witnesses: z.array(z.array(z.any())).optional(),
  /**
   * For a livelock, a lasso: `steps[loopFrom ..]` is a loop that returns to the state reached
   * by `steps[.. loopFrom)` and can repeat forever. Absent in every other trace.
   */
  loopFrom: z.number().int().nonnegative().optional(),
});

export type TraceFile = z.infer<typeof traceSchema>;

export interface SavedTrace {
  scenarioFile: string;
  driver: string | null;
  strategy: string;
  seed: number | null;
  violation: { kind: string; message: string };
  steps: SemanticStep[];
  witnesses?: SemanticStep[][];
  /** A lasso's loop start (see the schema). */
  loopFrom?: number;
}

/**
 * Write a trace atomically (a temporary file renamed into place). A library caller replaces an
 * existing file; the CLI passes `force: false` unless `--force` was given.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor, writeTrace } from 'mirrorlab';
 *
 * const file = 'scenarios/seeds/missing-set-seq.yaml';
 * const { world } = await worldFor(file);
 * const [v] = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations;
 * writeTrace('/tmp/bug.json', {
 *   scenarioFile: file, driver: null, strategy: 'bfs', seed: null,
 *   violation: { kind: v.kind, message: v.message }, steps: v.trace,
 * });
 * ```
 */
export function writeTrace(path: string, t: SavedTrace, { force = true }: { force?: boolean } = {}): void {
  const file: TraceFile = {
    format: TRACE_FORMAT,
    version: 1,
    scenario: relative(dirname(resolve(path)), resolve(t.scenarioFile)),
    driver: t.driver ? relative(dirname(resolve(path)), resolve(t.driver)) : null,
    strategy: t.strategy,
    seed: t.seed,
    violation: t.violation,
    steps: t.steps as TraceFile['steps'],
    ...(t.witnesses?.length ? { witnesses: t.witnesses as TraceFile['witnesses'] } : {}),
    ...(t.loopFrom !== undefined ? { loopFrom: t.loopFrom } : {}),
  };
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, { force });
}

/**
 * Read a trace file written by {@link writeTrace} (or `check --save-trace`), checking its format; a
 * bad file throws a message that names it.
 *
 * @example
 * ```ts
 * import { readTrace, replayTrace, defaultMonitors, worldFor } from 'mirrorlab';
 *
 * const trace = readTrace('/tmp/bug.missing-set-seq.stale-spte.json');
 * const { world } = await worldFor(trace.scenarioFile);
 * const result = replayTrace(world, trace.steps, defaultMonitors());
 * result.violations.some((v) => v.kind === trace.violation.kind); // true: it still reproduces
 * ```
 */
export function readTrace(path: string): SavedTrace {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`${path}: not a readable JSON trace (${(e as Error).message})`);
  }
  const parsed = traceSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ScenarioError(
      `${path}: not a mirrorlab trace: at ${i.path.join('.') || '(top level)'}: ${i.message}; save one with 'mirrorlab check --save-trace'`,
    );
  }
  const t = parsed.data;
  if (t.loopFrom !== undefined && t.loopFrom >= t.steps.length)
    throw new ScenarioError(
      `${path}: at loopFrom: ${t.loopFrom} leaves the loop empty (the trace has ${t.steps.length} steps); it must be below that`,
    );
  const base = dirname(resolve(path));
  return {
    scenarioFile: resolve(base, t.scenario),
    driver: t.driver ? resolve(base, t.driver) : null,
    strategy: t.strategy,
    seed: t.seed,
    violation: t.violation,
    steps: t.steps as SemanticStep[],
    witnesses: (t.witnesses ?? []) as SemanticStep[][],
    ...(t.loopFrom !== undefined ? { loopFrom: t.loopFrom } : {}),
  };
}
