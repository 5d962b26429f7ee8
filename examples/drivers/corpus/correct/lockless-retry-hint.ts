// CORRECT: after the walk, a lockless mmu_interval_check_retry as a cheap early-out (restart
// without taking the lock when a collision is already visible), then the authoritative
// read_retry under the update lock as usual. The hint may be stale either way; only the
// locked check decides whether the device is programmed.
import { and, enqueueActions } from 'xstate';
import { send } from '../kit/effects.ts';
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const walking = minimalState('fault', 'walking');
const walked = walking.on['hmm.rangeResult'];

export default minimalVariant({
  id: 'lockless-retry-hint',
  fault: {
    walking: {
      ...walking,
      on: {
        'hmm.rangeResult': walked.map((t: any, i: number) =>
          i === walked.length - 1 ? { ...t, target: 'hinting' } : t,
        ),
      },
    },
    hinting: {
      meta: { defer: ['drv.fault'] },
      entry: enqueueActions(({ context: c, enqueue }: any) =>
        enqueue(send(c.sub, { type: 'sub.checkRetry', replyTo: c.id, tid: c.req.tid, seq: c.req.seq })),
      ),
      on: {
        'sub.retryResult': [
          { guard: and(['forRequest', 'seqCollided']), target: 'retry' },
          { guard: 'forRequest', target: 'locking' },
        ],
      },
    },
  },
});
