/**
 * The scenario language: processes and their mappings, devices with their drivers, fences,
 * threads of operations, and what the check should find. docs/scenarios.md describes it for
 * users; this file is the one definition the loader validates against.
 */
import { z } from 'zod';
import { KERNEL_VERSIONS } from '../../machines/mm/kernel-version.ts';
import { DEFAULT_MAX_STATES } from '../explorer/search-types.ts';

const address = z
  .union([z.number().int().nonnegative(), z.string().regex(/^0x[0-9a-fA-F]+$/)])
  .transform(Number)
  .describe('a whole number >= 0 or a 0x… hex string');
const errno = z.union([z.number().int(), z.string().regex(/^-?E[A-Z]+$/)]);

export const PROPERTY_KINDS = [
  'stale-spte',
  'stale-data',
  'use-after-free',
  'seq-invariant',
  'false-on-blockable',
  'sleep-in-nonblock',
  'sleep-in-atomic',
  'deadlock',
  'potential-deadlock',
  'fence-unsignaled',
  'fence-order',
  'unbounded-retry',
  'livelock',
  'unhandled-event',
  'model-error',
  'expectation',
] as const;
export type PropertyKind = (typeof PROPERTY_KINDS)[number];

const vma = z
  .object({
    addr: address.describe('start address of the mapping (page aligned)'),
    length: address.describe('length of the mapping in bytes'),
    prot: z.enum(['none', 'r', 'rw']).default('rw').describe('protection: none, r or rw'),
    type: z
      .enum(['private-anon', 'shared-anon', 'private-file', 'shared-file'])
      .default('private-anon')
      .describe('mapping type'),
    file: z.string().optional().describe('the file a file mapping maps (a name shared by the mappings of one file)'),
    hugetlb: z.boolean().default(false).describe('a hugetlbfs mapping'),
  })
  .strict()
  .describe('a mapping made at set-up');

const process = z
  .object({
    vmas: z.array(vma).default([]).describe('mappings made at set-up'),
    /** Words written before the run: `{ addr, value }` or a range with a pattern. */
    populate: z
      .array(
        z.object({
          addr: address.describe('the first word written'),
          value: z.number().int().default(0).describe('the value written'),
          count: z.number().int().positive().default(1).describe('pages written from addr'),
        }),
      )
      .default([])
      .describe('words written at set-up: { addr, value, count }'),
    /** A process created by `fork` of another during the run. */
    forkedFrom: z
      .string()
      .optional()
      .describe('a process that comes alive when this one forks into it (`fork: { child: <name> }`)'),
  })
  .strict()
  .describe('a process: its mappings and populated words');

const completion = z
  .object({
    takesLock: z.string().optional().describe('a device whose update lock the fence-signalling path takes'),
    allocates: z
      .object({ process: z.string(), addr: address })
      .strict()
      .optional()
      .describe('an allocation that may enter reclaim on that page of that process'),
  })
  .strict()
  .describe("what the device's fence-signalling path does before it signals");

const device = z
  .object({
    /** A built-in profile name, or a path (relative to the scenario file) to a custom driver module. */
    driver: z
      .string()
      .describe(
        'a built-in profile (shadow-pte, registration-cache, userptr-fence-under-lock, userptr-fence-after-unlock, svm, dmirror) or a path to a driver module, relative to the scenario file',
      ),
    process: z.string().describe('the process whose address space the device mirrors'),
    lock: z.enum(['mutex', 'spinlock', 'rwsem']).default('mutex').describe("the driver's update lock"),
    subscription: z
      .object({ start: address, length: address })
      .strict()
      .optional()
      .describe('{ start, length } of its interval notifier (default: the whole address space)'),
    maxRetries: z
      .union([z.number().int().positive(), z.literal('unbounded')])
      .optional()
      .describe("the driver's read_begin restarts before it gives up with -EBUSY (default 8), or 'unbounded'"),
    bugs: z
      .array(z.string())
      .default([])
      .describe(
        'planted bugs of the built-in drivers: retry-outside-lock, missing-set-seq, sleep-when-nonblockable, no-pin',
      ),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("passed to the driver's input (pin, submitLockMode, submitLockIntr, a custom driver's knobs)"),
    completion: completion.default({}),
    /** Whether the driver inserts its subscription at start (dmirror does it at open). */
    subscribe: z
      .boolean()
      .default(true)
      .describe('insert the subscription at set-up; false leaves it to a `subscribe` op'),
  })
  .strict()
  .describe('a device and its driver');

