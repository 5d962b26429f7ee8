/**
 * A return is no scheduling point where no monitor can tell (src/explorer/reduction/returns.ts):
 * which threads and drivers qualify, which of a driver's replies are taken (machines/drivers/
 * movers.ts), which monitors keep every return a step, and that what the search reports with it
 * (counterexamples, lassos, its own graph) is in the full semantics. The verdicts against the
 * full search over every bundled scenario: reduction-soundness.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceContext } from '../../machines/device.machine.ts';
import type { DriverContext } from '../../machines/drivers/driver-types.ts';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { replayTrace } from '../../src/explorer/counterexamples/replay.ts';
import { replayLasso } from '../../src/explorer/liveness/lasso-replay.ts';
import { buildStateGraph } from '../../src/explorer/liveness/state-graph.ts';
import { applyTakingReturns, ReturnFusion } from '../../src/explorer/reduction/returns.ts';
import { stateKeyOf } from '../../src/explorer/reduction/state-key.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import type { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { driverAt } from '../support/driver-at.ts';

const SEQ_RETRY = 'scenarios/bench/seq-retry.yaml';
/** `a` returns from mprotect, then signals `b` without waiting (no reply, so no sleep). */
const RETURN_THEN_SIGNAL = [
  'name: return-then-signal',
  'processes:',
  '  p1:',
  '    vmas: [{ addr: 0x10000, length: 0x1000, prot: rw, type: private-anon }]',
  '    populate: [{ addr: 0x10000, value: 7 }]',
  'threads:',
  '  a: { process: p1, ops: [{ mprotect: { addr: 0x10000, length: 0x1000, prot: r } }, { signal: { thread: b } }] }',
  '  b: { process: p1, ops: [{ munmap: { addr: 0x10000, length: 0x1000 } }] }',
  'expect: { violations: [] }',
].join('\n');

