/**
 * The `jobs` region of the driver: submitted jobs whose submitters sleep until the job's
 * fence signals (docs/kernel-semantics.md §3.4). It is a region of its own because the sleeping is the
 * submitter thread's, not the driver's: while a job runs, the fault region serves other
 * requests, among them the device faults of that very job.
 *
 * State as a predicate over context: watching, always; context.submitted lists the jobs
 * whose fence callback is registered (or being registered). A job leaves the list, its fence
 * leaves `published`, and its submitter gets `drv.submitResult` when the callback arrives,
 * or at once when the fence had already signalled (-ENOENT from add_callback).
 */
import { driverSetup } from './driver-setup.ts';

export const jobsRegion = driverSetup.createStateConfig({
  initial: 'watching',
  states: {
    watching: {
      on: {
        'fence.addCallbackResult': [
          { guard: 'jobFenceAlreadySignaled', actions: 'endSubmittedJob' },
          // Registered: the callback will end the job.
          { guard: 'jobFenceIsOurs', actions: 'jobFenceCallbackRegistered' },
        ],
        'fence.callback': { guard: 'jobFenceIsOurs', actions: 'endSubmittedJob' },
      },
    },
  },
});
