/**
 * The claim machines/drivers/movers.ts makes, checked on whole state graphs rather than argued:
 * wherever a built-in driver has a reply `replyCommutes` accepts and another step, the two
 * commute (either order reaches the same channel-canonical state, and neither disables the
 * other). Steps of two different actors commute by the runtime's delivery rules, so only the
 * driver's own pairs are compared. Every seed and every profile scenario, and seq-retry, each
 * graph to its end or to a bound on its states (work, not time). Taking a callback's grant with
 * a fence published, say, fails here on every userptr scenario.
 */
import { describe, expect, it } from 'vitest';
import { isBuiltInDriverMachine } from '../../machines/drivers/driver.machine.ts';
import type { DriverContext } from '../../machines/drivers/driver-types.ts';
import { replyCommutes } from '../../machines/drivers/movers.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { auditCommutation } from '../../src/explorer/reduction/commutation-audit.ts';
import type { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { SHIPPED_SCENARIOS } from '../support/shipped-scenarios.ts';

const MAX_STATES = 30_000;

/** Pairs (a taken reply, another step of its driver) compared, and the first that does not commute. */
function audit(world: ControlledWorld): { pairs: number; failure: string | null } {
  const drivers = new Set(world.actors.flatMap((a, i) => (isBuiltInDriverMachine(a.machine) ? [i] : [])));
  let pairs = 0;
  let failure: string | null = null;
  auditCommutation(world, {
    maxStates: MAX_STATES,
    mover(s, d) {
      if (d.kind !== 'deliver' || !drivers.has(d.actor)) return false;
      const context = world.snapshot(s, d.actor).context as DriverContext;
      return replyCommutes(context, world.describe(s, d).event as { type: string; tid?: unknown });
    },
    against: (_s, d, x) => x.actor === d.actor,
    pair(s, d, x, why) {
      pairs++;
      if (why === null) return false;
      failure = `${JSON.stringify(world.describe(s, d).event)} ${why} ${JSON.stringify(world.describe(s, x).event)}`;
      return true;
    },
  });
  return { pairs, failure };
}

describe("a built-in driver's replies taken at once commute with its other steps", () => {
  it.each(SHIPPED_SCENARIOS)('%s %o', async (file, params) => {
    const { world } = await worldFor(file, undefined, params);
    const r = audit(world);
    expect(r.failure).toBeNull();
    // Not vacuous where it matters most: seq-retry's two drivers meet callbacks all the time.
    if (file.includes('seq-retry')) expect(r.pairs).toBeGreaterThan(100);
  });
});
