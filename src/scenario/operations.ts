/**
 * Thread operations of the scenario language → protocol requests (docs/protocol.md).
 * Each verb checks its own arguments, so a typo is reported at the operation that has it.
 */

import { parsePattern } from '../../machines/dmirror/buffer-pattern.ts';
import { DMIRROR_COMMANDS, DMIRROR_FLAG_FAIL_ALLOC } from '../../machines/dmirror/dmirror-types.ts';
import { parseErrno } from '../../machines/errno.ts';
import type { ThreadOp } from '../../machines/thread.machine.ts';
import { ScenarioError } from './parse.ts';

export interface OpContext {
  /** The thread's default process. */
  process?: string;
  processes: string[];
  devices: string[];
  fences: string[];
  /** The scenario's threads, and the one this op belongs to (absent at set-up). */
  threads?: string[];
  thread?: string;
  /** `file:line:col` of this op, for errors. */
  where: string;
}

type Args = Record<string, unknown>;

function num(args: Args, key: string, ctx: OpContext, fallback?: number): number {
  const v = args[key] ?? fallback;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v)) return Number(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw new ScenarioError(`${ctx.where}: '${key}' must be a number or a 0x… address (got ${JSON.stringify(v)})`);
}

function bool(args: Args, key: string, fallback: boolean): boolean {
  const v = args[key];
  return typeof v === 'boolean' ? v : fallback;
}

function pick(name: string, kind: string, list: string[], ctx: OpContext): string {
  if (!list.includes(name)) {
    throw new ScenarioError(
      `${ctx.where}: no ${kind} '${name}' in this scenario (declared: ${list.join(', ') || 'none'})`,
    );
  }
  return name;
}

function processOf(args: Args, ctx: OpContext): string {
  const p =
    (args.process as string | undefined) ?? ctx.process ?? (ctx.processes.length === 1 ? ctx.processes[0] : undefined);
  if (!p) throw new ScenarioError(`${ctx.where}: say which process: add 'process: <name>' to the op or the thread`);
  return `mm:${pick(p, 'process', ctx.processes, ctx)}`;
}

function deviceOf(args: Args, ctx: OpContext): string {
  const d = args.device as string | undefined;
  if (!d) throw new ScenarioError(`${ctx.where}: say which device: add 'device: <name>'`);
  return pick(d, 'device', ctx.devices, ctx);
}

function fenceOf(args: Args, ctx: OpContext): string {
  const f = args.fence as string | undefined;
  if (!f) throw new ScenarioError(`${ctx.where}: say which fence: add 'fence: <name>'`);
  return `fence:${pick(f, 'fence', ctx.fences, ctx)}`;
}

function protOf(args: Args, ctx: OpContext): { read: boolean; write: boolean } {
  const prot = (args.prot as string | undefined) ?? 'rw';
  if (!['none', 'r', 'rw'].includes(prot)) throw new ScenarioError(`${ctx.where}: 'prot' is one of none, r, rw`);
  return { read: prot !== 'none', write: prot === 'rw' };
}

const MAPPING_TYPES: Record<string, { shared: boolean; backing: 'anon' | 'file' }> = {
  'private-anon': { shared: false, backing: 'anon' },
  'shared-anon': { shared: true, backing: 'anon' },
  'private-file': { shared: false, backing: 'file' },
  'shared-file': { shared: true, backing: 'file' },
};

