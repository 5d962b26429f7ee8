/**
 * The scenario language as a JSON Schema, for YAML editors (yaml-language-server, the VS Code
 * YAML extension): `mirrorlab schema` prints it, `npm run schema` writes the shipped copy
 * (schema/scenario.schema.json), and the bundled scenarios name it in their first line.
 *
 * The schema is generated from the zod schema (schema.ts) with zod's own `z.toJSONSchema`, on
 * the input side (what a file may say before defaults and transforms apply). The zod schema
 * checks a scenario after expand.ts has applied params, replicas and repeats, while an editor
 * sees the file as written, so four things are added here to describe the file as written:
 *   - a param reference (`'${name}'`) is allowed wherever a number, a boolean, a list or a
 *     constrained string goes (a string containing one where a hex address, an errno or an enum
 *     goes, since it is replaced as text there);
 *   - a device, fence or thread whose name contains `${i}` may have `replicas`;
 *   - an operation (the zod schema's definition with id 'operation') names one of the verbs of
 *     operations.ts (or `repeat`), each with its arguments for completion (their values are
 *     checked by the compiler, not here);
 *   - a title, and a note that the file is generated.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is the scenario language's param syntax, in plain strings
import { z } from 'zod';
import { VERB_NAMES } from './operations.ts';
import { errnoSchema, scenarioSchema } from './schema.ts';

/** Untyped JSON: a JSON Schema object. */
export type JsonSchema = { [keyword: string]: any };

/** Where the shipped copy lives, relative to the package root. */
export const SCENARIO_SCHEMA_FILE = 'schema/scenario.schema.json';

/** A string that is exactly one param reference: it becomes the param's value (expand.ts). */
const WHOLE_PARAM = { type: 'string', pattern: '^\\$\\{\\w+\\}$', description: "a param: '${name}'" };
/** A string with a param reference inside: it is replaced as text (expand.ts). */
const PARAM_IN_TEXT = { type: 'string', pattern: '\\$\\{\\w+\\}', description: "text with a param: '…${name}…'" };

const ANNOTATIONS = ['description', 'default', 'title'];

function annotationsOf(s: JsonSchema): [JsonSchema, JsonSchema] {
  const outer: JsonSchema = {};
  const inner: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) (ANNOTATIONS.includes(k) ? outer : inner)[k] = v;
  return [outer, inner];
}

/** Map a function over the subschemas of `s` that describe values (not over `properties` itself). */
function mapSubschemas(s: JsonSchema, f: (sub: JsonSchema) => JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  for (const key of ['properties', 'patternProperties', 'definitions']) {
    if (out[key]) out[key] = Object.fromEntries(Object.entries(out[key] as JsonSchema).map(([k, v]) => [k, f(v)]));
  }
  for (const key of ['additionalProperties', 'items']) {
    if (out[key] && typeof out[key] === 'object') out[key] = f(out[key]);
  }
  return out;
}

/** Values that expand.ts reads as written, before params are substituted: `allowParams` leaves them. */
const AS_WRITTEN = new WeakSet<JsonSchema>();

function asWritten(s: JsonSchema): JsonSchema {
  AS_WRITTEN.add(s);
  return s;
}

/** Allow a param reference at every value that is not an object, an unconstrained string or anything. */
function allowParams(s: JsonSchema): JsonSchema {
  if (s.$ref || AS_WRITTEN.has(s)) return s;
  if (s.anyOf) {
    // A union of scalars (an address, an errno): a param may also be part of its text.
    return { ...s, anyOf: [...s.anyOf, PARAM_IN_TEXT] };
  }
  const inner = mapSubschemas(s, allowParams);
  const type = inner.type;
  const isObject = type === 'object' || (Array.isArray(type) && type.includes('object'));
  if (type === undefined || isObject || (type === 'string' && !inner.enum && !inner.pattern)) return inner;
  const [outer, rest] = annotationsOf(inner);
  return { ...outer, anyOf: [rest, type === 'string' ? PARAM_IN_TEXT : WHOLE_PARAM] };
}

/** A whole number, written as a number, a string of digits or a param (what `Number(...)` in expand.ts takes). */
const COUNT = {
  anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+$' }, WHOLE_PARAM],
};

/** `replicas` of a device, fence or thread named with `${i}` (expand.ts). */
function withReplicas(s: JsonSchema): JsonSchema {
  return {
    ...s,
    properties: {
      ...s.properties,
      replicas: asWritten({
        ...COUNT,
        default: 1,
        description: "how many copies this entry stands for, '${i}' being 0..N-1 in each",
      }),
    },
  };
}

type VerbDoc = [description: string, args: Record<string, string>];

