/**
 * The driver mirror `drv:<name>`: a device driver that mirrors part of a process address
 * space into a device page table, as an XState machine with parallel regions.
 *
 * Kernel objects and functions modelled: the driver side of mmu_interval_notifier
 * (read_begin / read_retry / set_seq and the ops->invalidate callback), hmm_range_fault as
 * called by a driver, pin_user_pages (registration cache), mmget_not_zero / mmput (svm),
 * the driver's update lock, and dma_fence publication / waits (userptr). One machine per
 * profile (`createDriverMachine`), all built from the same named guards and actions, with
 * three parallel regions: fault (requests), callback (invalidate) and jobs (submitted jobs
 * waiting for their fences).
 *
 * Events in:  drv.fault, drv.deviceFault, drv.submit, drv.invalidate, and the replies
 *             sub.readBeginResult, sub.retryResult, hmm.rangeResult, mm.result,
 *             lock.granted, lock.busy, dev.zapped, dev.jobDone, fence.addCallbackResult,
 *             fence.callback, fence.waitResult.
 * Events out: drv.faultResult, drv.submitResult, drv.invalidateReturned; sub.readBegin,
 *             sub.readRetry, sub.setSeq; hmm.rangeFault, mm.get, mm.put, mm.pin, mm.unpin;
 *             lock.acquire, lock.tryAcquire, lock.release; dev.map, dev.zap, dev.submit;
 *             fence.addCallback, fence.wait. Observations: `sleep { tid, on }`.
 *
 * States (as predicates over context): see fault-region.ts (`request`), callback-region.ts
 * (`callbacks`) and jobs-region.ts (`submitted`). The first two are idle iff request = null
 * and callbacks = []; lockWaiters lists the regions with an outstanding lock request.
 */
import { callbackRegion } from './callback-region.ts';
import { initialDriverContext } from './driver-context.ts';
import { driverSetup } from './driver-setup.ts';
import type { DriverProfileName } from './driver-types.ts';
import { faultRegion } from './fault-region.ts';
import { jobsRegion } from './jobs-region.ts';

/**
 * The driver machine of a built-in profile (docs/driver-protocol.md lists the five and the kernel
 * drivers behind each). Every profile is the same machine with a different `profile` in its
 * context; a scenario selects one per device.
 *
 * @example
 * ```ts
 * import { checkScenario, createDriverMachine } from 'mirrorlab';
 *
 * const svm = createDriverMachine('svm');
 * const outcome = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { driver: { machine: svm, name: 'svm' } });
 * outcome.verdict; // 'ok'
 * ```
 */
export function createDriverMachine(profile: DriverProfileName) {
  const machine = driverSetup.createMachine({
    id: `driver-${profile}`,
    context: ({ input }) => initialDriverContext(input, profile),
    type: 'parallel',
    states: {
      fault: faultRegion,
      callback: callbackRegion,
      jobs: jobsRegion,
    },
  });
  builtIn.add(machine);
  return machine;
}

/** The machines createDriverMachine made: code of ours, whose replies the search may take at once. */
const builtIn = new WeakSet<object>();

/**
 * Whether `machine` is a built-in driver profile's machine as createDriverMachine made it (not a
 * module's own machine, nor one changed with `.provide()`): the explorer relies on how its
 * regions share context (src/explorer/reduction/returns.ts).
 */
export function isBuiltInDriverMachine(machine: unknown): boolean {
  return typeof machine === 'object' && machine !== null && builtIn.has(machine);
}

/**
 * The machine type of a built-in driver profile, as createDriverMachine returns it: use it to type
 * a variable that holds one.
 *
 * @example
 * ```ts
 * import { createDriverMachine, type DriverMachine } from 'mirrorlab';
 *
 * const drivers: Record<string, DriverMachine> = {
 *   gpu0: createDriverMachine('registration-cache'),
 * };
 * ```
 */
export type DriverMachine = ReturnType<typeof createDriverMachine>;
