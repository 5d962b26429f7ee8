// CORRECT: the mlx5 ODP choice for non-blockable invalidations: return false at once instead
// of trying the lock (the OOM reaper then skips the VMA and retries later). Blockable ranges
// are handled as in the minimal driver.
import { enqueueActions } from 'xstate';
import { send } from '../kit/effects.ts';
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const [ownMemory, , blocking] = minimalState('callback', 'idle').on['drv.invalidate'];

export default minimalVariant({
  id: 'refuse-nonblockable',
  callback: {
    idle: {
      on: {
        'drv.invalidate': [
          ownMemory,
          {
            guard: 'notBlockable',
            actions: enqueueActions(({ event, enqueue }: any) =>
              enqueue(send(event.sub, { type: 'drv.invalidateReturned', sub: event.sub, ok: false, tid: event.tid })),
            ),
          },
          blocking,
        ],
      },
    },
  },
});
