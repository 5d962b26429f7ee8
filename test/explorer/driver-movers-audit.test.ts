/**
 * The claim machines/drivers/movers.ts makes, checked on whole state graphs rather than argued:
 * wherever a built-in driver has a reply `replyCommutes` accepts and another step, the two
 * commute (either order reaches the same channel-canonical state, and neither disables the
 * other). Steps of two different actors commute by the runtime's delivery rules, so only the
 * driver's own pairs are compared. Every seed and every profile scenario, and seq-retry, each
 * graph to its end or to a bound on its states (work, not time). Taking a callback's grant with
 * a fence published, say, fails here on every userptr scenario.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBuiltInDriverMachine } from '../../machines/drivers/driver.machine.ts';
import type { DriverContext } from '../../machines/drivers/driver-types.ts';
import { replyCommutes } from '../../machines/drivers/movers.ts';
import { worldFor } from '../../src/check/world-for.ts';
import type { ControlledWorld, Step, WorldState } from '../../src/runtime/controlled-world.ts';

const FILES: [string, Record<string, number>][] = [
  ...['scenarios/seeds', 'scenarios/profiles'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, Record<string, number>] => [join(dir, f), {}]),
  ),
  // Two drivers on one process, two rounds each: many grants and read_begins against callbacks.
  ['scenarios/bench/seq-retry.yaml', { ndrv: 2, rounds: 2 }],
  ['scenarios/bench/seq-retry-bug.yaml', { ndrv: 2, rounds: 2 }],
];
const MAX_STATES = 30_000;

const canonicalKey = (w: ControlledWorld, s: WorldState) => Array.from(s.vec, (v, i) => w.canonical(i, v)).join(',');
/** A step's identity across states: its actor and the message it delivers (or the option it takes). */
const identity = (w: ControlledWorld, s: WorldState, step: Step) => {
  const d = w.describe(s, step);
  return `${step.kind} ${d.actor} ${d.from ?? ''} ${d.thread ?? ''} ${JSON.stringify(d.event)}`;
};
const find = (w: ControlledWorld, s: WorldState, id: string) =>
  w.enabled(s).find((st) => identity(w, s, st) === id) ?? null;

/** Pairs (a taken reply, another step of its driver) compared, and the first that does not commute. */
function audit(world: ControlledWorld): { pairs: number; failure: string | null; states: number } {
  const drivers = new Set(world.actors.flatMap((a, i) => (isBuiltInDriverMachine(a.machine) ? [i] : [])));
  const seen = new Set([canonicalKey(world, world.initial)]);
  let level = [world.initial];
  let pairs = 0;
  while (level.length && seen.size < MAX_STATES) {
    const next: WorldState[] = [];
    for (const s of level) {
      const enabled = world.enabled(s);
      for (const d of enabled) {
        if (d.kind !== 'deliver' || !drivers.has(d.actor)) continue;
        const context = world.snapshot(s, d.actor).context as DriverContext;
        if (!replyCommutes(context, world.describe(s, d).event as { type: string; tid?: unknown })) continue;
        const dId = identity(world, s, d);
        const afterD = world.apply(s, d).state;
        for (const x of enabled) {
          if (x === d || x.actor !== d.actor) continue;
          pairs++;
          const xId = identity(world, s, x);
          const afterX = world.apply(s, x).state;
          const d2 = find(world, afterX, dId);
          const x2 = find(world, afterD, xId);
          const same =
            d2 !== null &&
            x2 !== null &&
            canonicalKey(world, world.apply(afterX, d2).state) === canonicalKey(world, world.apply(afterD, x2).state);
          if (!same) return { pairs, failure: `${dId} against ${xId}`, states: seen.size };
        }
      }
      for (const b of enabled) {
        const t = world.apply(s, b).state;
        const k = canonicalKey(world, t);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(t);
        }
      }
    }
    level = next;
  }
  return { pairs, failure: null, states: seen.size };
}

describe("a built-in driver's replies taken at once commute with its other steps", () => {
  const totals = { pairs: 0 };
  it.each(FILES)('%s %o', async (file, params) => {
    const { world } = await worldFor(file, undefined, params);
    const r = audit(world);
    expect(r.failure).toBeNull();
    totals.pairs += r.pairs;
  });

  it('compared some pairs at all (the audit is not vacuous)', () => {
    expect(totals.pairs).toBeGreaterThan(0);
  });
});
