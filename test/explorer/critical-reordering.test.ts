/**
 * The critical reordering names the pair that matters on every bundled bug (issue 13 item 6).
 * Each expectation below comes from the bug itself: which two steps, once swapped, close the
 * window the bug leaves open. A step is matched by its actor, event, sender and thread of
 * control (tid); `null` where no order of steps is the cause.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckOptions, checkScenario } from '../../src/check/check-scenario.ts';
import { findCriticalReordering } from '../../src/explorer/critical-reordering.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';
import { loadDriverModule } from '../../src/scenario/compile.ts';

interface StepLike {
  actor: string | RegExp;
  event: string | RegExp;
  from?: string;
  tid?: string;
}
interface Bug {
  file: string;
  driver?: string;
  params?: CheckOptions['params'];
  kinds: string[];
  why: string;
  pair: { first: StepLike; second: StepLike } | null;
}

const bugs: Bug[] = [
  {
    file: 'scenarios/seeds/missing-set-seq.yaml',
    kinds: ['stale-spte', 'use-after-free'],
    why: 'without set_seq only the lock order protects the fault: the callback entering the driver before the fault has its walk result takes the lock first, and the fault then maps what it walked before the invalidation',
    pair: {
      first: { actor: 'drv:gpu0', event: 'drv.invalidate', tid: 'thread:cpu' },
      second: { actor: 'drv:gpu0', event: 'hmm.rangeResult', tid: 'dev:gpu0/engine' },
    },
  },
  {
    file: 'scenarios/seeds/retry-outside-lock.yaml',
    kinds: ['stale-spte', 'use-after-free'],
    why: 'read_retry outside the lock checks the seq after the invalidation reached the subscription but before its callback, under the lock, sets the seq',
    pair: {
      first: { actor: 'sub:gpu0', event: 'sub.invalidate', tid: 'thread:cpu' },
      second: { actor: 'sub:gpu0', event: 'sub.readRetry', from: 'drv:gpu0', tid: 'dev:gpu0/engine' },
    },
  },
  {
    file: 'scenarios/bench/seq-retry-bug.yaml',
    params: { rounds: 2 },
    kinds: ['stale-spte'],
    why: 'the same read_retry outside the lock, in the Spin yardstick',
    pair: {
      first: { actor: 'sub:gpu0', event: 'sub.invalidate', tid: 'thread:cpu' },
      second: { actor: 'sub:gpu0', event: 'sub.readRetry', from: 'drv:gpu0', tid: 'thread:drv0' },
    },
  },
  {
    file: 'scenarios/seeds/registration-cache-unpinned.yaml',
    kinds: ['stale-spte'],
    why: 'the cache keeps what it registered across an invalidation, relying on a pin it did not take: a registration walked before the invalidation stays stale',
    pair: {
      first: { actor: 'mm:p1', event: 'hmm.rangeFault', from: 'drv:nic0' },
      second: { actor: 'sub:nic0', event: 'sub.invalidate' },
    },
  },
  {
    file: 'scenarios/seeds/registration-cache-unpinned.yaml',
    kinds: ['use-after-free'],
    why: 'once the callback has returned the core lets the mm free the page, and nothing pins it for the device access that follows',
    pair: {
      first: { actor: 'core:p1', event: 'sub.callbackReturned' },
      second: { actor: 'dev:nic0', event: 'dev.step' },
    },
  },
  {
    file: 'scenarios/seeds/fence-wait-under-lock.yaml',
    kinds: ['deadlock', 'fence-unsignaled'],
    why: "the callback takes the driver lock and waits under it for the job's fence, whose completion path needs that lock: the two acquisitions race",
    pair: {
      first: { actor: 'lock:gpu0', event: 'lock.acquire', from: 'drv:gpu0', tid: 'thread:cpu' },
      second: { actor: 'lock:gpu0', event: 'lock.acquire', from: 'dev:gpu0', tid: 'dev:gpu0/engine' },
    },
  },
  {
    file: 'scenarios/seeds/fence-signal-allocates.yaml',
    kinds: ['deadlock', 'fence-unsignaled'],
    why: "gpuA's signalling path reclaims in pb after gpuB's submission began: the reclaim's invalidation makes gpuB's callback wait for gpuB's job, which waits for gpuA's fence",
    pair: {
      first: { actor: 'mm:pb', event: 'hmm.rangeFault', from: 'drv:gpuB', tid: 'thread:b' },
      second: { actor: 'mm:pb', event: 'mm.reclaim', from: 'dev:gpuA', tid: 'dev:gpuA/engine' },
    },
  },
  {
    file: 'scenarios/seeds/fence-wait-under-lock.yaml',
    kinds: ['potential-deadlock'],
    why: 'an inference over lock orders, not a schedule that fails: no pair',
    pair: null,
  },
  {
    file: 'scenarios/seeds/oom-reaper-sleeps.yaml',
    kinds: ['sleep-in-nonblock'],
    why: "the reaper's callback sleeps on the lock in every order: no pair",
    pair: null,
  },
  ...['fault-vs-unmap', 'registration-cache-pinned', 'oom-reaper-sleeps'].map(
    (s): Bug => ({
      file: `scenarios/seeds/${s}.yaml`,
      driver: 'examples/drivers/early-return-driver.ts',
      kinds: ['stale-spte'],
      why: 'the callback returns before its device confirmed the zap: the core lets the mm change the PTE while the zap is still on its way',
      pair: {
        first: { actor: 'core:p1', event: 'sub.callbackReturned' },
        second: { actor: /^dev:/, event: 'dev.zap' },
      },
    }),
  ),
  {
    file: 'scenarios/seeds/fault-vs-unmap.yaml',
    driver: 'examples/drivers/early-return-driver.ts',
    kinds: ['use-after-free'],
    why: 'the callback returns before the device stopped using the page: the page is freed, and the device accesses it after',
    pair: {
      first: { actor: 'core:p1', event: 'sub.callbackReturned' },
      second: { actor: 'dev:gpu0', event: 'dev.step' },
    },
  },
];

function matches(step: SemanticStep, want: StepLike): boolean {
  const is = (v: string, w: string | RegExp) => (typeof w === 'string' ? v === w : w.test(v));
  const tid = (step.event as { tid?: string }).tid;
  return (
    is(step.actor, want.actor) &&
    is(step.event.type, want.event) &&
    (want.from === undefined || step.from === want.from) &&
    (want.tid === undefined || tid === want.tid)
  );
}

const describeStep = (s: SemanticStep) =>
  `${s.actor} ← ${s.event.type}${s.from ? ` from ${s.from}` : ''} (${(s.event as { tid?: string }).tid ?? 'no tid'})`;

describe('the critical reordering of every bundled bug', () => {
  for (const bug of bugs) {
    const name = `${bug.file}${bug.driver ? ` with ${bug.driver}` : ''}`;
    it(`should name the pair that matters for ${bug.kinds.join(', ')} in ${name}`, async () => {
      const driver = bug.driver
        ? { machine: await loadDriverModule(resolve(bug.driver)), name: bug.driver }
        : undefined;
      const c = await checkScenario(bug.file, { driver, params: bug.params });
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
        const got = `${describeStep(r!.first.step)} before ${describeStep(r!.second.step)}`;
        expect(
          matches(r!.first.step, bug.pair.first) && matches(r!.second.step, bug.pair.second),
          `${kind}: got ${got}; ${bug.why}`,
        ).toBe(true);
        // The first step is one of the reported counterexample; the swap really happened.
        expect(r!.first.index).toBeLessThan(v!.trace.length);
        expect(r!.text).toMatch(/^the race: step \d+ \(.*\) before step \d+ \(.*\)$/);
      }
    });
  }
});