describe("threads' returns taken in the step that answers them", () => {
  it('should take every thread that only its own calls answer, and no thread a signal may reach', async () => {
    const seq = (await worldFor(SEQ_RETRY, undefined, { ndrv: 2, rounds: 1 })).world;
    expect(ReturnFusion.for(seq, defaultMonitors())?.receivers()).toEqual([
      'core:p1',
      'sub:gpu0',
      'dev:gpu0',
      'drv:gpu0',
      'sub:gpu1',
      'dev:gpu1',
      'drv:gpu1',
      'thread:cpu',
      'thread:drv0',
      'thread:drv1',
    ]);
    // `killer` signals `cpu`: a signal is a message from another thread, which may come before the reply.
    const signalled = (await worldFor('scenarios/seeds/signal-during-fence-wait.yaml')).world;
    expect(ReturnFusion.for(signalled, defaultMonitors())?.receivers()).toEqual([
      'core:p1',
      'sub:gpu0',
      'dev:gpu0',
      'drv:gpu0',
      'thread:gpu',
      'thread:killer',
    ]);
  });

  it('should take fewer states than the exact search, and as many with sleep sets', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 2, rounds: 1 });
    const monitors = defaultMonitors();
    const exact = exhaustiveSearch(world, 'bfs', { monitors, reduction: 'none' });
    const canonical = exhaustiveSearch(world, 'bfs', { monitors, reduction: 'canonical' });
    const sleep = exhaustiveSearch(world, 'bfs', { monitors, reduction: 'sleep' });
    expect(exact.stats.returnsTaken).toBeUndefined();
    expect(canonical.stats.returnsTaken).toBeGreaterThan(0);
    expect(canonical.stats.states).toBeLessThan(exact.stats.states);
    expect(sleep.stats.states).toBe(canonical.stats.states);
    expect([exact, canonical, sleep].map((r) => r.violations)).toEqual([[], [], []]);
  });

  it('should take returns under symmetry too, each checked against its images', async () => {
    const { world } = await worldFor('test/explorer/fixtures/symmetry/cpu-replicas.yaml');
    const sym = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), symmetry: true });
    const plain = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() });
    expect(sym.stats.symmetry).toMatchObject({ group: 2 });
    expect(sym.stats.returnsTaken).toBeGreaterThan(0);
    expect(sym.stats.states).toBeLessThan(plain.stats.states);
    expect(sym.violations.map((v) => v.kind)).toEqual(plain.violations.map((v) => v.kind));
  });

  it('should keep every return a step for a monitor that does not say what it reads', async () => {
    const { world } = await worldFor(SEQ_RETRY);
    const silent: Monitor = { name: 'silent', onStep: () => null };
    expect(ReturnFusion.for(world, [...defaultMonitors(), silent])).toBeNull();
    const r = exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), silent] });
    expect(r.stats.returnsTaken).toBeUndefined();
  });

  it('should keep the returns a monitor judges globally, and the threads a monitor reads', async () => {
    const { world } = await worldFor(SEQ_RETRY);
    const everything: Monitor = { name: 'everything', interest: () => 'global', reads: () => [], onStep: () => null };
    expect(exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), everything] }).stats.returnsTaken).toBe(0);
    const cpu = world.indexOf('thread:cpu');
    const watchesCpu: Monitor = { name: 'watches-cpu', reads: () => [cpu], inFlight: [], onStep: () => null };
    expect(ReturnFusion.for(world, [...defaultMonitors(), watchesCpu])?.receivers()).toEqual([
      'core:p1',
      'sub:gpu0',
      'dev:gpu0',
      'drv:gpu0',
      'thread:drv0',
    ]);
  });

  it('should keep a return whose next message a monitor reads on its way', async () => {
    // `a`'s return from mprotect sends the signal to `b` in the same step: a monitor that reads
    // signals on their way to `b` makes that return a step of its own; one that reads none of
    // the messages on their way to `b` leaves it taken.
    const { world } = await worldFor('return-then-signal.yaml', undefined, {}, { text: RETURN_THEN_SIGNAL });
    const b = world.indexOf('thread:b');
    const watching = (inFlight: string[]): Monitor => ({
      name: 'watch-b',
      interest: (_w, record) => (record.actor === 'thread:b' ? 'global' : 'skip'),
      reads: () => [b],
      inFlight,
      onStep: () => null,
    });
    const taken = (extra: Monitor) =>
      exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), extra] }).stats.returnsTaken;
    expect(taken(watching([]))).toBeGreaterThan(0);
    expect(taken(watching(['thread.signal']))).toBe(0);
  });

  it('should take a return that goes on without waiting, with what it sends', async () => {
    // `a` returns from mprotect and signals `b` (no reply, so no sleep): the return is taken with
    // the step that answers it, and the signal goes out in that step too.
    const { world } = await worldFor('return-then-signal.yaml', undefined, {}, { text: RETURN_THEN_SIGNAL });
    expect(ReturnFusion.for(world, defaultMonitors())?.receivers()).toEqual(['core:p1', 'thread:a']);
    const monitors = defaultMonitors();
    const exact = exhaustiveSearch(world, 'bfs', { monitors, reduction: 'none' });
    const taken = exhaustiveSearch(world, 'bfs', { monitors });
    expect(taken.stats.returnsTaken).toBeGreaterThan(0);
    expect(taken.stats.states).toBeLessThan(exact.stats.states);
    expect([taken.violations, exact.violations]).toEqual([[], []]);
    // The liveness graph built apart takes the same returns: the states the search counted.
    const fusion = ReturnFusion.for(world, monitors);
    const keys = stateKeyOf(world, 'canonical');
    const built = buildStateGraph(world, 100_000, false, undefined, undefined, undefined, keys, null, fusion);
    expect(built.count).toBe(taken.stats.states);
  });

  it("should count a counterexample's scheduling points: its steps but the returns taken with them", async () => {
    // The planted bug of the Spin yardstick: 25 deliveries, of which 10 are returns, calls and maps taken
    // in the step that sent them, so 15 interleaving decisions (Spin's breadth-first trail: 21).
    const bug = await checkScenario('scenarios/bench/seq-retry-bug.yaml');
    const v = bug.violations.find((x) => x.kind === 'stale-spte')!;
    expect([v.steps, v.schedulingPoints]).toEqual([25, 15]);
    // Every delivery is a scheduling point of the exact search: nothing to count apart.
    const exact = await checkScenario('scenarios/bench/seq-retry-bug.yaml', { reduction: 'none' });
    expect(exact.violations.find((x) => x.kind === 'stale-spte')!.schedulingPoints).toBeUndefined();
  });

  it('should report counterexamples and lassos with the returns it took, replaying in the full semantics', async () => {
    const bug = await checkScenario('scenarios/bench/seq-retry-bug.yaml', { params: { rounds: 1 } });
    expect(bug.stats.returnsTaken).toBeGreaterThan(0);
    const v = bug.violations.find((x) => x.kind === 'stale-spte')!;
    const { world } = await worldFor('scenarios/bench/seq-retry-bug.yaml', undefined, { rounds: 1 });
    expect(replayTrace(world, v.trace, defaultMonitors()).violations.map((x) => x.kind)).toContain('stale-spte');

    // A fault that never completes: the cpu thread's last return is taken with the step that
    // answers it, so the lasso's prefix has a step the recorded graph's edge does not name.
    const driver = await driverAt('examples/drivers/never-completing-driver.ts');
    const live = await checkScenario(SEQ_RETRY, { driver, params: { rounds: 1 } });
    expect(live.stats.returnsTaken).toBeGreaterThan(0);
    const lasso = live.violations.find((x) => x.kind === 'livelock')!;
    const loopWorld = (await worldFor(SEQ_RETRY, driver, { rounds: 1 })).world;
    const replayed = replayLasso(loopWorld, lasso.trace, lasso.loopFrom!);
    expect(replayed.divergence).toBeNull();
    expect(replayed.closed).toBe(true);
  });
});

