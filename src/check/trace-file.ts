/**
 * The counterexample file: everything `mirrorlab replay` needs to re-run a schedule and say
 * whether it still breaks the same property. Steps are semantic (actor, kind, sender, event).
 *
 * Version 2 is self-contained: it embeds the scenario's text and hash, the driver modules' paths
 * and hashes, the tool version, the params, strategy, seed and options, so a trace copied
 * elsewhere or attached to a bug report still replays (trace-source.ts says what changed).
 * Version 1 traces (a scenario path only) are still read.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { mirrorlabVersion } from '../cli/exit-codes.ts';
import { writeFileAtomic } from '../cli/safe-write.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { isPath } from '../scenario/compile.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { parseScenario, ScenarioError } from '../scenario/load.ts';

export const TRACE_FORMAT = 'mirrorlab-trace';
export const TRACE_VERSION = 2;
/**
 * The violation kind of a schedule saved on which nothing was violated (the studio saves one
 * when asked): `replay` then checks that it still runs to its end with nothing violated.
 */
export const NOTHING_VIOLATED = 'none';

const stepsSchema = z.array(
  z.object({
    kind: z.enum(['deliver', 'timer', 'choose']),
    actor: z.string(),
    from: z.string().optional(),
    event: z.object({ type: z.string() }).passthrough(),
    label: z.string().optional(),
  }),
);

const common = {
  format: z.literal(TRACE_FORMAT),
  strategy: z.string(),
  seed: z.number().nullable(),
  violation: z.object({ kind: z.string(), message: z.string() }),
  steps: stepsSchema,
  /** For a potential deadlock: the other schedules whose lock-order edges close the cycle. */
  witnesses: z.array(z.array(z.any())).optional(),
  /**
   * For a livelock, a lasso: `steps[loopFrom ..]` is a loop that returns to the state reached
   * by `steps[.. loopFrom)` and can repeat forever. Absent in every other trace.
   */
  loopFrom: z.number().int().nonnegative().optional(),
};

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const paramValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
]);

/** A module file: `path` relative to the trace's folder, `savedAt` where it was when saved. */
const moduleRef = z.object({ path: z.string(), savedAt: z.string(), sha256 });

const traceV1 = z.object({
  ...common,
  version: z.literal(1),
  /** Relative to the trace file's folder. */
  scenario: z.string(),
  driver: z.string().nullable(),
});

const traceV2 = z.object({
  ...common,
  version: z.literal(2),
  tool: z.object({ name: z.literal('mirrorlab'), version: z.string() }),
  scenario: z.object({
    path: z.string(),
    savedAt: z.string(),
    name: z.string().nullable(),
    sha256,
    text: z.string(),
  }),
  /** The module given as `check --driver`, standing in for every device's driver. */
  driver: moduleRef.nullable(),
  /** Driver modules the scenario itself names (`driver: ./my-driver.ts`), by the name it uses. */
  modules: z.array(moduleRef.extend({ name: z.string() })),
  params: z.record(z.string(), paramValue),
  /** The search options the trace was found with (limits, depth), for the record. */
  options: z.record(z.string(), z.unknown()),
});

const traceSchema = z.discriminatedUnion('version', [traceV1, traceV2]);

export type TraceFile = z.infer<typeof traceV2>;

/**
 * A counterexample as {@link writeTrace} saves it: the scenario file, driver and strategy it was
 * found with, the violation, and its steps.
 *
 * @example
 * ```ts
 * import { checkScenario, type SavedTrace, writeTrace } from 'mirrorlab';
 *
 * const file = 'scenarios/seeds/missing-set-seq.yaml';
 * const v = (await checkScenario(file)).violations[0];
 * const t: SavedTrace = { scenarioFile: file, driver: null, strategy: 'bfs', seed: null, violation: v, steps: v.trace };
 * writeTrace('missing-set-seq.trace.json', t);
 * ```
 */
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
  /** The scenario params the run used (`--param`). */
  params?: Record<string, ParamValue>;
  /** The search options, recorded as given. */
  options?: Record<string, unknown>;
}

