/**
 * `hmm_range_fault` (docs/kernel-semantics.md §2.4): walk, fault the first sub-range that needs it
 * (`hmm_vma_fault`, one CPU fault per page, mm/fault.ts), walk again, until every page is
 * reported or an error ends the call.
 *
 * `check_retry` (approximation): the mm runs one operation at a time, so the only
 * invalidations that can happen during a walk are those its own faults send (a COW break
 * sends CLEAR, a device-exclusive restore EXCLUSIVE, a device-private migration MIGRATE;
 * a swap-in sends none). Those cover pages of the walked range, hence of the caller's
 * subscription, so `check_retry` would be true: once the fault sub-range is done the call
 * returns -EBUSY and the caller restarts from `read_begin`. After faults without
 * invalidation the walk restarts from `start` (the kernel restarts from the faulting page;
 * the pages before it are unchanged, so the outputs are the same).
 */
import { EBUSY, EFAULT, EINVAL } from '../errno.ts';
import { invalidate, type OpHandler, reply } from './attempt.ts';
import type { MmRequest } from './events.ts';
import { cpuFaultStep } from './fault.ts';
import { walkRange } from './hmm-walk.ts';
import { findVma } from './vma.ts';

type RangeFault = Extract<MmRequest, { type: 'hmm.rangeFault' }>;

interface FaultPhase {
  cursor: number;
  end: number;
  write: boolean;
  invalidated: boolean;
  rounds: number;
}

export const rangeFault: OpHandler<RangeFault> = (tx, req, progress) => {
  const { m } = tx;
  const { start, end } = req;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start >= end) return reply(EINVAL);
  if (start % m.pageSize !== 0 || end % m.pageSize !== 0) return reply(EINVAL);
  if (m.mmUsers <= 0) return reply(EFAULT);
  const hmmReq = { start, end, fault: req.fault, write: req.write, owner: req.owner ?? null };
  let phase = progress as FaultPhase | null;
  let rounds = phase?.rounds ?? 0;
  for (;;) {
    if (phase) {
      for (let steps = 0; phase.cursor < phase.end; ) {
        const vma = findVma(m.vmas, phase.cursor)!;
        const step = cpuFaultStep(tx, vma, phase.cursor, phase.write);
        if (step.kind === 'error') return reply(EFAULT);
        if (step.kind === 'invalidate') return invalidate(step.inv, step.mutation, { ...phase, invalidated: true });
        if (step.kind === 'ok') {
          phase = { ...phase, cursor: phase.cursor + m.pageSize };
          steps = 0;
        } else if (++steps > 4) throw new Error(`mm ${tx.mmId}: fault at ${phase.cursor} made no progress`);
      }
      if (phase.invalidated) return { kind: 'reply', result: EBUSY, pfns: [] };
      phase = null;
    }
    // Each round faults at least one page that needed it, so rounds are bounded by the pages.
    if (++rounds > (end - start) / m.pageSize + 2) throw new Error(`mm ${tx.mmId}: hmm walk does not converge`);
    const out = walkRange(m, hmmReq);
    if (out.kind === 'done') return { kind: 'reply', result: 0, pfns: out.pfns };
    if (out.kind === 'fail') return { kind: 'reply', result: out.result, pfns: [] };
    phase = { cursor: out.start, end: out.end, write: out.write, invalidated: false, rounds };
  }
};
