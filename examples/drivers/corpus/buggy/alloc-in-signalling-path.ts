// BUG: the submission path allocates (GFP_KERNEL) after it published the job fence and before
// it hands the job to the device - inside the fence's signalling path. The allocation may
// enter direct reclaim; reclaim may evict the userptr's own page, whose invalidate callback
// waits for that very fence, which cannot signal until the allocation returns.
import { enqueueActions } from 'xstate';
import { send, sleep } from '../kit/effects.ts';
import { programmedThen, rebuiltProfile } from '../kit/rebuilt-profile.ts';

const busy = { defer: ['drv.fault', 'drv.deviceFault', 'drv.submit'] };

export default rebuiltProfile({
  id: 'alloc-in-signalling-path',
  profile: 'userptr-fence-after-unlock',
  guards: {
    reclaimDone: ({ context, event }) => event.tid === context.request?.tid && event.op === 'reclaim',
  },
  fault: {
    programmed: programmedThen('allocatingJob'),
    // kmalloc(GFP_KERNEL): the allocator decides whether it reclaims.
    allocatingJob: {
      meta: busy,
      entry: enqueueActions(({ enqueue }: any) =>
        enqueue({
          type: 'kChoose',
          params: { label: 'alloc.reclaim?', options: [{ type: 'drv.allocNoReclaim' }, { type: 'drv.allocReclaim' }] },
        }),
      ),
      on: {
        'drv.allocNoReclaim': { target: 'jobSubmitted', actions: 'submitJobToDevice' },
        'drv.allocReclaim': { target: 'reclaiming' },
      },
    },
    // Direct reclaim in the submitter's context; the worst page it may pick is our own.
    reclaiming: {
      meta: busy,
      entry: enqueueActions(({ context: c, enqueue }: any) => {
        const { tid, start } = c.request;
        enqueue({ type: 'kObserve', params: { kind: 'alloc', tid, reclaim: true } });
        enqueue(send(c.mm, { type: 'mm.reclaim', replyTo: c.id, tid, addr: start }));
        enqueue(sleep(tid, c.mm));
      }),
      on: { 'mm.result': { guard: 'reclaimDone', target: 'jobSubmitted', actions: 'submitJobToDevice' } },
    },
  },
});