/** The verbs, each building one request. */
const VERBS: Record<string, (a: Args, ctx: OpContext) => Omit<ThreadOp, 'expect' | 'label'>> = {
  mmap: (a, ctx) => {
    const type = (a.type as string | undefined) ?? 'private-anon';
    const m = MAPPING_TYPES[type];
    if (!m) throw new ScenarioError(`${ctx.where}: 'type' is one of ${Object.keys(MAPPING_TYPES).join(', ')}`);
    return {
      to: processOf(a, ctx),
      event: {
        type: 'mm.mmap',
        addr: num(a, 'addr', ctx),
        length: num(a, 'length', ctx),
        ...protOf(a, ctx),
        ...m,
        file: a.file as string | undefined,
        hugetlb: bool(a, 'hugetlb', false),
        ...(a.insertPages ? { insertPages: true } : {}),
      },
    };
  },
  munmap: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.munmap', addr: num(a, 'addr', ctx), length: num(a, 'length', ctx) },
  }),
  mremap: (a, ctx) => {
    const flags = mremapFlags(a, ctx);
    return {
      to: processOf(a, ctx),
      event: {
        type: 'mm.mremap',
        addr: num(a, 'addr', ctx),
        oldLength: num(a, 'oldLength', ctx),
        newLength: num(a, 'newLength', ctx),
        mayMove: flags.includes('MAYMOVE'),
        fixed: flags.includes('FIXED'),
        dontUnmap: flags.includes('DONTUNMAP'),
        ...(a.newAddr !== undefined ? { newAddr: num(a, 'newAddr', ctx) } : {}),
      },
    };
  },
  mprotect: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.mprotect', addr: num(a, 'addr', ctx), length: num(a, 'length', ctx), ...protOf(a, ctx) },
  }),
  madvise: (a, ctx) => {
    const advice = String(a.advice ?? '').toUpperCase();
    if (!['DONTNEED', 'FREE', 'HUGEPAGE', 'NOHUGEPAGE', 'COLLAPSE'].includes(advice)) {
      throw new ScenarioError(`${ctx.where}: 'advice' is one of DONTNEED, FREE, HUGEPAGE, NOHUGEPAGE, COLLAPSE`);
    }
    return {
      to: processOf(a, ctx),
      event: { type: 'mm.madvise', addr: num(a, 'addr', ctx), length: num(a, 'length', ctx), advice },
    };
  },
  read: (a, ctx) => ({ to: processOf(a, ctx), event: { type: 'mm.read', addr: num(a, 'addr', ctx) } }),
  write: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.write', addr: num(a, 'addr', ctx), value: num(a, 'value', ctx) },
  }),
  fork: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.fork', child: `mm:${pick(String(a.child), 'process', ctx.processes, ctx)}` },
  }),
  exit: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.exit', ...(a.status !== undefined ? { status: exitStatusOf(a, ctx) } : {}) },
  }),
  kill: (a, ctx) => ({ to: processOf(a, ctx), event: { type: 'mm.exit', signal: signalNameOf(a, ctx) } }),
  waitpid: (a, ctx) => ({ to: processOf(a, ctx), event: { type: 'mm.waitpid' } }),
  fillBuffer: (a, ctx) => ({
    ...localOp(ctx),
    local: {
      kind: 'fill',
      name: bufferName(a, ctx),
      count: num(a, 'count', ctx),
      pattern: patternArg(a.data, 'data', ctx),
    },
  }),
  checkBuffer: (a, ctx) => {
    bufferName(a, ctx);
    return { ...localOp(ctx), local: { kind: 'check' } };
  },
  oomReap: (a, ctx) => ({ to: processOf(a, ctx), event: { type: 'mm.oomReap' } }),
  reclaim: (a, ctx) => ({ to: processOf(a, ctx), event: { type: 'mm.reclaim', addr: num(a, 'addr', ctx) } }),
  fault: (a, ctx) => {
    const d = deviceOf(a, ctx);
    const start = num(a, 'addr', ctx);
    return {
      to: `drv:${d}`,
      event: { type: 'drv.fault', start, end: start + num(a, 'length', ctx, 4096), write: bool(a, 'write', false) },
    };
  },
  job: (a, ctx) => {
    const d = deviceOf(a, ctx);
    return {
      to: `dev:${d}`,
      event: {
        type: 'dev.submit',
        job: String(a.job ?? 'job'),
        fence: fenceOf(a, ctx),
        accesses: accessesOf(a, ctx),
        ...(a.after ? { deps: depsOf(a, ctx) } : {}),
      },
    };
  },
  submit: (a, ctx) => {
    const d = deviceOf(a, ctx);
    const start = num(a, 'addr', ctx);
    return {
      to: `drv:${d}`,
      event: {
        type: 'drv.submit',
        job: String(a.job ?? 'job'),
        fence: fenceOf(a, ctx),
        start,
        end: start + num(a, 'length', ctx, 4096),
        write: bool(a, 'write', true),
        accesses: accessesOf(a, ctx),
        ...(a.after ? { deps: depsOf(a, ctx) } : {}),
      },
    };
  },
  signal: (a, ctx) => (a.thread === undefined ? signalFence(a, ctx) : signalThread(a, ctx)),
  wait: (a, ctx) => ({
    to: fenceOf(a, ctx),
    event: {
      type: 'fence.wait',
      intr: bool(a, 'intr', false),
      timeout: a.timeout === undefined ? 'forever' : num(a, 'timeout', ctx),
    },
  }),
  subscribe: (a, ctx) => {
    const d = deviceOf(a, ctx);
    return { to: `core:${processNameOfDevice(a, ctx)}`, event: { type: 'core.insert', sub: `sub:${d}` } };
  },
  unsubscribe: (a, ctx) => {
    const d = deviceOf(a, ctx);
    return { to: `core:${processNameOfDevice(a, ctx)}`, event: { type: 'core.remove', sub: `sub:${d}` } };
  },
  // ---- the dmirror test device and the selftests' memory accesses (docs/conformance.md) ----
  open: (a, ctx) => dmirrorCmd(a, ctx, 'OPEN'),
  close: (a, ctx) => dmirrorCmd(a, ctx, 'CLOSE'),
  ioctl: (a, ctx) => {
    const cmd = String(a.cmd ?? '').toUpperCase();
    if (!DMIRROR_COMMANDS.includes(cmd as never) || cmd === 'OPEN' || cmd === 'CLOSE') {
      throw new ScenarioError(
        `${ctx.where}: 'cmd' is one of ${DMIRROR_COMMANDS.filter((c) => c !== 'OPEN' && c !== 'CLOSE').join(', ')}`,
      );
    }
    const built = dmirrorCmd(cmd === 'FLAGS' ? withFlagsWord(a, ctx) : a, ctx, cmd);
    if (a.buffer === undefined) return built;
    if (a.data !== undefined)
      throw new ScenarioError(`${ctx.where}: give either 'data' or 'buffer' (the WRITE reads the buffer), not both`);
    // WRITE copies the caller's buffer in; every other command fills it (READ, SNAPSHOT, ...).
    return { ...built, buffer: { name: bufferName(a, ctx), direction: cmd === 'WRITE' ? 'in' : 'out' } };
  },
  writeWords: (a, ctx) => ({
    to: processOf(a, ctx),
    event: {
      type: 'mm.writeRange',
      addr: num(a, 'addr', ctx),
      count: num(a, 'count', ctx),
      pattern: wordPattern(a, ctx),
    },
  }),
  readWords: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.readRange', addr: num(a, 'addr', ctx), count: num(a, 'count', ctx) },
  }),
  incrementWords: (a, ctx) => ({
    to: processOf(a, ctx),
    event: {
      type: 'mm.incrementRange',
      addr: num(a, 'addr', ctx),
      count: num(a, 'count', ctx),
      delta: num(a, 'delta', ctx, 1),
    },
  }),
  pwrite: (a, ctx) => ({
    to: processOf(a, ctx),
    event: {
      type: 'mm.pwrite',
      file: fileOf(a, ctx),
      offset: num(a, 'offset', ctx, 0),
      count: num(a, 'count', ctx),
      pattern: wordPattern(a, ctx),
    },
  }),
  pread: (a, ctx) => ({
    to: processOf(a, ctx),
    event: { type: 'mm.pread', file: fileOf(a, ctx), offset: num(a, 'offset', ctx, 0), count: num(a, 'count', ctx) },
  }),
  gup: (a, ctx) => ({
    to: processOf(a, ctx),
    event: {
      type: 'mm.pin',
      addr: num(a, 'addr', ctx),
      length: num(a, 'length', ctx, 4096),
      write: bool(a, 'write', true),
      longterm: bool(a, 'longterm', false),
      release: true,
    },
  }),
  send: (a, ctx) => {
    if (typeof a.to !== 'string' || typeof a.event !== 'object' || !a.event) {
      throw new ScenarioError(`${ctx.where}: 'send' takes { to: <actor id>, event: { type: ... } }`);
    }
    const ids = actorIds(ctx);
    if (!ids.includes(a.to)) {
      throw new ScenarioError(
        `${ctx.where}: 'send' to '${a.to}', which is not an actor of this scenario: use one of ${ids.join(', ')}`,
      );
    }
    return { to: a.to, event: a.event as ThreadOp['event'], reply: a.reply as string | undefined };
  },
};

