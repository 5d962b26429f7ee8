/**
 * The claims of machines/drivers/movers.ts, machines/notifier-movers.ts and
 * machines/device-movers.ts, checked on whole state graphs rather than argued: wherever a rule
 * accepts a delivery and its receiver has another step, the two commute (either order reaches the
 * same channel-canonical state, each observes the same, and neither disables the other); and
 * after any step of any actor the delivery is still one the rule accepts, so a rule that held when
 * the message was sent holds until it is taken. Steps of two different actors commute by the
 * runtime's delivery rules up to the case movers.ts notes, so only the receiver's own pairs are
 * compared for commutation. Every seed and every profile scenario, seq-retry, and two walks at
 * once, each graph to its end or to a bound on its states (work, not time). Taking a callback's
 * grant with a fence published, say, fails here on every userptr scenario.
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { auditCommutation } from '../../src/explorer/reduction/commutation-audit.ts';
import type { ControlledWorld, Step, WorldState } from '../../src/runtime/controlled-world.ts';
import { isMover } from '../support/movers.ts';
import { SHIPPED_SCENARIOS } from '../support/shipped-scenarios.ts';

const MAX_STATES = 30_000;

type Receiver = 'drv' | 'sub' | 'core' | 'dev';

/**
 * The deliveries a rule takes (`movers`) and the pairs (one of them, another step of its
 * receiver) compared, per kind of receiver, and the first pair that does not commute.
 * `overlapping`: as if a subscription's and the core's replies were taken where walks may
 * overlap too.
 */
function audit(
  world: ControlledWorld,
  overlapping = false,
): {
  movers: Record<Receiver, number>;
  moverTypes: Set<string>;
  pairs: Record<Receiver, number>;
  failure: string | null;
} {
  const movers: Record<Receiver, number> = { drv: 0, sub: 0, core: 0, dev: 0 };
  const moverTypes = new Set<string>();
  const pairs: Record<Receiver, number> = { drv: 0, sub: 0, core: 0, dev: 0 };
  let failure: string | null = null;
  auditCommutation(world, {
    maxStates: MAX_STATES,
    mover(s, d) {
      if (d.kind !== 'deliver') return false;
      const { event } = world.describe(s, d);
      if (!isMover(world, s, d.actor, event, overlapping)) return false;
      const receiver = world.actors[d.actor].id.split(':')[0] as Receiver;
      movers[receiver]++;
      moverTypes.add(`${receiver}:${event.type}`);
      return true;
    },
    pair(s, d, x, why) {
      if (x.actor === d.actor) pairs[world.actors[d.actor].id.split(':')[0] as Receiver]++;
      const at = world.actors[d.actor].id;
      const text = (what: string) =>
        `${at}: ${JSON.stringify(world.describe(s, d).event)} ${what} ${JSON.stringify(world.describe(s, x).event)}`;
      // Another actor's step is compared for the rule's stability only: the runtime's rules make
      // it commute, up to appends into one channel in another order (see the note in movers.ts).
      if (x.actor === d.actor && why !== null) failure = text(why);
      else if (!stillTaken(world, s, d, x, overlapping)) failure = text('is no longer taken after');
      return failure !== null;
    },
  });
  return { movers, moverTypes, pairs, failure };
}

/**
 * After step `x`, delivery `d` (still pending, as commuting implies) is still one the rule takes:
 * a rule that held when the message was sent holds until it is delivered, so taking it at once
 * skips only interleavings that commute.
 */
function stillTaken(world: ControlledWorld, s: WorldState, d: Step, x: Step, overlapping: boolean): boolean {
  const t = world.apply(s, x).state;
  const want = JSON.stringify(world.describe(s, d));
  const again = world.enabled(t).find((e) => JSON.stringify(world.describe(t, e)) === want);
  return again !== undefined && isMover(world, t, again.actor, world.describe(t, again).event, overlapping);
}

describe('the deliveries taken at once commute with their receiver’s other steps', () => {
  it.each(SHIPPED_SCENARIOS)('%s %o', async (file, params) => {
    const { world } = await worldFor(file, undefined, params);
    const r = audit(world);
    expect(r.failure).toBeNull();
    // Not vacuous where it matters most: seq-retry's two drivers meet callbacks all the time,
    // and its CPU thread's invalidations walk both subscriptions beside their faults; a remove
    // meets the core while a walk is on.
    if (file.includes('seq-retry')) expect(Math.min(r.pairs.drv, r.pairs.sub)).toBeGreaterThan(100);
    // A device's map: nothing else of the device is ever enabled beside it (its ring is FIFO, and
    // it runs no job), so it has no pair to compare, everywhere the rule takes one.
    if (file.includes('seq-retry')) expect(r.movers.dev).toBeGreaterThan(100);
    expect(r.pairs.dev).toBe(0);
    if (file.endsWith('remove-during-invalidate.yaml')) expect(r.pairs.core).toBeGreaterThan(0);
  });

  it('would fail if the subscription took a return while another thread’s walk may reach it', async () => {
    // Reclaim invalidates beside the munmap: both threads' callbacks return to a subscription,
    // and which return it takes first orders their calls to the core.
    const { world } = await worldFor('test/explorer/fixtures/concurrent-invalidations.yaml');
    // Only the read_retry of a driver under its lock, which no walk touches.
    expect([...audit(world).moverTypes].filter((t) => /^(sub|core):/.test(t))).toEqual(['sub:sub.readRetry']);
    expect(audit(world, true).failure).toMatch(
      // (the rule refuses a return beside another walk's call, so it is no longer taken once one comes)
      /^sub:gpu\d: \{"type":"drv\.invalidateReturned".*(does not commute with \{"type":"drv\.invalidateReturned"|is no longer taken after)/,
    );
  });
});
