/**
 * The claims of machines/drivers/movers.ts and machines/notifier-movers.ts, checked on whole
 * state graphs rather than argued: wherever a built-in driver, a subscription or the notifier
 * core has a reply its rule accepts and another step, the two commute (either order reaches the
 * same channel-canonical state, and neither disables the other). Steps of two different actors
 * commute by the runtime's delivery rules, so only the receiver's own pairs are compared. Every
 * seed and every profile scenario, and seq-retry, each graph to its end or to a bound on its
 * states (work, not time). Taking a callback's grant with a fence published, say, fails here on
 * every userptr scenario.
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { auditCommutation } from '../../src/explorer/reduction/commutation-audit.ts';
import type { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { moverThread } from '../support/movers.ts';
import { SHIPPED_SCENARIOS } from '../support/shipped-scenarios.ts';

const MAX_STATES = 30_000;

type Receiver = 'drv' | 'sub' | 'core';

/**
 * Pairs (a taken reply, another step of its receiver) compared, per kind of receiver, and the
 * first that does not commute. `overlapping`: as if a subscription's and the core's replies
 * were taken where walks may overlap too.
 */
function audit(
  world: ControlledWorld,
  overlapping = false,
): { pairs: Record<Receiver, number>; failure: string | null } {
  const pairs: Record<Receiver, number> = { drv: 0, sub: 0, core: 0 };
  let failure: string | null = null;
  auditCommutation(world, {
    maxStates: MAX_STATES,
    mover: (s, d) =>
      d.kind === 'deliver' && moverThread(world, s, d.actor, world.describe(s, d).event, overlapping) !== null,
    against: (_s, d, x) => x.actor === d.actor,
    pair(s, d, x, why) {
      pairs[world.actors[d.actor].id.split(':')[0] as Receiver]++;
      if (why === null) return false;
      const at = world.actors[d.actor].id;
      failure = `${at}: ${JSON.stringify(world.describe(s, d).event)} ${why} ${JSON.stringify(world.describe(s, x).event)}`;
      return true;
    },
  });
  return { pairs, failure };
}

describe('the replies taken at once commute with their receiver’s other steps', () => {
  it.each(SHIPPED_SCENARIOS)('%s %o', async (file, params) => {
    const { world } = await worldFor(file, undefined, params);
    const r = audit(world);
    expect(r.failure).toBeNull();
    // Not vacuous where it matters most: seq-retry's two drivers meet callbacks all the time,
    // and the CPU thread's invalidations walk both subscriptions beside their faults.
    // Not vacuous where it matters most: seq-retry's two drivers meet callbacks all the time,
    // and its CPU thread's invalidations walk both subscriptions beside their faults; a remove
    // meets the core while a walk is on.
    if (file.includes('seq-retry')) expect(Math.min(r.pairs.drv, r.pairs.sub)).toBeGreaterThan(100);
    if (file.endsWith('remove-during-invalidate.yaml')) expect(r.pairs.core).toBeGreaterThan(0);
  });

  it('would fail if the subscription took a return while another thread’s walk may reach it', async () => {
    // Reclaim invalidates beside the munmap: both threads' callbacks return to a subscription,
    // and which return it takes first orders their calls to the core.
    const { world } = await worldFor('test/explorer/fixtures/concurrent-invalidations.yaml');
    expect(audit(world).pairs).toMatchObject({ sub: 0, core: 0 });
    expect(audit(world, true).failure).toMatch(
      /^sub:gpu\d: \{"type":"drv\.invalidateReturned".*does not commute with \{"type":"drv\.invalidateReturned"/,
    );
  });
});