const MM_PROCESS = { process: "the process (default: the thread's process, or the only one)" };
const RANGE = { addr: 'start address (a number or 0x…)', length: 'length in bytes' };
const DEVICE = { device: 'the device (a name under devices:)' };
const FENCE = { fence: 'the fence (a name under fences:)' };
const JOB = {
  job: 'the job name (default: job)',
  accesses: 'the device accesses: [{ addr, write }]',
  after: 'fences the job waits for first: [name, ...]',
};
const DMIRROR = { ...DEVICE, data: 'a buffer: a list of numbers or a pattern ({ count, const, scale, add } segments)' };
const WORDS = { ...MM_PROCESS, addr: 'the first word', count: 'how many words' };
const PATTERN = {
  value: 'write this value everywhere',
  scale: '1 or -1: word i gets scale * i + add',
  add: 'see scale',
};

/** What each verb does and the arguments it reads (operations.ts; docs/scenarios.md, "Operations"). */
const VERBS: Record<string, VerbDoc> = {
  mmap: [
    'mm.mmap: map a range',
    {
      ...MM_PROCESS,
      ...RANGE,
      prot: 'none, r or rw (default rw)',
      type: 'private-anon (default), shared-anon, private-file, shared-file',
      file: 'the file of a file mapping',
      hugetlb: 'a hugetlbfs mapping',
      insertPages: 'map the pages at once',
    },
  ],
  munmap: ['mm.munmap: unmap a range (UNMAP invalidation)', { ...MM_PROCESS, ...RANGE }],
  mremap: [
    'mm.mremap: resize or move a mapping (UNMAP over the old range when it moves)',
    {
      ...MM_PROCESS,
      addr: 'the old address',
      oldLength: 'old length in bytes',
      newLength: 'new length in bytes',
      flags: 'a list of MAYMOVE, FIXED, DONTUNMAP',
      newAddr: 'the target of FIXED',
    },
  ],
  mprotect: ['mm.mprotect: change protection (PROTECTION_VMA)', { ...MM_PROCESS, ...RANGE, prot: 'none, r or rw' }],
  madvise: [
    'mm.madvise (CLEAR for DONTNEED and FREE)',
    { ...MM_PROCESS, ...RANGE, advice: 'DONTNEED, FREE, HUGEPAGE, NOHUGEPAGE or COLLAPSE' },
  ],
  read: [
    'mm.read: a CPU read (faults, COW, migrates back); expect.value checks the word',
    { ...MM_PROCESS, addr: 'the address' },
  ],
  write: ['mm.write: a CPU write', { ...MM_PROCESS, addr: 'the address', value: 'the value written' }],
  fork: ['mm.fork (PROTECTION_PAGE on the parent)', { ...MM_PROCESS, child: 'a process with forkedFrom' }],
  exit: [
    'mm.exit: the process exits (RELEASE, then UNMAP)',
    { ...MM_PROCESS, status: 'the exit code waitpid reports (default 0)' },
  ],
  kill: [
    'mm.exit of a process killed by a signal (what waitpid then reports)',
    { ...MM_PROCESS, signal: 'the signal name, e.g. SIGTERM' },
  ],
  waitpid: [
    'mm.waitpid: sleep until the process is gone; expect.status or expect.signal checks how it ended',
    MM_PROCESS,
  ],
  fillBuffer: [
    "the thread fills its own buffer (no request): the selftests' mirror buffer",
    { buffer: 'the buffer name', count: 'words', data: 'a pattern ({ count, const, scale, add } segments)' },
  ],
  checkBuffer: ['the thread checks its own buffer against expect.data (no request)', { buffer: 'the buffer name' }],
  oomReap: ['mm.oomReap: the OOM reaper (non-blockable UNMAP per VMA)', MM_PROCESS],
  reclaim: ['mm.reclaim: the page goes to swap (CLEAR)', { ...MM_PROCESS, addr: 'the address' }],
  fault: [
    'drv.fault: a device fault handled by the driver',
    { ...DEVICE, addr: 'the faulting address', length: 'bytes (default 4096)', write: 'a write fault (default false)' },
  ],
  job: ['dev.submit: the device runs a job and signals its fence at the end', { ...DEVICE, ...FENCE, ...JOB }],
  submit: [
    'drv.submit: a userptr submission (pages, lock, read_retry, publish the fence, run the job)',
    {
      ...DEVICE,
      ...FENCE,
      ...JOB,
      addr: 'start of the user range',
      length: 'bytes (default 4096)',
      write: 'default true',
    },
  ],
  signal: [
    'fence.signal on a fence, or a signal to another thread (kill(2))',
    { ...FENCE, thread: 'the thread to signal (instead of fence)', fatal: 'true = SIGKILL (default false)' },
  ],
  wait: [
    'fence.wait',
    { ...FENCE, timeout: 'steps before -ETIME (default: forever)', intr: 'an interruptible wait (default false)' },
  ],
  subscribe: ["core.insert of the device's subscription", DEVICE],
  unsubscribe: ["core.remove of the device's subscription", DEVICE],
  open: ['dmirror: open the device file', DMIRROR],
  close: ['dmirror: close the device file', DMIRROR],
  ioctl: [
    'dmirror: an ioctl (docs/conformance.md)',
    {
      ...DMIRROR,
      cmd: 'READ, WRITE, MIGRATE_TO_DEV, ..., FLAGS (not OPEN or CLOSE)',
      addr: 'start address',
      npages: 'pages (FLAGS: the flags word)',
      flags: 'FLAGS only: the flags word as a list, [FAIL_ALLOC]',
      buffer: "the caller's buffer: WRITE reads it, the others fill it on success",
    },
  ],
  writeWords: ['mm.writeRange: CPU writes to a run of words', { ...WORDS, ...PATTERN }],
  readWords: ['mm.readRange: CPU reads of a run of words', WORDS],
  incrementWords: ['mm.incrementRange: add delta to a run of words', { ...WORDS, delta: 'default 1' }],
  pwrite: [
    'mm.pwrite: write(2) to a file',
    { ...MM_PROCESS, file: 'the file', offset: 'word offset (default 0)', count: 'words', ...PATTERN },
  ],
  pread: [
    'mm.pread: read(2) from a file',
    { ...MM_PROCESS, file: 'the file', offset: 'word offset (default 0)', count: 'words' },
  ],
  gup: [
    'mm.pin: get_user_pages, released at once',
    { ...MM_PROCESS, ...RANGE, write: 'default true', longterm: 'FOLL_LONGTERM (default false)' },
  ],
  send: [
    'any protocol message (docs/protocol.md)',
    {
      to: 'an actor id, e.g. drv:gpu0',
      event: '{ type: ..., ... }',
      reply: 'the reply event type to wait for, or none',
    },
  ],
};

