// The callback of a userptr driver that waits for the published fences after unlocking (as
// userptr-fence-after-unlock does) but with a wait that can end early, and that returns `true`
// at once when it does (logging an error, as the drivers it stands for did) instead of
// waiting again: the zap is skipped and the job may still be using the pages.
import { and, enqueueActions } from 'xstate';
import { send, sleep } from './effects.ts';
import { rebuiltProfile } from './rebuilt-profile.ts';

export interface FenceWait {
  id: string;
  /** dma_fence_wait_timeout's `intr`: a signal ends the wait with -ERESTARTSYS. */
  intr: boolean;
  /** Jiffies, or 'forever' (MAX_SCHEDULE_TIMEOUT); a finite wait may end with 0. */
  timeout: number | 'forever';
}

export function fenceWaitThatGivesUp(w: FenceWait) {
  return rebuiltProfile({
    id: w.id,
    profile: 'userptr-fence-after-unlock',
    guards: { waitEndedEarly: ({ event }) => event.result <= 0 },
    actions: {
      // The wait on the next published fence, with this driver's intr / timeout; none left: zap.
      waitNextFenceOrZap: enqueueActions(({ context: c, event, enqueue }: any) => {
        const run = c.callbacks.find((x: any) => x.tid === event.tid);
        const { tid, fences, start, end } = run;
        const step = fences.length === 0 ? 'zapping' : 'fenceWait';
        if (fences.length === 0) enqueue(send(c.dev, { type: 'dev.zap', replyTo: c.id, tid, start, end }));
        else {
          enqueue(send(fences[0], { type: 'fence.wait', replyTo: c.id, tid, intr: w.intr, timeout: w.timeout }));
          enqueue(sleep(tid, fences[0]));
        }
        enqueue.assign({ callbacks: c.callbacks.map((x: any) => (x.tid === tid ? { ...x, step } : x)) });
      }),
    },
    callbackOn: {
      'fence.waitResult': [
        // "failed to wait for the BO": give up and let the core go on.
        { guard: and(['fenceWaitIsOurs', 'waitEndedEarly']), actions: ['returnInvalidated', 'finishCallback'] },
        { guard: 'fenceWaitIsOurs', actions: ['fenceWaited', 'waitNextFenceOrZap'] },
      ],
    },
  });
}
