/**
 * Deferred visited verdicts (src/explorer/visited/deferred-visits.ts), judged in batches on the search's
 * thread or by a worker thread (visited-pipeline.ts), must not change what a breadth-first
 * search finds: same states, transitions and shortest counterexamples as probing child by child
 * (which a search with a `maxStates` under 2^16 still does). Searches here are small, so the
 * worker is told to take over early (`pipelineFrom`).
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { exhaustiveSearch } from '../../src/explorer/node-search.ts';
import type { ReductionMode } from '../../src/explorer/reduction/state-key.ts';
import type { SearchResult } from '../../src/explorer/search-types.ts';
import { VisitedPipeline } from '../../src/explorer/visited/visited-pipeline.ts';
import { VisitedSet } from '../../src/explorer/visited/visited-set.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';

type Mode = 'child by child' | 'batched' | 'worker';

/**
 * seq-retry's states up to how senders interleave in an inbox, with the returns the search takes
 * at once (the threads', and the built-in driver's that machines/drivers/movers.ts names:
 * explorer/reduction/returns.ts); 9,750 exact states.
 */
const CANONICAL_STATES = 1_802;

async function search(file: string, mode: Mode, reduction: ReductionMode = 'canonical'): Promise<SearchResult> {
  const { world } = await worldFor(file);
  const maxStates = mode === 'child by child' ? 60_000 : undefined;
  const threads = mode === 'worker' ? 2 : 1;
  return exhaustiveSearch(world, 'bfs', {
    monitors: defaultMonitors(),
    maxStates,
    threads,
    pipelineFrom: 1000,
    reduction,
  });
}

function summary(r: SearchResult) {
  return {
    states: r.stats.states,
    transitions: r.stats.transitions,
    complete: r.stats.complete,
    maxDepth: r.stats.maxDepthReached,
    violations: r.violations.map((v) => ({ kind: v.kind, steps: v.steps, trace: v.trace })),
  };
}

describe('deferred visited verdicts', () => {
  it('should judge fingerprints on the worker in the order submitted, repeats included', () => {
    const pipe = new VisitedPipeline();
    try {
      expect(pipe.awaitReady(10_000)).toBe(true);
      const set = new VisitedSet(4);
      set.add(7, 7);
      pipe.handOver(set.handOver());
      // 1000 distinct fingerprints (enough to make the worker grow the table), each twice,
      // and the one the set held before the hand-over.
      for (let k = 1; k <= 1000; k++) pipe.submit(k, -k);
      for (let k = 1; k <= 1000; k++) pipe.submit(k, -k);
      pipe.submit(7, 7);
      pipe.finish();
      const verdicts = Array.from({ length: 2001 }, (_, k) => pipe.isNew(k));
      expect(verdicts.slice(0, 1000).every((v) => v)).toBe(true);
      expect(verdicts.slice(1000).some((v) => v)).toBe(false);
      expect(pipe.size).toBe(1001);
    } finally {
      pipe.stop();
    }
  });

  // Exact states (reduction 'none') and channel-canonical ones (the default): the key is the
  // fingerprint's, so the batches and the worker see the same one as the child-by-child probe.
  for (const [reduction, states] of [
    ['none', 9_750],
    ['canonical', CANONICAL_STATES],
  ] as const) {
    it(`should explore seq-retry exactly as probing child by child does (reduction ${reduction})`, async () => {
      const plain = await search('scenarios/bench/seq-retry.yaml', 'child by child', reduction);
      const batched = await search('scenarios/bench/seq-retry.yaml', 'batched', reduction);
      const worker = await search('scenarios/bench/seq-retry.yaml', 'worker', reduction);
      expect(plain.stats.states).toBe(states);
      expect([batched.stats.threads, worker.stats.threads]).toEqual([1, 2]);
      expect(summary(batched)).toEqual(summary(plain));
      expect(summary(worker)).toEqual(summary(plain));
    });
  }

  it('should find the same shortest counterexample for the planted bug', async () => {
    const plain = await search('scenarios/bench/seq-retry-bug.yaml', 'child by child');
    const batched = await search('scenarios/bench/seq-retry-bug.yaml', 'batched');
    const worker = await search('scenarios/bench/seq-retry-bug.yaml', 'worker');
    expect(plain.violations.map((v) => v.kind)).toContain('stale-spte');
    expect(worker.stats.threads).toBe(2);
    expect(summary(batched)).toEqual(summary(plain));
    expect(summary(worker)).toEqual(summary(plain));
  });
});
