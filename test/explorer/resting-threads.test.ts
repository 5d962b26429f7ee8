/**
 * The invariant that lets the search take a reply at once although a `threadScoped` monitor
 * judges it or reads what it sends (src/explorer/reduction/returns.ts, machines/bundled.ts),
 * checked on whole state graphs rather than argued: in a world of shipped machines, wherever a
 * reply the search may take is on its way to thread T (to T's own actor, or to a built-in
 * driver, a subscription or a notifier core working in T's context), T waits for nothing else
 * (no edge of the wait-for graph leaves it), and no step but that reply's delivery changes what
 * concerns T: the locks it holds (its releases on their way counted as done), the callbacks it
 * runs, whether it is inside a fence-signalling section, its walks of the notifier cores. Every seed and profile scenario, and seq-retry; each graph to its
 * end or to a bound on its states (work, not time).
 */
import { describe, expect, it } from 'vitest';
import { isBundledMachine } from '../../machines/bundled.ts';
import { threadMachine } from '../../machines/thread.machine.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { forEachState } from '../../src/explorer/reduction/commutation-audit.ts';
import { callbackTids, heldLocks, topology } from '../../src/monitors/topology.ts';
import { waitEdges } from '../../src/monitors/wait-for.ts';
import type { ControlledWorld, WorldState } from '../../src/runtime/controlled-world.ts';
import { driverAt } from '../support/driver-at.ts';
import { moverThread } from '../support/movers.ts';
import { SHIPPED_SCENARIOS } from '../support/shipped-scenarios.ts';

const MAX_STATES = 20_000;

/** What concerns thread `tid` in `s`, as the thread-scoped monitors see it. */
function concerning(world: ControlledWorld, s: WorldState, tid: string): string {
  const t = topology(world);
  const signalling = t.drivers.some((d) =>
    ((world.snapshot(s, d).context as { signalling?: string[] }).signalling ?? []).includes(tid),
  );
  // Its walks of the notifier cores: the wait-for graph makes it an epoch holder by them.
  const walks = t.cores.map((c) => {
    const core = world.snapshot(s, c).context as { starting: { tid: string }[]; started: string[] };
    return [core.starting.filter((x) => x.tid === tid), core.started.includes(tid)];
  });
  return JSON.stringify([
    heldLocks(world, s).get(tid) ?? [],
    callbackTids(world, s).get(tid) ?? null,
    signalling,
    walks,
  ]);
}

/** The replies on their way in `s` that the search may take: (receiver, message id, thread). */
function repliesOnTheirWay(world: ControlledWorld, s: WorldState): { actor: number; msg: number; tid: string }[] {
  const out: { actor: number; msg: number; tid: string }[] = [];
  world.actors.forEach((a, i) => {
    for (const msg of world.inbox(s, i)) {
      const m = world.message(msg);
      if (a.machine === threadMachine && m.thread === a.id) out.push({ actor: i, msg, tid: a.id });
      else {
        const tid = moverThread(world, s, i, m.event as { type: string; tid?: unknown });
        if (tid !== null) out.push({ actor: i, msg, tid });
      }
    }
  });
  return out;
}

/** The first state (as text) where the invariant fails, or null; and how many replies it saw. */
function audit(world: ControlledWorld): { replies: number; failure: string | null } {
  let replies = 0;
  let failure: string | null = null;
  forEachState(
    world,
    (s, enabled) => {
      const edges = waitEdges(world, s);
      for (const r of repliesOnTheirWay(world, s)) {
        replies++;
        if (edges.some((e) => e.tid === r.tid)) failure = `${r.tid} waits while its reply is on its way`;
        const was = concerning(world, s, r.tid);
        const reply = JSON.stringify(world.message(r.msg).event);
        for (const x of enabled) {
          if (failure) return true;
          const d = world.describe(s, x);
          if (x.actor === r.actor && d.kind === 'deliver' && JSON.stringify(d.event) === reply) continue;
          const now = concerning(world, world.apply(s, x).state, r.tid);
          if (now !== was) failure = `${d.actor} ← ${d.event.type} changes what concerns ${r.tid}: ${was} → ${now}`;
        }
      }
      return failure !== null;
    },
    MAX_STATES,
  );
  return { replies, failure };
}

describe('a thread whose reply is on its way is at rest (worlds of shipped machines)', () => {
  it.each(SHIPPED_SCENARIOS)('%s %o', async (file, params) => {
    const { world } = await worldFor(file, undefined, params);
    expect(world.actors.every((a) => isBundledMachine(a.machine))).toBe(true);
    const r = audit(world);
    expect(r.failure).toBeNull();
    // Not vacuous: every scenario has a thread whose call gets an answer.
    expect(r.replies).toBeGreaterThan(0);
  });

  it('fails with a driver module that answers its caller before it drops the lock', async () => {
    // Why the search needs shipped machines for it: the thread's reply is on its way while the
    // driver still holds the lock in that thread's name, and dropping it changes what it holds.
    const driver = await driverAt('test/explorer/fixtures/reply-before-unlock-driver.ts');
    const { world } = await worldFor('scenarios/bench/seq-retry.yaml', driver, { ndrv: 1, rounds: 2 });
    expect(world.actors.every((a) => isBundledMachine(a.machine))).toBe(false);
    expect(audit(world).failure).toMatch(
      /^drv:gpu0 ← drv\.invalidate changes what concerns thread:drv0: \[\["lock:gpu0"\]/,
    );
  });
});