/** Every actor id a scenario has (compile.ts builds the actors under these ids). */
function actorIds(ctx: OpContext): string[] {
  return [
    ...ctx.processes.flatMap((p) => [`mm:${p}`, `core:${p}`]),
    ...ctx.devices.flatMap((d) => [`lock:${d}`, `sub:${d}`, `dev:${d}`, `drv:${d}`]),
    ...ctx.fences.map((f) => `fence:${f}`),
    ...(ctx.threads ?? []).map((t) => `thread:${t}`),
  ];
}

/** `signal: { fence }`: dma_fence_signal. */
function signalFence(a: Args, ctx: OpContext): Omit<ThreadOp, 'expect' | 'label'> {
  return { to: fenceOf(a, ctx), event: { type: 'fence.signal' } };
}

/**
 * `signal: { thread, fatal }`: send a signal to another thread (kill(2); fatal = SIGKILL). It does
 * not wait: the signal lands whenever the target thread's actor takes it (docs/scenarios.md).
 */
function signalThread(a: Args, ctx: OpContext): Omit<ThreadOp, 'expect' | 'label'> {
  if (a.fence !== undefined) {
    throw new ScenarioError(`${ctx.where}: 'signal' takes either 'fence' (signal a dma_fence) or 'thread', not both`);
  }
  if (a.fatal !== undefined && typeof a.fatal !== 'boolean') {
    throw new ScenarioError(`${ctx.where}: 'fatal' is true (SIGKILL) or false (any other signal)`);
  }
  const target = pick(String(a.thread), 'thread', ctx.threads ?? [], ctx);
  if (target === ctx.thread) {
    throw new ScenarioError(
      `${ctx.where}: thread '${target}' cannot signal itself: send the signal from another thread`,
    );
  }
  return { to: `thread:${target}`, event: { type: 'thread.signal', fatal: a.fatal === true }, reply: 'none' };
}

