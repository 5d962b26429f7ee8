/**
 * How an mm operation runs: as a pure `attempt` that goes as far as it can without a notifier
 * invalidation (fills and data accesses are committed to the transaction), then either
 * replies, or names the one invalidation it needs and the PTE change to make inside it.
 * The machine runs the invalidation, applies the change, and attempts the operation again
 * with the `progress` it was handed (plain JSON, kept in the machine's context).
 */
import { EINVAL } from '../errno.ts';
import type { KSendParams } from '../kernel-actions.ts';
import type { HmmPfn } from './hmm-walk.ts';
import type { Tx } from './pages.ts';
import { type Invalidation, MM_TASK_SIZE, type MmMemory, type Mutation } from './types.ts';

export type Attempt =
  | {
      kind: 'reply';
      result: number;
      value?: unknown;
      /** hmm.rangeFault only. */
      pfns?: HmmPfn[];
      /** Extra messages sent with the reply (fork's `mm.forked`). */
      sends?: KSendParams[];
      /** The address space is gone: the machine goes to `exited`. */
      exit?: boolean;
      /** Device migrations: the request's FAIL_ALLOC was used up. */
      allocFailed?: true;
    }
  | {
      kind: 'invalidate';
      inv: Invalidation;
      mutation: Mutation;
      /** Progress for the next attempt after the invalidation ended. */
      progress: unknown;
      /** Progress when a non-blockable start was refused (-EAGAIN: no change, no end). */
      progressIfRefused?: unknown;
    };

/** An operation handler: `progress` is null on the first attempt. */
export type OpHandler<R> = (tx: Tx, req: R, progress: unknown) => Attempt;

export function reply(result: number, value?: unknown): Attempt {
  return value === undefined ? { kind: 'reply', result } : { kind: 'reply', result, value };
}

export function invalidate(inv: Invalidation, mutation: Mutation, progress: unknown = null): Attempt {
  return { kind: 'invalidate', inv, mutation, progress };
}

export function blockable(start: number, end: number, event: Invalidation['event'], owner: string | null = null) {
  return { start, end, event, owner, blockable: true };
}

/** A page-aligned `[addr, addr + length)` with length rounded up to pages, or -EINVAL. */
export function pageRange(m: MmMemory, addr: number, length: number): { start: number; end: number } | number {
  if (!Number.isInteger(addr) || addr < 0 || addr % m.pageSize !== 0) return EINVAL;
  if (!Number.isInteger(length) || length <= 0) return EINVAL;
  const end = addr + Math.ceil(length / m.pageSize) * m.pageSize;
  if (end > MM_TASK_SIZE) return EINVAL;
  return { start: addr, end };
}