/**
 * What a version 2 trace adds: the copies and hashes it was saved with.
 *
 * @example
 * ```ts
 * import { readTrace, type TraceProvenance } from 'mirrorlab';
 *
 * const provenance: TraceProvenance = readTrace('missing-set-seq.trace.json').provenance;
 * provenance.scenario?.sha256; // the hash of the scenario text the trace embeds
 * ```
 */
export interface TraceProvenance {
  tool: string | null;
  scenario: { text: string; sha256: string; name: string | null; savedAt: string } | null;
  driver: { sha256: string; savedAt: string } | null;
  modules: { name: string; sha256: string; savedAt: string }[];
}

/**
 * A trace file as {@link readTrace} reads it: the saved trace, plus the file it came from, its
 * format version, its params and provenance.
 *
 * @example
 * ```ts
 * import { type LoadedTrace, readTrace } from 'mirrorlab';
 *
 * const t: LoadedTrace = readTrace('missing-set-seq.trace.json');
 * console.log(t.violation.kind, `${t.steps.length} steps`, `format v${t.version}`);
 * ```
 */
export interface LoadedTrace extends SavedTrace {
  /** The trace file itself. */
  file: string;
  version: number;
  params: Record<string, ParamValue>;
  provenance: TraceProvenance;
}

export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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
  const here = dirname(resolve(path));
  const ref = (file: string) => ({
    path: relative(here, resolve(file)),
    savedAt: resolve(file),
    sha256: fileHash(file),
  });
  const text = readFileSync(t.scenarioFile, 'utf8');
  const params = t.params ?? {};
  const scenario = parseScenario(text, t.scenarioFile, params).scenario;
  const modules = Object.values(scenario.devices)
    .map((d) => d.driver)
    .filter((d, i, all) => isPath(d) && all.indexOf(d) === i)
    .flatMap((name) => {
      const abs = resolve(dirname(resolve(t.scenarioFile)), name);
      try {
        return [{ name, ...ref(abs) }];
      } catch {
        return []; // not there: the run could not have loaded it either
      }
    });
  const file: TraceFile = {
    format: TRACE_FORMAT,
    version: 2,
    tool: { name: 'mirrorlab', version: mirrorlabVersion() },
    scenario: {
      path: relative(here, resolve(t.scenarioFile)),
      savedAt: resolve(t.scenarioFile),
      name: scenario.name ?? null,
      sha256: textHash(text),
      text,
    },
    driver: t.driver ? ref(t.driver) : null,
    modules,
    params: params as TraceFile['params'],
    strategy: t.strategy,
    seed: t.seed,
    options: t.options ?? {},
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
export function readTrace(path: string): LoadedTrace {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`${path}: not a readable JSON trace (${(e as Error).message})`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== TRACE_FORMAT)
    throw new ScenarioError(
      `${path}: not a mirrorlab trace: at format: expected '${TRACE_FORMAT}', found ${format === undefined ? 'no format field' : JSON.stringify(format)}; save one with 'mirrorlab check --save-trace'`,
    );
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
  const shared = {
    file: path,
    version: t.version,
    strategy: t.strategy,
    seed: t.seed,
    violation: t.violation,
    steps: t.steps as SemanticStep[],
    witnesses: (t.witnesses ?? []) as SemanticStep[][],
    ...(t.loopFrom !== undefined ? { loopFrom: t.loopFrom } : {}),
  };
  if (t.version === 1)
    return {
      ...shared,
      scenarioFile: resolve(base, t.scenario),
      driver: t.driver ? resolve(base, t.driver) : null,
      params: {},
      provenance: { tool: null, scenario: null, driver: null, modules: [] },
    };
  return {
    ...shared,
    scenarioFile: resolve(base, t.scenario.path),
    driver: t.driver ? resolve(base, t.driver.path) : null,
    params: t.params,
    options: t.options,
    provenance: {
      tool: `${t.tool.name} ${t.tool.version}`,
      scenario: {
        text: t.scenario.text,
        sha256: t.scenario.sha256,
        name: t.scenario.name,
        savedAt: t.scenario.savedAt,
      },
      driver: t.driver && { sha256: t.driver.sha256, savedAt: t.driver.savedAt },
      modules: t.modules.map((m) => ({ name: m.name, sha256: m.sha256, savedAt: m.savedAt })),
    },
  };
}