/** A dmirror file operation or ioctl on device `device` (docs/protocol.md "dmirror"). */
function dmirrorCmd(a: Args, ctx: OpContext, cmd: string): Omit<ThreadOp, 'expect' | 'label'> {
  const event: ThreadOp['event'] = { type: 'dmirror.cmd', cmd };
  if (cmd !== 'OPEN' && cmd !== 'CLOSE') {
    event.addr = num(a, 'addr', ctx);
    event.npages = num(a, 'npages', ctx);
  }
  if (a.data !== undefined) {
    if (Array.isArray(a.data) && a.data.every((x) => typeof x === 'number')) event.data = a.data;
    else {
      try {
        event.pattern = parsePattern(a.data);
      } catch (e) {
        throw new ScenarioError(`${ctx.where}: 'data': ${(e as Error).message}`);
      }
    }
  }
  return { to: `drv:${deviceOf(a, ctx)}`, event, reply: 'dmirror.result' };
}

const DMIRROR_FLAGS: Record<string, number> = { FAIL_ALLOC: DMIRROR_FLAG_FAIL_ALLOC };

/**
 * HMM_DMIRROR_FLAGS takes its flags word in `npages`, as the selftest passes it:
 * `flags: [FAIL_ALLOC]` (HMM_DMIRROR_FLAG_ prefix optional) stands for that word.
 */
function withFlagsWord(a: Args, ctx: OpContext): Args {
  if (a.flags === undefined) return a;
  if (a.npages !== undefined)
    throw new ScenarioError(`${ctx.where}: give either 'flags' or 'npages' (the flags word), not both`);
  if (!Array.isArray(a.flags)) throw new ScenarioError(`${ctx.where}: 'flags' is a list such as [FAIL_ALLOC]`);
  let word = 0;
  for (const f of a.flags) {
    const name = String(f)
      .toUpperCase()
      .replace(/^HMM_DMIRROR_FLAG_/, '');
    if (!(name in DMIRROR_FLAGS))
      throw new ScenarioError(
        `${ctx.where}: dmirror flag '${f}' is not one of ${Object.keys(DMIRROR_FLAGS).join(', ')}`,
      );
    word |= DMIRROR_FLAGS[name];
  }
  return { ...a, npages: word };
}

const MREMAP_FLAGS = ['MAYMOVE', 'FIXED', 'DONTUNMAP'];

/** `flags: [MAYMOVE, FIXED]` (MREMAP_ prefix optional); FIXED needs `newAddr`. */
function mremapFlags(a: Args, ctx: OpContext): string[] {
  const raw = a.flags ?? [];
  if (!Array.isArray(raw)) throw new ScenarioError(`${ctx.where}: 'flags' is a list such as [MAYMOVE, FIXED]`);
  const flags = raw.map((f) =>
    String(f)
      .toUpperCase()
      .replace(/^MREMAP_/, ''),
  );
  const bad = flags.find((f) => !MREMAP_FLAGS.includes(f));
  if (bad) throw new ScenarioError(`${ctx.where}: mremap flag '${bad}' is not one of ${MREMAP_FLAGS.join(', ')}`);
  if (flags.includes('FIXED') && a.newAddr === undefined)
    throw new ScenarioError(`${ctx.where}: MREMAP_FIXED moves to 'newAddr': add newAddr: 0x…`);
  return flags;
}

