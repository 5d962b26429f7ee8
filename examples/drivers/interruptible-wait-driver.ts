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

type Running = { on: Record<string, unknown> };
const callback = callbackRegion as unknown as { states: { running: Running } };
/** The callback run of the thread an event names (one per invalidating thread). */
const run = (context: DriverContext, event: { tid?: string }) =>
  context.callbacks.find((c) => c.tid === event.tid) as CallbackRun;
type EnqueueLike = ((action: { type: string; params: unknown }) => void) & {
  assign: (patch: Partial<DriverContext>) => void;
};

export default driverSetup
  .createMachine({
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
          running: {
            ...callback.states.running,
            on: {
              ...callback.states.running.on,
              'fence.waitResult': [
                {
                  // THE BUG: interrupted, the callback gives up and returns true without the zap,
                  // while the job can still reach the page.
                  guard: ({ context, event }: { context: DriverContext; event: FenceWaitResult }) =>
                    run(context, event)?.step === 'fenceWait' &&
                    run(context, event).fences[0] === event.fence &&
                    event.result < 0,
                  actions: ['returnInvalidated', 'finishCallback'],
                },
                { guard: 'fenceWaitIsOurs', actions: ['fenceWaited', 'waitNextFenceOrZap'] },
              ],
            },
          },
        },
      },
      jobs: jobsRegion,
    },
  } as never)
  .provide({
    actions: {
      // dma_resv_wait_timeout(resv, BOOKKEEP, intr = TRUE, MAX_SCHEDULE_TIMEOUT)
      waitNextFenceOrZap: enqueueActions(((arg: {
        context: DriverContext;
        event: { tid?: string };
        enqueue: EnqueueLike;
      }) => {
        const { context, event, enqueue } = arg;
        const { tid, fences, start, end } = run(context, event);
        const to = fences[0] ?? context.dev;
        const ev =
          fences[0] === undefined
            ? { type: 'dev.zap', replyTo: context.id, tid, start, end }
            : { type: 'fence.wait', replyTo: context.id, tid, intr: true, timeout: 'forever' };
        enqueue({ type: 'kSend', params: { to, event: ev } });
        const step = fences[0] === undefined ? 'zapping' : 'fenceWait';
        enqueue.assign({ callbacks: context.callbacks.map((c) => (c.tid === tid ? { ...c, step } : c)) });
        if (fences[0] !== undefined) enqueue({ type: 'kObserve', params: { kind: 'sleep', tid, on: fences[0] } });
      }) as never) as never,
    },
  });
