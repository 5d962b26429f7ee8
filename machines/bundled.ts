/**
 * The machines this package ships: the kernel objects, the threads, the devices, dmirror and the
 * built-in driver profiles. A world made of these alone keeps an invariant the explorer relies on
 * (src/explorer/reduction/returns.ts): a thread of control whose reply is on its way is at rest,
 * waiting for nothing else, and nothing but that reply changes what concerns it (the locks it
 * holds, the callbacks it runs, its walks of a notifier core). A driver module may break it (one
 * that answers its caller while it still holds the lock in its name:
 * test/explorer/fixtures/reply-before-unlock-driver.ts).
 */
import { deviceMachine } from './device.machine.ts';
import { dmaFenceMachine } from './dma-fence.machine.ts';
import { dmirrorMachine } from './dmirror/dmirror.machine.ts';
import { isBuiltInDriverMachine } from './drivers/driver.machine.ts';
import { mmMachine } from './mm/mm.machine.ts';
import { notifierCoreMachine } from './notifier-core.machine.ts';
import { ptLockMachine } from './pt-lock.machine.ts';
import { rangeNotifierMachine } from './range-notifier.machine.ts';
import { threadMachine } from './thread.machine.ts';

const SHIPPED: ReadonlySet<unknown> = new Set([
  deviceMachine,
  dmaFenceMachine,
  dmirrorMachine,
  mmMachine,
  notifierCoreMachine,
  ptLockMachine,
  rangeNotifierMachine,
  threadMachine,
]);

/** Whether `machine` is one this package ships, as it ships it (not changed with `.provide()`). */
export function isBundledMachine(machine: unknown): boolean {
  return SHIPPED.has(machine) || isBuiltInDriverMachine(machine);
}