/** A user-space step of the thread itself: no request goes out. */
function localOp(ctx: OpContext): Pick<ThreadOp, 'to' | 'event'> {
  if (!ctx.thread) throw new ScenarioError(`${ctx.where}: buffers belong to a thread: use this op in a thread's ops`);
  return { to: `thread:${ctx.thread}`, event: { type: 'thread.local' } };
}

function bufferName(a: Args, ctx: OpContext): string {
  if (typeof a.buffer !== 'string' || !/^\w+$/.test(a.buffer))
    throw new ScenarioError(`${ctx.where}: name the caller's buffer: add 'buffer: <name>' (letters, digits, _)`);
  return a.buffer;
}

function patternArg(raw: unknown, key: string, ctx: OpContext): ReturnType<typeof parsePattern> {
  if (raw === undefined)
    throw new ScenarioError(`${ctx.where}: add '${key}': a pattern like {} (value i) or { const: 0 }`);
  try {
    return parsePattern(raw);
  } catch (e) {
    throw new ScenarioError(`${ctx.where}: '${key}': ${(e as Error).message}`);
  }
}

function exitStatusOf(a: Args, ctx: OpContext): number {
  const v = a.status;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255)
    throw new ScenarioError(
      `${ctx.where}: 'status' is the exit code, a whole number 0..255 (got ${JSON.stringify(v)})`,
    );
  return v;
}

function signalNameOf(a: Args, ctx: OpContext): string {
  const v = a.signal;
  if (typeof v !== 'string' || !/^SIG[A-Z0-9]+$/.test(v))
    throw new ScenarioError(
      `${ctx.where}: 'signal' is a signal name such as SIGTERM or SIGKILL (got ${JSON.stringify(v)})`,
    );
  return v;
}

/** `value: v` writes v everywhere; otherwise word i gets `scale * i + add` (scale 1 or -1). */
function wordPattern(
  a: Args,
  ctx: OpContext,
): { kind: 'const'; value: number } | { kind: 'index'; scale: 1 | -1; add: number } {
  if (a.value !== undefined) return { kind: 'const', value: num(a, 'value', ctx) };
  const scale = num(a, 'scale', ctx, 1);
  if (scale !== 1 && scale !== -1) throw new ScenarioError(`${ctx.where}: 'scale' is 1 or -1`);
  const add = a.add === undefined ? 0 : Number(a.add);
  if (!Number.isInteger(add)) throw new ScenarioError(`${ctx.where}: 'add' must be a whole number`);
  return { kind: 'index', scale, add };
}

function fileOf(a: Args, ctx: OpContext): string {
  if (typeof a.file !== 'string' || a.file === '')
    throw new ScenarioError(`${ctx.where}: say which file: add 'file: <name>'`);
  return a.file;
}

function processNameOfDevice(a: Args, ctx: OpContext): string {
  return processOf(a, ctx).slice('mm:'.length);
}

/** `after: [f1, f2]`: fences the job depends on (the engine waits for them first). */
function depsOf(a: Args, ctx: OpContext): string[] {
  const list = a.after;
  if (!Array.isArray(list)) throw new ScenarioError(`${ctx.where}: 'after' is a list of fence names, e.g. after: [fa]`);
  return list.map((f) => `fence:${pick(String(f), 'fence', ctx.fences, ctx)}`);
}

function accessesOf(a: Args, ctx: OpContext): { addr: number; write: boolean }[] {
  const list = a.accesses;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ScenarioError(`${ctx.where}: 'accesses' is a list like [{ addr: 0x10000, write: true }]`);
  }
  return list.map((x) => ({ addr: num(x as Args, 'addr', ctx), write: bool(x as Args, 'write', false) }));
}

export const VERB_NAMES = Object.keys(VERBS);