const fence = z
  .object({
    context: z.number().int().nonnegative().default(1).describe('the dma_fence context'),
    seqno: z.number().int().default(1).describe('the sequence number within its context'),
  })
  .strict()
  .describe('a dma_fence');

/** One operation of a thread: a single-key map `{ verb: args }`; args are checked per verb by the compiler. */
const operation = z
  .record(z.string(), z.unknown())
  .refine((o) => Object.keys(o).length === 1, {
    message: 'an operation is a map with exactly one verb, e.g. `- munmap: { addr: 0x1000, length: 0x1000 }`',
  })
  // The refinement in JSON Schema terms, for the generated schema (src/scenario/json-schema.ts).
  .meta({
    id: 'operation',
    description: 'one operation: a map with exactly one verb, `{ verb: args }`',
    minProperties: 1,
    maxProperties: 1,
  });

const thread = z
  .object({
    process: z.string().optional().describe("the default process of the thread's ops"),
    ops: z.array(operation).min(1).describe('the operations, run in order, each waiting for its reply'),
    /** `forever`: the ops start over after the last one (invalidations that keep recurring). */
    loop: z
      .literal('forever', {
        message:
          "loop takes only 'forever' (the ops run again and again); for a fixed count use `- repeat: { times: N, ops: [...] }`",
      })
      .optional()
      .describe("'forever': the ops start over after the last one"),
  })
  .strict()
  .describe('a thread of operations');

/**
 * `environment:` what the scenario's environment breaks by design, apart from any driver
 * (`check --driver` reports those violations as environment findings, not as the driver's;
 * src/check/charge.ts). One entry per planted environment fault: the property kinds it
 * breaks, the actors at fault (devices, threads, processes' mm, fences: never a driver),
 * and why, in words.
 *
 * @internal A zod schema, the source of `EnvironmentFault`; the format is documented by the
 * JSON Schema (schema/scenario.schema.json) and docs/scenarios.md, so the API reference leaves
 * it out (typedoc.json `intentionallyNotExported`).
 */
const environmentFault = z
  .object({
    kinds: z.array(z.enum(PROPERTY_KINDS)).min(1),
    actors: z
      .array(
        z
          .string()
          .regex(
            /^(mm|core|sub|lock|dev|fence|thread):[^:]+$/,
            'name an actor at fault by its id, e.g. dev:gpuA or thread:cpu (a driver drv:<device> is what check --driver tests, never the environment)',
          ),
      )
      .min(1),
    why: z.string().min(1).describe('why the environment breaks it, in words'),
  })
  .strict()
  .describe('a thread of operations');

/**
 * The scenario file's format as a zod schema: what {@link parseScenario} validates against.
 *
 * @internal The source of `Scenario`; the format is documented by the JSON Schema
 * (schema/scenario.schema.json, `mirrorlab schema`) and docs/scenarios.md, so the API reference
 * leaves it out (typedoc.json `intentionallyNotExported`).
 */
