// BUG: on UNMAP the callback tears the mirror down itself: after the zap it drops the lock and
// calls mmu_interval_notifier_remove on its own subscription before returning. remove() waits
// for the invalidation epoch to end, and the epoch waits for this callback to return.
import { and, assign, enqueueActions } from 'xstate';
import { send, sleep } from '../kit/effects.ts';
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const [ownMemory, nonBlockable, blocking] = minimalState('callback', 'idle').on['drv.invalidate'];
const zapping = minimalState('callback', 'zapping');
// The input names no notifier core (issue 13, item 7): derive it from the mm's process name.
const coreOf = (mm: string) => mm.replace(/^mm:/, 'core:');

export default minimalVariant({
  id: 'remove-from-callback',
  guards: {
    unmapping: ({ context }) => context.cb?.event === 'UNMAP',
    removedOurs: ({ context, event }) => event.sub === context.sub && event.tid === context.cb?.tid,
  },
  callback: {
    idle: {
      on: {
        'drv.invalidate': [
          ownMemory,
          nonBlockable,
          {
            ...blocking,
            actions: [
              blocking.actions,
              assign({ cb: ({ context, event }: any) => ({ ...context.cb, event: event.event }) }),
            ],
          },
        ],
      },
    },
    zapping: {
      ...zapping,
      on: {
        'dev.zapped': [{ guard: and(['forCallback', 'unmapping']), target: 'removing' }, zapping.on['dev.zapped']],
      },
    },
    removing: {
      meta: { defer: ['drv.invalidate'] },
      entry: enqueueActions(({ context: c, enqueue }: any) => {
        enqueue(send(c.lock, { type: 'lock.release', tid: c.cb.tid }));
        enqueue(send(coreOf(c.mm), { type: 'core.remove', replyTo: c.id, tid: c.cb.tid, sub: c.sub }));
        enqueue(sleep(c.cb.tid, coreOf(c.mm)));
      }),
      on: {
        'core.removeResult': {
          guard: 'removedOurs',
          target: 'idle',
          actions: [
            enqueueActions(({ context: c, enqueue }: any) =>
              enqueue(send(c.cb.sub, { type: 'drv.invalidateReturned', sub: c.cb.sub, ok: true, tid: c.cb.tid })),
            ),
            assign({ cb: null }),
          ],
        },
      },
    },
  },
});
