// interruptible-wait-driver.ts: a DELIBERATELY BROKEN custom driver, for trying signals with
// `check --driver`. It starts from the built-in `userptr-fence-after-unlock` profile (the
// reference userptr pattern: set_seq under the notifier lock, unlock, wait for the job fences,
// zap, return true) and changes one thing, the way amdxdna did before PR #611: its invalidate
// callback waits for the job fence INTERRUPTIBLY and gives up when the wait returns
// -ERESTARTSYS. The callback runs in the unmapping thread's context, so a signal to that thread
// ends the wait; the callback then returns true while the job still writes the page, and the
// munmap frees it under the device (rule 10 of docs/driver-protocol.md: wait uninterruptibly).
//   node bin/mirrorlab.mjs check --driver examples/drivers/interruptible-wait-driver.ts
import { enqueueActions } from 'xstate';
import { callbackRegion } from '../../machines/drivers/callback-region.ts';
import { initialDriverContext } from '../../machines/drivers/driver-context.ts';
import { driverSetup } from '../../machines/drivers/driver-setup.ts';
import type { CallbackRun, DriverContext, DriverInput, FenceWaitResult } from '../../machines/drivers/driver-types.ts';
import { faultRegion } from '../../machines/drivers/fault-region.ts';
import { jobsRegion } from '../../machines/drivers/jobs-region.ts';

const callback = callbackRegion as unknown as { states: Record<string, object> };
const run = (context: DriverContext) => context.callback as CallbackRun;
type EnqueueLike = (action: { type: string; params: unknown }) => void;

export default driverSetup.createMachine({
  id: 'interruptible-wait-driver',
  // A module gets profile 'custom' and no planted bugs: it runs as the profile it builds on.
  context: ({ input }: { input: DriverInput }) => initialDriverContext(input, 'userptr-fence-after-unlock'),
  type: 'parallel',
  states: {
    fault: faultRegion,
    callback: {
      ...(callbackRegion as object),
      states: {
        ...callback.states,
        fenceWaitAfterUnlock: {
          meta: { defer: ['drv.invalidate'] },
          // dma_resv_wait_timeout(resv, BOOKKEEP, intr = TRUE, MAX_SCHEDULE_TIMEOUT)
          entry: enqueueActions(({ context, enqueue }: { context: DriverContext; enqueue: EnqueueLike }) => {
            const { tid, fences } = run(context);
            if (fences.length === 0) return;
            enqueue({
              type: 'kSend',
              params: {
                to: fences[0],
                event: { type: 'fence.wait', replyTo: context.id, tid, intr: true, timeout: 'forever' },
              },
            });
            enqueue({ type: 'kObserve', params: { kind: 'sleep', tid, on: fences[0] } });
          }),
          always: { guard: 'noFenceLeftToWait', target: 'zapping' },
          on: {
            'fence.waitResult': [
              {
                // THE BUG: interrupted, the callback gives up and returns true without the zap,
                // while the job can still reach the page.
                guard: ({ context, event }: { context: DriverContext; event: FenceWaitResult }) =>
                  event.tid === run(context).tid && event.fence === run(context).fences[0] && event.result < 0,
                target: 'idle',
                actions: ['returnInvalidated', 'finishCallback'],
              },
              { guard: 'fenceWaitIsOurs', target: 'fenceWaitAfterUnlock', reenter: true, actions: 'fenceWaited' },
            ],
          },
        },
      },
    },
    jobs: jobsRegion,
  },
} as never);
