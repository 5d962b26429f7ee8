/**
 * Signals in scenarios (docs/scenarios.md "Signals"): the bundled signal scenario keeps every
 * property with the correct userptr profiles, finds a callback that gives up on -ERESTARTSYS,
 * and its exploration covers the signal landing before the callback's wait and while it sleeps.
 */
import { describe, expect, it } from 'vitest';
import { EINTR, ERESTARTSYS } from '../../machines/errno.ts';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { main } from '../../src/cli/main.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

const SEED = 'scenarios/seeds/signal-during-fence-wait.yaml';
const BUGGY = 'examples/drivers/interruptible-wait-driver.ts';

describe('signals in the bundled battery', () => {
  it.each(['userptr-fence-after-unlock', 'userptr-fence-under-lock'])(
    'should keep every property with the %s profile, whose callback waits uninterruptibly',
    async (profile) => {
      const outcome = await checkScenario(SEED, { params: { profile } });
      expect(outcome.stats.complete).toBe(true);
      expect(outcome.violations.map((v) => v.kind)).toEqual([]);
    },
  );

  it('should reach the interrupted wait both ways: signal before the wait begins, and while it sleeps', async () => {
    const driver = { machine: await loadDriverModule(BUGGY), name: BUGGY };
    const { world } = await worldFor(SEED, driver);
    const fence = world.actors.findIndex((a) => a.id === 'fence:job0');
    const seen = new Set<string>();
    const recorder: Monitor = {
      name: 'signal-orders',
      onStep(_ctx, record, before) {
        if (record.actor !== 'fence:job0') return null;
        const type = record.message.event.type;
        if (record.observations.some((o) => o.kind === 'fence.waitEnd' && o.result === ERESTARTSYS))
          seen.add('woken while asleep');
        const signals = (world.snapshot(before, fence).context as { signals: { tid: string }[] }).signals;
        if (type === 'fence.wait' && signals.some((s) => s.tid === 'thread:cpu')) seen.add('refused before sleeping');
        return null;
      },
    };
    const result = exhaustiveSearch(world, 'bfs', { monitors: [recorder], maxStates: 200_000 });
    expect(result.stats.complete).toBe(true);
    expect([...seen].sort()).toEqual(['refused before sleeping', 'woken while asleep']);
  });

  it('should end the submission lock wait of a signalled xe-like submitter with -EINTR in some interleavings', async () => {
    const file = 'scenarios/seeds/signal-during-submit-lock.yaml';
    const { world } = await worldFor(file);
    const seen = new Set<string>();
    const recorder: Monitor = {
      name: 'interrupted-locks',
      onStep(_ctx, record) {
        for (const o of record.observations) if (o.kind === 'lock.interrupted') seen.add(`${o.lock} ${o.tid}`);
        const ev = record.message.event as { type: string; result?: number };
        if (record.actor === 'thread:gpu' && ev.type === 'drv.submitResult') seen.add(`submit ${ev.result}`);
        return null;
      },
    };
    expect(exhaustiveSearch(world, 'bfs', { monitors: [recorder], maxStates: 200_000 }).stats.complete).toBe(true);
    expect(seen).toContain('lock:gpu0 thread:gpu');
    expect(seen).toContain(`submit ${EINTR}`);
    expect(seen).toContain('submit 0');
    expect((await checkScenario(file)).violations).toEqual([]);
  });

  it('should report that a callback giving up on -ERESTARTSYS BREAKS use-after-free, found by the signal scenario', async () => {
    const lines: string[] = [];
    const code = await main(['node', 'mirrorlab', 'check', '--driver', BUGGY], (s) => lines.push(s));
    const out = lines.join('\n');
    expect(code).toBe(1);
    // Only the scenario with a signal finds it: fence-wait-after-unlock (earlier in file order) keeps.
    expect(out).toMatch(/BREAKS {2}use-after-free {2}\(in signal-during-fence-wait\)/);
    expect(out).toMatch(/thread\.signal/);
  });
});

describe('signals between scenario threads', () => {
  it('should let a later interruptible wait sleep once the signal was handled on return to user space', async () => {
    const outcome = await checkScenario('test/scenarios/fixtures/signal-then-wait-again.yaml');
    expect(outcome.mismatch).toBeNull();
    expect(outcome.stats.complete).toBe(true);
  });

  it('should end a thread killed by a fatal signal without unhandled messages or deadlock', async () => {
    const outcome = await checkScenario('test/scenarios/fixtures/fatal-signal-ends-thread.yaml');
    expect(outcome.violations.map((v) => v.kind)).toEqual([]);
    expect(outcome.stats.complete).toBe(true);
  });

  it('should take a stray fence.interrupt to a fence with no interruptible wait as a no-op, not an unhandled event', async () => {
    const outcome = await checkScenario('test/scenarios/fixtures/stray-fence-interrupt.yaml');
    expect(outcome.violations.map((v) => v.kind)).toEqual([]);
    expect(outcome.stats.complete).toBe(true);
  });
});