/** Calls `took` with each local step `fusion` takes at once, over the whole graph of `world` (breadth-first). */
function eachTaken(world: ControlledWorld, fusion: ReturnFusion, took: (step: number) => void): void {
  const seen = new Set([world.initial.vec.join(',')]);
  let level = [world.initial.vec];
  while (level.length) {
    const next: Int32Array[] = [];
    for (const vec of level)
      for (let a = 0; a < vec.length; a++)
        for (const ls of world.stepsOf(a, vec[a])) {
          const out = new Int32Array(vec.length);
          const taken: number[] = [];
          applyTakingReturns(world, fusion, vec, ls.id, out, taken);
          for (const t of taken) took(t);
          const key = out.join(',');
          if (!seen.has(key)) {
            seen.add(key);
            next.push(out);
          }
        }
    level = next;
  }
}

/**
 * The kinds of the replies `fusion` takes over the graph of `world` (`drv:sub.retryResult`), a
 * driver's lock grant by the region it goes to (the request's thread, or a callback's).
 */
function takenOver(world: ControlledWorld, fusion: ReturnFusion): { types: Set<string> } {
  const types = new Set<string>();
  eachTaken(world, fusion, (t) => {
    const r = world.localSteps[t].record!;
    const kind = `${r.actor.split(':')[0]}:${r.message.event.type}`;
    const context = world.snapshotById(world.localSteps[t].actor, r.before).context as DriverContext;
    const tid = (r.message.event as { tid?: string }).tid;
    types.add(kind === 'drv:lock.granted' ? `${kind} (${context.request?.tid === tid ? 'fault' : 'callback'})` : kind);
  });
  return { types };
}

/** The returns `fusion` takes over the graph after which the thread goes on (its last ones aside). */
function returnsGoingOn(world: ControlledWorld, fusion: ReturnFusion): number {
  let n = 0;
  eachTaken(world, fusion, (t) => {
    const r = world.localSteps[t].record!;
    if (r.actor.startsWith('thread:') && world.snapshotById(world.localSteps[t].actor, r.after).status !== 'done') n++;
  });
  return n;
}

describe('returns a thread-scoped monitor judges (the sleep rules, lockdep, the wait-for graph)', () => {
  it('should take a return whose thread calls again at once only where every machine is shipped', async () => {
    // The thread's next fault sleeps: the sleep rules judge it, but only by what concerns that
    // thread, which nothing changes while its reply is on its way (resting-threads.test.ts).
    const shipped = (await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 })).world;
    expect(returnsGoingOn(shipped, ReturnFusion.for(shipped, defaultMonitors())!)).toBeGreaterThan(0);
    // A module's driver may change what a thread holds behind its back: such returns stay steps.
    const module = await driverAt('examples/drivers/minimal-driver.ts');
    const custom = (await worldFor(SEQ_RETRY, module, { ndrv: 1, rounds: 2 })).world;
    expect(returnsGoingOn(custom, ReturnFusion.for(custom, defaultMonitors())!)).toBe(0);
  });

  it('should keep them for a monitor that judges them globally and is not thread-scoped', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    const sleeps: Monitor = {
      name: 'every-sleep',
      interest: (_w, record) => (record.observations.some((o) => o.kind === 'sleep') ? 'global' : 'skip'),
      reads: () => [],
      inFlight: [],
      onStep: () => null,
    };
    expect(returnsGoingOn(world, ReturnFusion.for(world, [...defaultMonitors(), sleeps])!)).toBe(0);
    expect(
      returnsGoingOn(world, ReturnFusion.for(world, [...defaultMonitors(), { ...sleeps, threadScoped: true }])!),
    ).toBeGreaterThan(0);
  });
});

/** What seq-retry's built-in driver takes at once (one thread faults into it: its fault calls too). */
const DRIVER_TAKES = [
  'drv:dev.zapped',
  'drv:drv.fault',
  'drv:hmm.rangeResult',
  'drv:lock.granted (callback)',
  'drv:lock.granted (fault)',
  'drv:sub.readBeginResult',
  'drv:sub.retryResult',
];

