/**
 * The checking mode of the monitor plan (issue 13 item 8): every monitor at every step,
 * compared with what the gated plan assumes. It must catch a monitor that declares too little,
 * and find nothing to report over every bundled scenario and the driver corpus (the driver
 * modules and the corpus: monitor-audit-drivers.test.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import type { SearchResult } from '../../src/explorer/search-types.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import { staleSptsMonitor } from '../../src/monitors/memory-safety.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import { ctxOf, topology } from '../../src/monitors/topology.ts';

const yamls = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));

async function audit(file: string, monitors: Monitor[], maxStates = 50_000): Promise<SearchResult> {
  const { world } = await worldFor(file);
  return exhaustiveSearch(world, 'bfs', { monitors, maxStates, checkMonitors: true });
}

const planFindings = (r: SearchResult) => r.violations.filter((v) => v.kind === 'monitor-plan');

describe('the checking mode catches a monitor that declares too little', () => {
  it('should report a monitor that reads an actor it does not declare', async () => {
    // stale-spte judged at mm steps from the device table, declaring the mm only.
    const blind: Monitor = { ...staleSptsMonitor, reads: (world) => topology(world).mms };
    const r = await audit('scenarios/seeds/missing-set-seq.yaml', [blind]);
    const found = planFindings(r);
    expect(found.length).toBe(1);
    expect(found[0].message).toMatch(/^stale-spte declares it reads mm:p1 at .*, but says/);
    expect(r.stats.monitorChecks!.discrepancies.length).toBeGreaterThan(0);
  });

  it('should report a monitor that reads messages on their way it does not declare (inFlight)', async () => {
    // sleep-in-atomic reads lock releases on their way (a released lock is let go); declaring
    // that it reads none of them hides the difference a release in flight makes.
    const lockWatch: Monitor = {
      name: 'lock-inbox',
      interest: (_w, record) => (record.actor.startsWith('mm:') ? 'global' : 'skip'),
      reads: (world) => topology(world).locks,
      inFlight: [],
      onStep: (ctx, _record, before) =>
        topology(ctx.world).locks.some((l) => ctx.world.inbox(before, l).length > 0)
          ? { kind: 'lock-inbox', message: 'a lock has mail' }
          : null,
    };
    const r = await audit('scenarios/seeds/fault-vs-unmap.yaml', [lockWatch]);
    expect(planFindings(r).map((v) => v.message)).toContainEqual(
      expect.stringMatching(
        /^lock-inbox declares it reads, of the messages on their way to lock:gpu0, only none at .*, but says/,
      ),
    );
    // Declaring every type it reads (any: it counts them all) leaves nothing to report.
    const honest = { ...lockWatch, inFlight: undefined };
    expect(planFindings(await audit('scenarios/seeds/fault-vs-unmap.yaml', [honest]))).toEqual([]);
  });

  it('should report a monitor that reads fields of an actor it does not declare (fieldsRead)', async () => {
    // A monitor judging the device's steps by whether the driver is serving a request, while it
    // declares it reads only the driver's `signalling`, which never changes there.
    const busyWatch: Monitor = {
      name: 'driver-busy',
      interest: (_w, record) => (record.actor.startsWith('dev:') ? 'global' : 'skip'),
      reads: (world) => topology(world).drivers,
      inFlight: [],
      fieldsRead: () => ['signalling'],
      onStep: (ctx, _record, before) =>
        topology(ctx.world).drivers.some((d) => ctxOf<{ request: unknown }>(ctx.world, before, d).request !== null)
          ? { kind: 'driver-busy', message: 'the driver serves a request' }
          : null,
    };
    const r = await audit('scenarios/seeds/fault-vs-unmap.yaml', [busyWatch]);
    expect(planFindings(r).map((v) => v.message)).toContainEqual(
      expect.stringMatching(/^driver-busy declares which fields it reads of drv:gpu0 at .*, but says/),
    );
    // Naming the field it reads leaves nothing to report.
    const honest: Monitor = { ...busyWatch, fieldsRead: () => ['signalling', 'request'] };
    expect(planFindings(await audit('scenarios/seeds/fault-vs-unmap.yaml', [honest]))).toEqual([]);
  });

  it('should report a monitor that says it is thread-scoped and reads a thread the step does not name (threadScoped)', async () => {
    // Judging each sleep by whether anyone at all holds a lock: the holder may be a thread that
    // neither sleeps here nor waits, which a thread-scoped monitor must not tell apart.
    const anyHolder: Monitor = {
      name: 'any-holder',
      threadScoped: true,
      interest: (_w, record) => (record.observations.some((o) => o.kind === 'sleep') ? 'global' : 'skip'),
      reads: (world) => topology(world).locks,
      inFlight: ['lock.release'],
      onStep: (ctx, _record, before) =>
        topology(ctx.world).locks.some((l) => ctxOf<{ holders: unknown[] }>(ctx.world, before, l).holders.length > 0)
          ? { kind: 'any-holder', message: 'someone holds a lock' }
          : null,
    };
    const r = await audit('scenarios/bench/seq-retry.yaml', [anyHolder]);
    expect(planFindings(r).map((v) => v.message)).toContainEqual(
      expect.stringMatching(/^any-holder declares it is thread-scoped at .*, but says/),
    );
    // The real sleep rules are thread-scoped: nothing to report (the seeds: it.each above).
    expect(planFindings(await audit('scenarios/bench/seq-retry.yaml', defaultMonitors()))).toEqual([]);
  });

  it('should report a verdict that only steps the monitor skips give', async () => {
    // stale-spte declaring it needs no step at all: ungated, it reports the stale entry of
    // retry-outside-lock; gated, nothing ever would.
    const idle: Monitor = { ...staleSptsMonitor, interest: () => 'skip' };
    const r = await audit('scenarios/seeds/retry-outside-lock.yaml', [idle]);
    const found = planFindings(r);
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(/^stale-spte declares it skips the step at dev:gpu0 ← .*which the gated plan never said$/),
    ]);
    // The report carries the schedule that showed it, ending at that step.
    expect(found[0].trace.at(-1)).toMatchObject({ actor: 'dev:gpu0' });
  });

  it('should let a skipped step repeat what a gated step said (a stale entry persists)', async () => {
    // The real stale-spte skips steps that keep an entry stale, having said so where it arose.
    const r = await audit('scenarios/seeds/retry-outside-lock.yaml', [staleSptsMonitor]);
    expect(planFindings(r)).toEqual([]);
    expect(r.violations.map((v) => v.kind)).toEqual(['stale-spte']);
  });

  it('should run every monitor at every step, and only in the checking mode', async () => {
    const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
    const checked = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), checkMonitors: true });
    const plain = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
    expect(plain.stats.monitorChecks).toBeUndefined();
    // Every step: each transition's, and each return taken with one (reduction/returns.ts).
    const steps = checked.stats.transitions + checked.stats.returnsTaken!;
    expect(checked.stats.returnsTaken).toBeGreaterThan(0);
    expect(checked.stats.monitorChecks!.steps).toBe(steps);
    const stepping = defaultMonitors().filter((m) => m.onStep).length;
    expect(checked.stats.monitorChecks!.calls).toBe(steps * stepping);
    expect(checked.violations).toEqual(plain.violations);
  });
});

/** Every bundled scenario, at a size that keeps the suite quick (bounded by states, not time). */
const bundled: { file: string; maxStates: number; params?: Record<string, number> }[] = [
  ...yamls('scenarios/seeds').map((file) => ({ file, maxStates: 50_000 })),
  ...yamls('scenarios/profiles').map((file) => ({ file, maxStates: 3_000 })),
  ...yamls('scenarios/conformance/hmm').map((file) => ({ file, maxStates: 1_500 })),
  { file: 'scenarios/bench/seq-retry.yaml', maxStates: 20_000, params: { rounds: 1 } },
  { file: 'scenarios/bench/seq-retry-bug.yaml', maxStates: 20_000, params: { rounds: 1 } },
];

describe('the checking mode over every bundled scenario', () => {
  for (const { file, maxStates, params } of bundled) {
    it(`should find the monitor plan faithful on ${file}`, async () => {
      const c = await checkScenario(file, { strategy: 'bfs', maxStates, params, checkMonitors: true });
      expect(c.stats.monitorChecks!.discrepancies).toEqual([]);
      expect(c.violations.map((v) => v.kind)).not.toContain('monitor-plan');
      // Complete searches keep their verdicts in the checking mode.
      if (c.stats.complete) expect(c.mismatch).toBeNull();
    });
  }
});
