// BUG: the invalidate callback calls mmu_interval_set_seq after dropping the update lock.
// It locks, zaps and waits for the flush, then in one go unlocks, sets the seq and returns.
// Between the unlock and the set_seq a fault that walked before the invalidation takes the
// lock, read_retry still sees the old seq, and it maps the page the core is about to free.
import { assign, enqueueActions } from 'xstate';
import { send } from '../kit/effects.ts';
import { minimalState, minimalVariant, zapWithoutSetSeq } from '../kit/minimal-variant.ts';

export default minimalVariant({
  id: 'set-seq-after-unlock',
  callback: {
    zapping: {
      ...minimalState('callback', 'zapping'),
      entry: zapWithoutSetSeq,
      on: {
        'dev.zapped': {
          guard: 'forCallback',
          target: 'idle',
          actions: [
            enqueueActions(({ context: c, enqueue }: any) => {
              const { sub, tid, curSeq } = c.cb;
              enqueue(send(c.lock, { type: 'lock.release', tid }));
              enqueue(send(sub, { type: 'sub.setSeq', curSeq, tid }));
              enqueue(send(sub, { type: 'drv.invalidateReturned', sub, ok: true, tid }));
            }),
            assign({ cb: null }),
          ],
        },
      },
    },
  },
});