describe("a built-in driver's replies taken in the step that sends them", () => {
  it('should take the results of read_begin, the walk and read_retry, lock grants, zap confirmations and the fault call', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 1 });
    const { types } = takenOver(world, ReturnFusion.for(world, defaultMonitors())!);
    expect([...types].filter((t) => t.startsWith('drv:')).sort()).toEqual(DRIVER_TAKES);
    expect(types.has('thread:drv.faultResult')).toBe(true);
  });

  it("should keep the fault path's lock grants with the bug retry-outside-lock, which program at once", async () => {
    const { world } = await worldFor('scenarios/bench/seq-retry-bug.yaml', undefined, { rounds: 1 });
    const { types } = takenOver(world, ReturnFusion.for(world, defaultMonitors())!);
    expect([...types].filter((t) => t.startsWith('drv:')).sort()).toEqual(
      DRIVER_TAKES.filter((t) => t !== 'drv:lock.granted (fault)'),
    );
  });

  it("should take nothing of a module's own driver, whose regions the explorer does not know", async () => {
    const driver = await driverAt('examples/drivers/minimal-driver.ts');
    const { world } = await worldFor(SEQ_RETRY, driver, { ndrv: 1, rounds: 1 });
    const fusion = ReturnFusion.for(world, defaultMonitors())!;
    // The device's maps are the device's business (device-movers.ts), whoever posts them.
    expect(fusion.receivers()).toEqual(['dev:gpu0', 'thread:cpu', 'thread:drv0']);
    expect([...takenOver(world, fusion).types].filter((t) => t.startsWith('drv:'))).toEqual([]);
  });

  it('should keep the replies that change a driver field a monitor names, and every reply for one that names none', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 1 });
    const drv = world.indexOf('drv:gpu0');
    const reading = (fields?: string[]): Monitor => ({
      name: 'reads-the-driver',
      interest: () => 'skip',
      reads: () => [drv],
      inFlight: [],
      ...(fields ? { fieldsRead: () => fields } : {}),
      onStep: () => null,
    });
    const driverTypes = (m: Monitor) => {
      const fusion = ReturnFusion.for(world, [...defaultMonitors(), m])!;
      return [...takenOver(world, fusion).types].filter((t) => t.startsWith('drv:')).sort();
    };
    // A fault's call and the results of read_begin, the walk and read_retry write the request (the walk's, going on
    // to the lock, the list of lock waiters too); lock grants the list of lock waiters (and a
    // callback's run); the zap's confirmation ends the callback's run.
    expect(driverTypes(reading(['request']))).toEqual([
      'drv:dev.zapped',
      'drv:lock.granted (callback)',
      'drv:lock.granted (fault)',
    ]);
    expect(driverTypes(reading(['lockWaiters']))).toEqual([
      'drv:dev.zapped',
      'drv:drv.fault',
      'drv:sub.readBeginResult',
      'drv:sub.retryResult',
    ]);
    expect(driverTypes(reading(['callbacks']))).toEqual([
      'drv:drv.fault',
      'drv:hmm.rangeResult',
      'drv:lock.granted (fault)',
      'drv:sub.readBeginResult',
      'drv:sub.retryResult',
    ]);
    expect(driverTypes(reading())).toEqual([]);
    expect(ReturnFusion.for(world, [...defaultMonitors(), reading()])!.receivers()).not.toContain('drv:gpu0');
  });

  it("should reach the exact search's verdicts, with fewer states than threads' returns alone", async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 2, rounds: 1 });
    const monitors = defaultMonitors();
    const drivers = world.actors.flatMap((a, i) => (a.id.startsWith('drv:') ? [i] : []));
    // A monitor reading the drivers whole keeps their replies steps, and only those.
    const threadsOnly: Monitor = {
      name: 'drivers-whole',
      interest: () => 'skip',
      reads: () => drivers,
      inFlight: [],
      onStep: () => null,
    };
    const both = exhaustiveSearch(world, 'bfs', { monitors });
    const threads = exhaustiveSearch(world, 'bfs', { monitors: [...monitors, threadsOnly] });
    expect(both.stats.states).toBeLessThan(threads.stats.states);
    expect(both.stats.returnsTaken).toBeGreaterThan(threads.stats.returnsTaken!);
    const bug = await checkScenario('scenarios/bench/seq-retry-bug.yaml', { params: { ndrv: 2, rounds: 1 } });
    const bugExact = await checkScenario('scenarios/bench/seq-retry-bug.yaml', {
      params: { ndrv: 2, rounds: 1 },
      reduction: 'none',
    });
    expect(new Set(bug.violations.map((v) => v.kind))).toEqual(new Set(bugExact.violations.map((v) => v.kind)));
  });
});

