/**
 * dmirror's command preamble (docs/kernel-semantics.md §5.6): the error a command is refused with
 * before it starts, the caller's WRITE buffer (copy_from_user), and the `Command` record an
 * accepted command runs on.
 */
import { EFAULT, EINVAL } from '../errno.ts';
import { patternValues } from './buffer-pattern.ts';
import {
  type Command,
  DMIRROR_COMMANDS,
  type DmirrorCommandName,
  type DmirrorContext,
  type DmirrorEvent,
} from './dmirror-types.ts';

type Ev<T extends DmirrorEvent['type']> = Extract<DmirrorEvent, { type: T }>;

/** §5.6 preamble: the error a command is refused with before it starts, or 0. */
export function preambleError(c: DmirrorContext, e: Ev<'dmirror.cmd'>): number {
  if (!(DMIRROR_COMMANDS as readonly string[]).includes(e.cmd)) return EINVAL;
  if (e.cmd === 'OPEN') return c.open ? EINVAL : 0;
  if (!c.open) return EINVAL;
  if (e.cmd === 'CLOSE') return 0;
  const addr = e.addr ?? -1;
  const npages = e.npages ?? 0;
  if (!Number.isInteger(addr) || addr < 0 || addr % c.pageSize !== 0) return EINVAL;
  if (!Number.isInteger(npages) || npages <= 0 || !Number.isSafeInteger(addr + npages * c.pageSize)) return EINVAL;
  if (e.cmd === 'WRITE' && callerBuffer(c, e).length < npages * c.wordsPerPage) return EFAULT;
  return 0;
}

/** WRITE's source buffer (copy_from_user): the words given, or those a pattern stands for. */
function callerBuffer(c: DmirrorContext, e: Ev<'dmirror.cmd'>): number[] {
  const length = (e.npages ?? 0) * c.wordsPerPage;
  if (Array.isArray(e.pattern)) return patternValues(e.pattern, length);
  return Array.isArray(e.data) ? e.data.slice(0, length) : [];
}

export function newCommand(c: DmirrorContext, e: Ev<'dmirror.cmd'>): Command {
  const addr = e.addr ?? 0;
  const npages = e.npages ?? 0;
  return {
    replyTo: e.replyTo,
    tid: e.tid,
    cmd: e.cmd as DmirrorCommandName,
    addr,
    npages,
    end: addr + npages * c.pageSize,
    data: e.cmd === 'WRITE' ? callerBuffer(c, e) : [],
    out: [],
    cursor: addr,
    batch: [],
    cpages: 0,
    faults: 0,
    fault: null,
    moved: [],
    result: 0,
  };
}
