/**
 * The scenario language: processes and their mappings, devices with their drivers, fences,
 * threads of operations, and what the check should find. docs/scenarios.md describes it for
 * users; this file is the one definition the loader validates against.
 */
import { z } from 'zod';

const address = z.union([z.number().int().nonnegative(), z.string().regex(/^0x[0-9a-fA-F]+$/)]).transform(Number);
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
  'unhandled-event',
  'model-error',
  'expectation',
] as const;
export type PropertyKind = (typeof PROPERTY_KINDS)[number];

const vma = z
  .object({
    addr: address,
    length: address,
    prot: z.enum(['none', 'r', 'rw']).default('rw'),
    type: z.enum(['private-anon', 'shared-anon', 'private-file', 'shared-file']).default('private-anon'),
    file: z.string().optional(),
    hugetlb: z.boolean().default(false),
  })
  .strict();

const process = z
  .object({
    vmas: z.array(vma).default([]),
    /** Words written before the run: `{ addr, value }` or a range with a pattern. */
    populate: z
      .array(
        z.object({ addr: address, value: z.number().int().default(0), count: z.number().int().positive().default(1) }),
      )
      .default([]),
    /** A process created by `fork` of another during the run. */
    forkedFrom: z.string().optional(),
  })
  .strict();

const completion = z
  .object({
    takesLock: z.string().optional(),
    allocates: z.object({ process: z.string(), addr: address }).strict().optional(),
  })
  .strict();

const device = z
  .object({
    /** A built-in profile name, or a path (relative to the scenario file) to a custom driver module. */
    driver: z.string(),
    process: z.string(),
    lock: z.enum(['mutex', 'spinlock', 'rwsem']).default('mutex'),
    subscription: z.object({ start: address, length: address }).strict().optional(),
    maxRetries: z.number().int().positive().optional(),
    bugs: z.array(z.string()).default([]),
    options: z.record(z.string(), z.unknown()).default({}),
    completion: completion.default({}),
    /** Whether the driver inserts its subscription at start (dmirror does it at open). */
    subscribe: z.boolean().default(true),
  })
  .strict();

const fence = z
  .object({ context: z.number().int().nonnegative().default(1), seqno: z.number().int().default(1) })
  .strict();

/** One operation of a thread: a single-key map `{ verb: args }`; args are checked per verb by the compiler. */
const operation = z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length === 1, {
  message: 'an operation is a map with exactly one verb, e.g. `- munmap: { addr: 0x1000, length: 0x1000 }`',
});

const thread = z
  .object({
    process: z.string().optional(),
    ops: z.array(operation).min(1),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    source: z.string().optional(),
    /** Knobs with their defaults (see expand.ts); `--param name=value` overrides them. */
    params: z.record(z.string(), z.unknown()).default({}),
    /**
     * Named param sets the scenario is meant to be run with (e.g. a conformance test's
     * device-private and device-coherent variants): `mirrorlab conformance` runs each.
     */
    variants: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    pageSize: z.number().int().positive().default(4096),
    wordsPerPage: z.number().int().positive().default(1),
    processes: z.record(z.string(), process),
    devices: z.record(z.string(), device).default({}),
    fences: z.record(z.string(), fence).default({}),
    threads: z.record(z.string(), thread),
    expect: z
      .object({
        violations: z.array(z.enum(PROPERTY_KINDS)).default([]),
        observations: z.array(z.enum(PROPERTY_KINDS)).default([]),
      })
      .strict()
      .default({ violations: [], observations: [] }),
    check: z
      .object({
        strategy: z.enum(['bfs', 'dfs', 'random', 'pct', 'swarm']).optional(),
        maxDepth: z.number().int().positive().optional(),
        maxStates: z.number().int().positive().optional(),
        schedules: z.number().int().positive().optional(),
        /** A random or pct run that finds nothing counts as a pass here (src/check/verdict.ts). */
        acceptSampling: z.boolean().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioDevice = z.infer<typeof device>;
export type ScenarioOp = Record<string, unknown>;
export { errno as errnoSchema };