describe("a subscription's and the notifier core's replies taken in the step that sends them", () => {
  it("should take a callback's return to its subscription and the subscription's to the core, not the epoch's end", async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 1 });
    const { types } = takenOver(world, ReturnFusion.for(world, defaultMonitors())!);
    expect([...types].filter((t) => /^(sub|core|mm):/.test(t)).sort()).toEqual([
      'core:sub.callbackReturned',
      'sub:drv.invalidateReturned',
      'sub:sub.invalidate',
      'sub:sub.readRetry',
    ]);
  });

  it('should take neither where reclaim or the OOM reaper may walk the core beside the lock holder', async () => {
    // Two walks at once: which return a subscription takes first orders their calls to the core
    // (movers-audit.test.ts shows the pair failing to commute). A read_retry under the driver's
    // lock is still taken: no walk touches what it reads.
    for (const file of [
      'test/explorer/fixtures/concurrent-invalidations.yaml',
      'scenarios/seeds/oom-reaper-trylock.yaml',
    ]) {
      const { world } = await worldFor(file);
      const { types } = takenOver(world, ReturnFusion.for(world, defaultMonitors())!);
      expect([...types].filter((t) => /^(sub|core):/.test(t))).toEqual(['sub:sub.readRetry']);
    }
  });

  it('should keep a return that ends a callback for a monitor reading the callbacks unless it is thread-scoped', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 1 });
    const sub = world.indexOf('sub:gpu0');
    const callbacks = (threadScoped: boolean): Monitor => ({
      name: 'reads-callbacks',
      threadScoped,
      interest: () => 'skip',
      reads: () => [sub],
      inFlight: [],
      fieldsRead: () => ['callbacks'],
      onStep: () => null,
    });
    const subTypes = (m: Monitor) =>
      [...takenOver(world, ReturnFusion.for(world, [...defaultMonitors(), m])!).types].filter((t) =>
        t.startsWith('sub:'),
      );
    // A read_retry leaves the callbacks alone; a callback's call and return add and drop the
    // entry of the thread at rest.
    expect(subTypes(callbacks(false))).toEqual(['sub:sub.readRetry']);
    expect(subTypes(callbacks(true)).sort()).toEqual([
      'sub:drv.invalidateReturned',
      'sub:sub.invalidate',
      'sub:sub.readRetry',
    ]);
  });
});

describe("a device's maps taken in the step that posts them", () => {
  it('should take a map posted to the empty ring of a device with no job, when it only adds entries', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 1 });
    expect(takenOver(world, ReturnFusion.for(world, defaultMonitors())!).types.has('dev:dev.map')).toBe(true);
    // Over graphs where devices run jobs too: every map taken found the device idle, its ring
    // empty and its entries new (device-movers.ts, memory-safety.ts `mapOnlyAdds`).
    let taken = 0;
    for (const file of [
      'scenarios/seeds/exit-while-device-faults.yaml',
      'scenarios/seeds/fence-wait-under-lock.yaml',
    ]) {
      const w = (await worldFor(file)).world;
      eachTaken(w, ReturnFusion.for(w, defaultMonitors())!, (t) => {
        const ls = w.localSteps[t];
        const r = ls.record!;
        if (r.message.event.type !== 'dev.map') return;
        taken++;
        const device = w.snapshotById(ls.actor, r.before).context as DeviceContext;
        expect([device.job, device.queue]).toEqual([null, []]);
        for (const e of (r.message.event as unknown as { entries: { addr: number }[] }).entries)
          expect(device.table[String(Math.floor(e.addr / device.pageSize))]).toBeUndefined();
      });
    }
    expect(taken).toBeGreaterThan(0);
  });

  it('should keep every map a step for a monitor that judges maps and does not allow them early', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 1 });
    const maps: Monitor = {
      name: 'every-map',
      interest: (_w, record) => (record.message.event.type === 'dev.map' ? 'global' : 'skip'),
      reads: () => [],
      inFlight: [],
      onStep: () => null,
    };
    const types = (m: Monitor) => takenOver(world, ReturnFusion.for(world, [...defaultMonitors(), m])!).types;
    expect(types(maps).has('dev:dev.map')).toBe(false);
    expect(types({ ...maps, allowsEarly: () => true }).has('dev:dev.map')).toBe(true);
  });
});
