/**
 * The critical reordering names the pair that matters on every bundled bug (issue 13 item 6).
 * Each expectation below comes from the bug itself: which two steps, once swapped, close the
 * window the bug leaves open. A step is matched by its actor, event, sender and thread of
 * control (tid); `null` where no order of steps is the cause.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DRIVER_BUGS } from '../../machines/drivers/driver-types.ts';
import { type CheckOptions, checkScenario } from '../../src/check/check-scenario.ts';
import { findCriticalReordering } from '../../src/explorer/counterexamples/critical-reordering.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

/**
 * A step as `actor ← event [from sender] [@tid]`; the actor may end in `*` (any device).
 * Matched against a step of the schedule by those fields.
 */
type StepLike = string;
interface Bug {
  file: string;
  driver?: string;
  params?: CheckOptions['params'];
  kinds: string[];
  why: string;
  /** The pair that matters, first and second; null where no order of steps is the cause. */
  pair: [StepLike, StepLike] | null;
}

const seed = (name: string) => `scenarios/seeds/${name}.yaml`;
const early = 'examples/drivers/early-return-driver.ts';

const bugs: Bug[] = [
  {
    file: seed('missing-set-seq'),
    kinds: ['stale-spte', 'use-after-free'],
    why: "without set_seq the fault path's read_retry passes whatever the callback did, so only the lock order protects the fault: the callback taking the lock first zaps nothing, and the fault then maps what it walked before the invalidation (the fault taking it first maps, and the callback zaps that)",
    pair: [
      'lock:gpu0 ← lock.acquire from drv:gpu0 @thread:cpu',
      'lock:gpu0 ← lock.acquire from drv:gpu0 @dev:gpu0/engine',
    ],
  },
  {
    file: seed('retry-outside-lock'),
    kinds: ['stale-spte', 'use-after-free'],
    why: "read_retry outside the lock checks the seq before the callback, under the lock, sets it, and the fault maps after the callback's zap: once set_seq comes first, read_retry says retry (the nearer lock-order reversal also passes, but a correct driver is right in either lock order)",
    pair: [
      'sub:gpu0 ← sub.readRetry from drv:gpu0 @dev:gpu0/engine',
      'sub:gpu0 ← sub.setSeq from drv:gpu0 @thread:cpu',
    ],
  },
  {
    file: 'scenarios/bench/seq-retry-bug.yaml',
    params: { rounds: 2 },
    kinds: ['stale-spte'],
    why: "the same read_retry outside the lock, in the Spin yardstick: the driver thread's read_retry before the callback's set_seq",
    pair: ['sub:gpu0 ← sub.readRetry from drv:gpu0 @thread:drv0', 'sub:gpu0 ← sub.setSeq from drv:gpu0 @thread:cpu'],
  },
  {
    file: seed('registration-cache-unpinned'),
    kinds: ['stale-spte'],
    why: 'the cache keeps what it registered across an invalidation, relying on a pin it did not take: a registration walked before the invalidation stays stale',
    pair: ['mm:p1 ← hmm.rangeFault from drv:nic0', 'sub:nic0 ← sub.invalidate'],
  },
  {
    file: seed('registration-cache-unpinned'),
    kinds: ['use-after-free'],
    why: 'once the callback has returned the core lets the mm free the page, and nothing pins it for the device access that follows',
    pair: ['core:p1 ← sub.callbackReturned', 'dev:nic0 ← dev.step'],
  },
  {
    file: seed('fence-wait-under-lock'),
    kinds: ['deadlock', 'fence-unsignaled'],
    why: "the callback takes the driver lock and waits under it for the job's fence, whose completion path needs that lock: the two acquisitions race",
    pair: [
      'lock:gpu0 ← lock.acquire from drv:gpu0 @thread:cpu',
      'lock:gpu0 ← lock.acquire from dev:gpu0 @dev:gpu0/engine',
    ],
  },
  {
    file: seed('fence-signal-allocates'),
    kinds: ['deadlock', 'fence-unsignaled'],
    why: "gpuA's signalling path reclaims in pb (no mmap lock) while gpuB's submission holds gpuB's lock: the reclaim's callback then waits for gpuB's lock and gpuB's job, which waits for gpuA's fence",
    pair: [
      'lock:gpuB ← lock.acquire from drv:gpuB @thread:b',
      'lock:gpuB ← lock.acquire from drv:gpuB @dev:gpuA/engine',
    ],
  },
  {
    file: seed('fence-wait-under-lock'),
    kinds: ['potential-deadlock'],
    why: 'an inference over lock orders, not a schedule that fails: no pair',
    pair: null,
  },
  {
    file: seed('fence-signal-allocates'),
    kinds: ['potential-deadlock'],
    why: 'an inference over lock orders, not a schedule that fails: no pair',
    pair: null,
  },
  {
    file: seed('oom-reaper-sleeps'),
    kinds: ['sleep-in-nonblock'],
    why: "the reaper's callback sleeps on the lock in every order: no pair",
    pair: null,
  },
  ...['fault-vs-unmap', 'registration-cache-pinned', 'oom-reaper-sleeps'].map(
    (s): Bug => ({
      file: seed(s),
      driver: early,
      kinds: ['stale-spte'],
      why: 'the callback returns before its device confirmed the zap: the core lets the mm change the PTE while the zap is still on its way',
      pair: ['core:p1 ← sub.callbackReturned', 'dev:* ← dev.zap'],
    }),
  ),
  {
    file: seed('fault-vs-unmap'),
    driver: early,
    kinds: ['use-after-free'],
    why: 'the callback returns before the device stopped using the page: the page is freed, and the device accesses it after',
    pair: ['core:p1 ← sub.callbackReturned', 'dev:gpu0 ← dev.step'],
  },
];