export const scenarioSchema = z
  .object({
    name: z.string().optional().describe('the scenario name shown in reports (default: the file name)'),
    description: z.string().optional().describe('prose: what the scenario shows'),
    source: z.string().optional().describe('where the case comes from (a seed thread, a kernel source file)'),
    /** Knobs with their defaults (see expand.ts); `--param name=value` overrides them. */
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('knobs with their defaults; `--param name=value` overrides them'),
    /**
     * Named param sets the scenario is meant to be run with (e.g. a conformance test's
     * device-private and device-coherent variants): `mirrorlab conformance` runs each.
     */
    variants: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe('named param sets the scenario is run with by `mirrorlab conformance`'),
    /** The kernel behaviour the scenario expects (machines/mm/kernel-version.ts). */
    kernel: z
      .enum([...KERNEL_VERSIONS, ...KERNEL_VERSIONS.map((v) => `>=${v}`)])
      .default('>=v6.12')
      .describe(
        "the kernel versions whose behaviour the scenario expects: v6.12, upstream, or '>=v6.12' (default: every version)",
      ),
    pageSize: z.number().int().positive().default(4096).describe('bytes per page'),
    wordsPerPage: z.number().int().positive().default(1).describe('ints of content modelled per page'),
    processes: z
      .record(z.string(), process)
      .describe('the processes, by name: their mappings and words, set up before the run'),
    devices: z.record(z.string(), device).default({}).describe('the devices, by name, each with its driver'),
    fences: z.record(z.string(), fence).default({}).describe('the dma_fences, by name'),
    threads: z
      .record(z.string(), thread)
      .describe('the threads, by name, whose operations race: every interleaving is explored'),
    environment: z
      .array(environmentFault)
      .default([])
      .describe('faults the environment has by design, reported apart from the driver by check --driver'),
    expect: z
      .object({
        violations: z
          .array(z.enum(PROPERTY_KINDS))
          .default([])
          .describe('the properties the check must find broken (exactly these); [] for a scenario that must pass'),
        observations: z
          .array(z.enum(PROPERTY_KINDS))
          .default([])
          .describe('allowed-but-reported findings that must be seen (e.g. stale-data)'),
      })
      .strict()
      .default({ violations: [], observations: [] })
      .describe('what the check should find'),
    check: z
      .object({
        strategy: z.enum(['bfs', 'dfs', 'random', 'pct', 'swarm']).optional().describe('search strategy'),
        maxDepth: z.number().int().positive().optional().describe('deepest schedule to explore'),
        maxStates: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(`stop after this many states (default ${DEFAULT_MAX_STATES}; --max-states overrides it)`),
        schedules: z.number().int().positive().optional().describe('schedules for random, pct and swarm'),
        /** A random or pct run that finds nothing counts as a pass here (src/check/verdict.ts). */
        acceptSampling: z
          .boolean()
          .optional()
          .describe('a random or pct run that finds nothing counts as a pass (otherwise it is inconclusive)'),
      })
      .strict()
      .default({})
      .describe('defaults for `mirrorlab check`'),
  })
  .strict();

/**
 * A scenario document as validated (defaults filled in): processes and their mappings, devices and
 * drivers, threads and their ops, and what the checker should `expect:`. See
 * docs/scenario-format.md.
 *
 * @example
 * ```ts
 * import { loadScenario, type Scenario } from 'mirrorlab';
 *
 * const scenario: Scenario = loadScenario('scenarios/seeds/missing-set-seq.yaml').scenario;
 * scenario.name ?? 'missing-set-seq'; // the name shown in reports
 * ```
 */
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioDevice = z.infer<typeof device>;
/**
 * One entry of a scenario's `environment:` list: violations of these `kinds` that one of these
 * `actors` causes by design, and why. Under `check --driver` they are environment findings, not the
 * driver's.
 *
 * @example
 * ```ts
 * import type { EnvironmentFault } from 'mirrorlab';
 *
 * const fault: EnvironmentFault = {
 *   kinds: ['deadlock', 'fence-unsignaled'],
 *   actors: ['dev:gpuA'],
 *   why: "device A's fence-signalling path allocates memory, which can reclaim into B's notifier",
 * };
 * ```
 */
export type EnvironmentFault = z.infer<typeof environmentFault>;
export type ScenarioOp = Record<string, unknown>;
export { errno as errnoSchema };