/** One scenario op (`{ verb: args }`) → a thread op with its expectation. */
export function compileOp(op: Record<string, unknown>, ctx: OpContext): ThreadOp {
  const [verb, raw] = Object.entries(op)[0];
  const build = VERBS[verb];
  if (!build) throw new ScenarioError(`${ctx.where}: unknown operation '${verb}' (one of: ${VERB_NAMES.join(', ')})`);
  const args = (raw ?? {}) as Args;
  if (typeof args !== 'object') throw new ScenarioError(`${ctx.where}: '${verb}' takes a map of arguments`);
  const built = build(args, ctx);
  const rawExpect = args.expect as ScenarioExpect | undefined;
  if (rawExpect !== undefined && (typeof rawExpect !== 'object' || rawExpect === null))
    throw new ScenarioError(`${ctx.where}: 'expect' takes a map, e.g. expect: { result: 0 }`);
  if (verb !== 'waitpid' && (rawExpect?.status !== undefined || rawExpect?.signal !== undefined))
    throw new ScenarioError(`${ctx.where}: expect.status and expect.signal belong to waitpid`);
  const expect = rawExpect && verb === 'checkBuffer' ? checkBufferExpect(rawExpect, ctx) : rawExpect;
  const value = verb === 'waitpid' && expect ? waitStatusExpect(expect, ctx) : expect?.value;
  return {
    ...built,
    label: (args.label as string | undefined) ?? verb,
    expect: expect
      ? {
          ...(expect.result !== undefined ? { result: parseErrnoAt(expect.result, ctx) } : {}),
          ...(value !== undefined ? { value } : {}),
          ...extendedExpect(expect, ctx),
          ...bufferExpect(expect, args, ctx),
        }
      : undefined,
  };
}

/** `checkBuffer: { buffer, expect: { data } }`: the pattern is the buffer's, not a reply's. */
function checkBufferExpect(e: ScenarioExpect, ctx: OpContext): ScenarioExpect {
  const { data, ...rest } = e;
  if (Object.keys(rest).length > 0 || data === undefined)
    throw new ScenarioError(`${ctx.where}: checkBuffer takes expect: { data: <pattern> } (nothing else)`);
  return { buffer: data };
}

/** `expect.buffer: <pattern>`: the op's buffer (or checkBuffer's) after the op. */
function bufferExpect(e: ScenarioExpect, a: Args, ctx: OpContext) {
  if (e.buffer === undefined) return {};
  if (a.buffer === undefined)
    throw new ScenarioError(`${ctx.where}: expect.buffer checks the op's buffer: add 'buffer: <name>' to the op`);
  return { buffer: { name: bufferName(a, ctx), pattern: patternArg(e.buffer, 'expect.buffer', ctx) } };
}

/** waitpid's `expect: { status }` (WIFEXITED, WEXITSTATUS) or `{ signal }` (WIFSIGNALED, WTERMSIG). */
function waitStatusExpect(e: ScenarioExpect, ctx: OpContext): unknown {
  if (e.status !== undefined && e.signal !== undefined)
    throw new ScenarioError(`${ctx.where}: a child either exited ('status') or was killed ('signal'), not both`);
  if (e.status !== undefined) return { exited: true, status: exitStatusOf(e as Args, ctx) };
  if (e.signal !== undefined) return { signaled: true, signal: signalNameOf(e as Args, ctx) };
  return e.value;
}

interface ScenarioExpect {
  result?: number | string;
  value?: unknown;
  /** dmirror counters, compared with the thread's view after the reply. */
  cpages?: number;
  faults?: number;
  /** A buffer pattern (machines/dmirror/buffer-pattern.ts) the reply's value must match. */
  data?: unknown;
  /** A negative result is accepted; the other checks apply to a success only. */
  acceptErrors?: boolean;
  /** A pattern the op's caller buffer must match after the op (success or failure). */
  buffer?: unknown;
  /** waitpid: the child exited with this status, or was killed by this signal. */
  status?: number;
  signal?: string;
}

function extendedExpect(e: ScenarioExpect, ctx: OpContext) {
  const counters: Record<string, number> = {};
  for (const k of ['cpages', 'faults'] as const) {
    if (e[k] === undefined) continue;
    if (typeof e[k] !== 'number') throw new ScenarioError(`${ctx.where}: expect.${k} must be a number`);
    counters[k] = e[k];
  }
  let data: ReturnType<typeof parsePattern> | undefined;
  if (e.data !== undefined) {
    try {
      data = parsePattern(e.data);
    } catch (err) {
      throw new ScenarioError(`${ctx.where}: expect.data: ${(err as Error).message}`);
    }
  }
  return {
    ...(Object.keys(counters).length ? { counters } : {}),
    ...(data ? { data } : {}),
    ...(e.acceptErrors ? { acceptErrors: true } : {}),
  };
}

function parseErrnoAt(v: number | string, ctx: OpContext): number {
  try {
    return parseErrno(v);
  } catch (e) {
    throw new ScenarioError(`${ctx.where}: ${(e as Error).message}`);
  }
}
