/**
 * Which deliveries to a device commute with everything else the device could take while they
 * wait: the explorer may take those in the step that sends them (left movers in Lipton's sense;
 * src/explorer/reduction/returns.ts cites the paper and checks the monitors' side), as
 * machines/drivers/movers.ts does for the built-in driver's replies.
 *
 * A driver posts its table updates and jobs to the device's ring, which the device takes in the
 * order they were written (FIFO per sending actor, src/runtime/delivery.ts). A `dev.map` posted
 * to an empty ring of a device with no job running or queued is therefore the device's next
 * command from its driver whatever else happens. Where nothing else posts to the device (no
 * thread submits a job to it directly: `postedByThreads`), nothing else can reach it before the
 * map either: its engine runs only jobs, and a job could come only from the driver, behind the
 * map; the other messages a device takes (fault results, lock grants, the end of a reclaim,
 * fence waits) answer requests only a running job makes, or are stale ones it drops (a counter)
 * or a reset it ignores when idle. The map writes the table alone and sends nothing. So taking
 * it at once reaches the same states, and the device stays idle with the map first until it is
 * taken (test/explorer/movers-audit.test.ts checks both on whole graphs). With a thread posting
 * a job directly, the job could start first and its accesses find the table without the map:
 * the order matters, and no map to that device is taken at once.
 * Whether a monitor can tell is the search's question (returns.ts): stale-spte, which judges
 * every map, says when it cannot (memory-safety.ts `allowsEarly`).
 */
import type { DeviceContext } from './device.machine.ts';

/** Whether the device in `context` takes `event`, just posted to its empty ring, as a left mover. */
export function mapCommutes(context: DeviceContext, event: { type: string }): boolean {
  return event.type === 'dev.map' && context.job === null && context.queue.length === 0;
}

/** Whether a thread posts to device `dev` directly (a job), by its ops among the actors' `inputs`. */
export function postedByThreads(inputs: readonly unknown[], dev: string): boolean {
  return inputs.some((input) => {
    const ops = (input as { ops?: { to?: string }[] } | undefined)?.ops;
    return Array.isArray(ops) && ops.some((op) => op.to === dev);
  });
}
