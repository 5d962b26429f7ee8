/**
 * The seq-retry protocol of /work/shared/bench/mmu_seq_retry.pml as ONE XState machine, for
 * `getAdjacencyMap` from 'xstate/graph' (the bench's third column). The context holds every
 * process's program counter and the shared variables; event `step` with `p` (0 = the CPU side,
 * 1..NDRV = drivers) advances that process by one atomic Promela statement when it is enabled.
 * Rewritten from the Promela model's description, not translated line by line.
 */
import { assign, setup } from 'xstate';

const INVALID = 255;
const NVER = 4;

interface Drv {
  pc: 'begin' | 'snap' | 'lock' | 'check' | 'program';
  seq: number;
  snap: number;
  n: number;
}

interface Ctx {
  rounds: number;
  subsSeq: number;
  isubSeq: number;
  cpuPte: number;
  devPte: number;
  lock: boolean;
  mm: { pc: 'start' | 'lock' | 'setSeq' | 'zap' | 'pte' | 'end'; i: number };
  drv: Drv[];
  bad: boolean;
}

type Ev = { type: 'step'; p: number };

/** One atomic step of process p, or null when it is blocked or done. */
function advance(c: Ctx, p: number): Ctx | null {
  if (p === 0) {
    const mm = c.mm;
    if (mm.pc === 'start') return mm.i < c.rounds ? { ...c, subsSeq: c.subsSeq + 1, mm: { ...mm, pc: 'lock' } } : null;
    if (mm.pc === 'lock') return c.lock ? null : { ...c, lock: true, mm: { ...mm, pc: 'setSeq' } };
    if (mm.pc === 'setSeq') return { ...c, isubSeq: c.subsSeq, mm: { ...mm, pc: 'zap' } };
    if (mm.pc === 'zap') return { ...c, devPte: INVALID, lock: false, mm: { ...mm, pc: 'pte' } };
    if (mm.pc === 'pte') return { ...c, cpuPte: (c.cpuPte + 1) % NVER, mm: { ...mm, pc: 'end' } };
    return { ...c, subsSeq: c.subsSeq + 1, mm: { pc: 'start', i: mm.i + 1 } };
  }
  const d = c.drv[p - 1];
  const put = (next: Partial<Drv>, rest: Partial<Ctx> = {}): Ctx => ({
    ...c,
    ...rest,
    drv: c.drv.map((x, k) => (k === p - 1 ? { ...x, ...next } : x)),
  });
  if (d.pc === 'begin') {
    if (d.n >= c.rounds || c.isubSeq === c.subsSeq) return null;
    return put({ pc: 'snap', seq: c.isubSeq });
  }
  if (d.pc === 'snap') return put({ pc: 'lock', snap: c.cpuPte });
  if (d.pc === 'lock') return c.lock ? null : put({ pc: 'check' }, { lock: true });
  if (d.pc === 'check') return c.isubSeq !== d.seq ? put({ pc: 'begin' }, { lock: false }) : put({ pc: 'program' });
  return put({ pc: 'begin', n: d.n + 1, snap: 0, seq: 0 }, { devPte: d.snap, lock: false });
}

function violated(c: Ctx): boolean {
  return c.subsSeq % 2 === 0 && !c.lock && c.devPte !== INVALID && c.devPte !== c.cpuPte;
}

export function seqRetryMachine(ndrv: number, rounds: number) {
  return setup({
    types: { context: {} as Ctx, events: {} as Ev },
    guards: { processCanStep: ({ context, event }) => advance(context, event.p) !== null },
  }).createMachine({
    id: 'seqRetry',
    context: {
      rounds,
      subsSeq: 2,
      isubSeq: 1,
      cpuPte: 0,
      devPte: INVALID,
      lock: false,
      mm: { pc: 'start', i: 0 },
      drv: Array.from({ length: ndrv }, () => ({ pc: 'begin' as const, seq: 0, snap: 0, n: 0 })),
      bad: false,
    },
    on: {
      step: {
        guard: 'processCanStep',
        actions: assign(({ context, event }) => {
          const next = advance(context, event.p)!;
          return { ...next, bad: next.bad || violated(next) };
        }),
      },
    },
  });
}

export function seqRetryEvents(ndrv: number): Ev[] {
  return Array.from({ length: ndrv + 1 }, (_, p) => ({ type: 'step' as const, p }));
}