function expectSchema(): JsonSchema {
  const { $schema: _, ...errno } = z.toJSONSchema(errnoSchema, { io: 'input', target: 'draft-07' }) as JsonSchema;
  return {
    type: 'object',
    description: 'what the op must return; a mismatch is recorded by the thread',
    properties: {
      result: { ...errno, description: 'the result: a number or an errno name (-EAGAIN, EFAULT)' },
      value: { description: 'the value read' },
      cpages: { type: 'number', description: 'dmirror: the cpages counter after the reply' },
      faults: { type: 'number', description: 'dmirror: the faults counter after the reply' },
      data: { description: 'dmirror: a buffer pattern the reply must match' },
      acceptErrors: {
        type: 'boolean',
        description: 'a negative result is accepted; the other checks apply to a success',
      },
      buffer: { description: "a pattern the op's caller buffer must match afterwards, after a success or a failure" },
      status: { type: 'number', description: 'waitpid: the child exited with this status' },
      signal: { type: 'string', description: 'waitpid: the child was killed by this signal (e.g. SIGTERM)' },
    },
  };
}

/** The verbs as the properties of an operation, plus `repeat` (expand.ts). */
function operationSchema(op: JsonSchema): JsonSchema {
  const expect = { $ref: '#/definitions/expect' };
  const verbs: JsonSchema = {};
  for (const verb of VERB_NAMES) {
    const [description, args] = VERBS[verb] ?? ['', {}];
    verbs[verb] = {
      type: ['object', 'null'],
      ...(description ? { description } : {}),
      properties: {
        ...Object.fromEntries(Object.entries(args).map(([k, d]) => [k, { description: d }])),
        label: { type: 'string', description: 'the name shown for the op (default: the verb)' },
        expect,
      },
    };
  }
  verbs.repeat = {
    type: 'object',
    description: "the ops `times` times over; with `as: c`, '${c}' is 0..times-1 in each copy",
    properties: {
      times: asWritten({ ...COUNT, description: 'how many times' }),
      as: asWritten({ type: 'string', pattern: '^\\w+$', description: 'the name of the loop index (not a param)' }),
      ops: asWritten({ type: 'array', items: { $ref: '#/definitions/operation' }, description: 'the ops repeated' }),
    },
    required: ['times', 'ops'],
    additionalProperties: false,
  };
  const { propertyNames: _, additionalProperties: __, ...rest } = op;
  return { ...rest, properties: verbs, additionalProperties: false };
}

/** The scenario language as a JSON Schema (draft-07, which every YAML editor reads). */
export function scenarioJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-07' }) as JsonSchema;
  const { $schema, ...body } = generated;
  const props = body.properties as JsonSchema;

  // zod makes the operation (its `id` is 'operation') a definition that threads refer to.
  const definitions = body.definitions as JsonSchema | undefined;
  if (!definitions?.operation) throw new Error("json-schema.ts: the zod schema has no 'operation' definition");
  definitions.operation = operationSchema(definitions.operation);
  definitions.expect = expectSchema();

  for (const section of ['devices', 'fences', 'threads']) {
    const record = props[section] as JsonSchema | undefined;
    if (!record?.additionalProperties) throw new Error(`json-schema.ts: the zod schema has no record '${section}'`);
    record.patternProperties = { '\\$\\{i\\}': withReplicas(record.additionalProperties) };
  }

  const withParams = allowParams(body);
  return {
    $schema,
    $comment: 'Generated from src/scenario/schema.ts by `mirrorlab schema` (npm run schema): do not edit.',
    title: 'mirrorlab scenario',
    description: 'A mirrorlab scenario (docs/scenarios.md)',
    ...withParams,
  };
}

/** The schema as the shipped file holds it. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
