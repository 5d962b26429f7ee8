/**
 * Explanations that name the cause (issue 13 item 6): the deadlock's whole wait-for cycle,
 * including a remove's wait for the epoch it is called in; lockdep's recursive notifier map;
 * fence-unsignaled naming who waits; and a stable cycle reported before any terminal state.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

const removeInCallback = async () => ({
  machine: await loadDriverModule(resolve('test/monitors/fixtures/remove-in-callback-driver.ts')),
  name: 'remove-in-callback',
});

describe('a callback that removes its own subscription', () => {
  it('should deadlock with the cycle through the remove and the epoch its callback holds open', async () => {
    const c = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { driver: await removeInCallback() });
    const d = c.violations.find((v) => v.kind === 'deadlock')!;
    expect(d.message).toContain('thread:cpu waits for core:p1 to answer core.remove of sub:gpu0');
    expect(d.message).toContain('thread:cpu holds the epoch open');
    expect(d.message).toContain('callback on sub:gpu0 (in drv:gpu0)');
    expect(d.message).toMatch(/→ back to thread:cpu$/);
    const cycle = (d.details as { cycle: { tid: string; on: string }[] }).cycle;
    expect(cycle.map((e) => [e.tid, e.on])).toEqual([['thread:cpu', 'core:p1']]);
  });

  it('should report the recursive notifier map as a potential deadlock', async () => {
    const c = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml', { driver: await removeInCallback() });
    const p = c.violations.find((v) => v.kind === 'potential-deadlock')!;
    expect(p.message).toMatch(
      /^recursive mmu_notifier_map: thread:cpu calls core.remove inside an invalidate callback/,
    );
  });
});

describe('deadlock and fence-unsignaled messages', () => {
  it('should print the cycle of the fence wait under the lock, each wait naming its blocker', async () => {
    const c = await checkScenario('scenarios/seeds/fence-wait-under-lock.yaml');
    const d = c.violations.find((v) => v.kind === 'deadlock')!;
    expect(d.message).toContain('dev:gpu0/engine waits for lock:gpu0 held by thread:cpu');
    expect(d.message).toContain('thread:cpu waits for fence:job0, which dev:gpu0/engine would signal');
    const f = c.violations.find((v) => v.kind === 'fence-unsignaled')!;
    expect(f.message).toContain('waited for by thread:cpu');
    expect(f.message).toContain('carried by a job of thread:gpu that never completes');
    expect(f.message).toContain('dev:gpu0/engine waits for lock:gpu0 held by thread:cpu');
  });

  it('should report a deadlock within a depth bound that ends before any terminal state', async () => {
    const full = await checkScenario('scenarios/seeds/fence-wait-under-lock.yaml');
    const cycleAt = full.violations.find((v) => v.kind === 'deadlock')!.steps;
    // The least depth bound that shows the cycle: at most the counterexample's length (the
    // search's depth does not count the returns it takes in the step that answers them).
    let bounded = full;
    for (let depth = 1; depth <= cycleAt; depth++) {
      bounded = await checkScenario('scenarios/seeds/fence-wait-under-lock.yaml', { maxDepth: depth });
      if (bounded.violations.some((v) => v.kind === 'deadlock')) break;
    }
    expect(bounded.stats.complete).toBe(false);
    const d = bounded.violations.find((v) => v.kind === 'deadlock');
    expect(d?.message).toMatch(/^a wait-for cycle formed/);
    // No terminal state within the bound: fence-unsignaled, judged only there, is not reported.
    expect(bounded.violations.map((v) => v.kind)).not.toContain('fence-unsignaled');
  });

  it('should find no cycle when the callback waits for the fence after dropping the lock', async () => {
    // fence-wait-after-unlock waits with the lock dropped: no cycle, no deadlock anywhere.
    const c = await checkScenario('scenarios/seeds/fence-wait-after-unlock.yaml');
    expect(c.violations).toEqual([]);
  });
});