const tidOf = (s: SemanticStep) => (s.event as { tid?: string }).tid;

/** `actor ← event [from sender] (@tid)`, the form the expectations use. */
function stepLike(s: SemanticStep): string {
  const tid = tidOf(s);
  return `${s.actor} ← ${s.event.type}${s.from ? ` from ${s.from}` : ''}${tid ? ` @${tid}` : ''}`;
}

function matches(step: SemanticStep, want: StepLike): boolean {
  const m = /^(\S+) ← (\S+)(?: from (\S+))?(?: @(\S+))?$/.exec(want);
  if (!m) throw new Error(`bad step pattern: ${want}`);
  const [, actor, event, from, tid] = m;
  const actorOk = actor.endsWith('*') ? step.actor.startsWith(actor.slice(0, -1)) : step.actor === actor;
  return (
    actorOk &&
    step.event.type === event &&
    (from === undefined || step.from === from) &&
    (tid === undefined || tidOf(step) === tid)
  );
}

/**
 * One check per scenario, driver and params: several entries of `bugs` are about the same search
 * (another kind of the same scenario), and each entry's test already uses one search for all its
 * kinds. The first test of a key runs it; the others reuse the same result.
 */
const checks = new Map<string, Promise<Awaited<ReturnType<typeof checkScenario>>>>();
function checkOnce(bug: Bug): Promise<Awaited<ReturnType<typeof checkScenario>>> {
  const key = JSON.stringify([bug.file, bug.driver ?? null, bug.params ?? null]);
  let c = checks.get(key);
  if (!c) {
    c = (async () => {
      const driver = bug.driver
        ? { machine: await loadDriverModule(resolve(bug.driver)), name: bug.driver }
        : undefined;
      return checkScenario(bug.file, { driver, params: bug.params });
    })();
    checks.set(key, c);
  }
  return c;
}

describe('the critical reordering of every bundled bug', () => {
  for (const bug of bugs) {
    const name = `${bug.file}${bug.driver ? ` with ${bug.driver}` : ''}`;
    it(`should name the pair that matters for ${bug.kinds.join(', ')} in ${name}`, async () => {
      const c = await checkOnce(bug);
      for (const kind of bug.kinds) {
        const v = c.violations.find((x) => x.kind === kind);
        expect(v, `${kind} found`).toBeDefined();
        const r = v!.trace.length
          ? findCriticalReordering(c.world, v!.trace, kind, { monitors: defaultMonitors })
          : null;
        if (bug.pair === null) {
          expect(r, bug.why).toBeNull();
          continue;
        }
        expect(r, `${kind}: ${bug.why}`).not.toBeNull();
        const got = `${stepLike(r!.first.step)} before ${stepLike(r!.second.step)}`;
        const ok = matches(r!.first.step, bug.pair[0]) && matches(r!.second.step, bug.pair[1]);
        expect(ok, `${kind}: got ${got}; ${bug.why}`).toBe(true);
        // The first step is one of the reported counterexample; the swap really happened.
        expect(r!.first.index).toBeLessThan(v!.trace.length);
        expect(r!.text).toMatch(/^the race: step \d+ \(.*\) before step \d+ \(.*\)$/);
        // One sender's two threads look alike: the line names them.
        const [a, b] = [r!.first.step, r!.second.step];
        if (a.actor === b.actor && a.from === b.from && tidOf(a) !== tidOf(b))
          expect(r!.text).toContain(` in ${tidOf(a)})`);
      }
    });
  }

  // "Every bundled bug": a seed or bench scenario that expects a violation, or plants a bug of
  // the built-in drivers, has its expected pair above; a new one without a pair fails here.
  it('should state the pair of every violation a bundled scenario expects and of every planted bug', () => {
    const files = [
      ...readdirSync('scenarios/seeds').map((f) => `scenarios/seeds/${f}`),
      ...readdirSync('scenarios/bench').map((f) => `scenarios/bench/${f}`),
    ].filter((f) => f.endsWith('.yaml'));
    const planted = new Set<string>();
    for (const file of files) {
      const doc = parse(readFileSync(file, 'utf8')) as {
        devices?: Record<string, { bugs?: string[] }>;
        expect?: { violations?: string[] };
      };
      const bugsHere = Object.values(doc.devices ?? {}).flatMap((d) => d.bugs ?? []);
      const stated = bugs.filter((b) => b.file === file && !b.driver).flatMap((b) => b.kinds);
      for (const kind of doc.expect?.violations ?? []) expect(stated, `${file}: ${kind}`).toContain(kind);
      if (bugsHere.length) {
        expect(stated.length, `${file} plants ${bugsHere.join(', ')}`).toBeGreaterThan(0);
        for (const b of bugsHere) planted.add(b);
      }
    }
    expect([...planted].sort()).toEqual([...DRIVER_BUGS].sort());
  });
});
