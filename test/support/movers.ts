/**
 * The deliveries the search may take in the step that sends them by the receiving machine's own
 * rule (machines/drivers/movers.ts for a built-in driver, machines/notifier-movers.ts for a
 * subscription and the notifier core, machines/device-movers.ts for a device), for the tests
 * that check those rules on whole graphs.
 */
import { type DeviceContext, deviceMachine } from '../../machines/device.machine.ts';
import { mapCommutes, postedByThreads } from '../../machines/device-movers.ts';
import { isBuiltInDriverMachine } from '../../machines/drivers/driver.machine.ts';
import type { DriverContext } from '../../machines/drivers/driver-types.ts';
import { faultsFromOneThread, replyCommutes } from '../../machines/drivers/movers.ts';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import type { NotifierCoreContext } from '../../machines/notifier-core-types.ts';
import {
  coreReplyCommutes,
  retriesUnderLock,
  subscriptionReplyCommutes,
  walksMayOverlap,
} from '../../machines/notifier-movers.ts';
import { type RangeNotifierContext, rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';
import type { ControlledWorld, WorldState } from '../../src/runtime/controlled-world.ts';

/**
 * The thread of `event`, a message to actor `actor` in `s`, when it is a reply the rule of that
 * actor's machine lets the search take at once; null otherwise. `overlapping`: apply the
 * subscription's and the core's rules even where two walks may overlap, which they exclude.
 */
export function moverThread(
  world: ControlledWorld,
  s: WorldState,
  actor: number,
  event: { type: string; tid?: unknown },
  overlapping = false,
): string | null {
  if (typeof event.tid !== 'string') return null;
  const { machine, input } = world.actors[actor];
  const context = world.snapshot(s, actor).context;
  const alone = (core: string) =>
    overlapping ||
    !walksMayOverlap(
      world.actors.map((a) => a.input),
      (world.actors[world.indexOf(core)].input as { mm: string }).mm,
    );
  const sub = input as { core: string; driver: string };
  // The receiver's other steps now: every delivery it could take but this one.
  const others = world.stepsOf(actor, s.vec[actor]).map((ls) => (ls.record ?? world.resolve(ls)).message.event.type);
  others.splice(others.indexOf(event.type), 1);
  const takes = isBuiltInDriverMachine(machine)
    ? replyCommutes(
        context as DriverContext,
        event,
        faultsFromOneThread(
          world.actors.map((a) => a.input),
          world.actors[actor].id,
          (input as { dev: string }).dev,
        ),
      )
    : machine === rangeNotifierMachine
      ? subscriptionReplyCommutes(
          context as RangeNotifierContext,
          event,
          { walksAlone: alone(sub.core), retriesUnderLock: retriesUnderLock(world.actors, sub.driver) },
          others,
        )
      : machine === notifierCoreMachine &&
        alone(world.actors[actor].id) &&
        coreReplyCommutes(context as NotifierCoreContext, event);
  return takes ? event.tid : null;
}

/** Whether `event`, a message to actor `actor` in `s`, is a delivery some machine's rule lets the search take at once. */
export function isMover(
  world: ControlledWorld,
  s: WorldState,
  actor: number,
  event: { type: string; tid?: unknown },
  overlapping = false,
): boolean {
  if (world.actors[actor].machine === deviceMachine)
    return (
      !postedByThreads(
        world.actors.map((a) => a.input),
        world.actors[actor].id,
      ) && mapCommutes(world.snapshot(s, actor).context as DeviceContext, event)
    );
  return moverThread(world, s, actor, event, overlapping) !== null;
}
