/**
 * Soundness of the reduction we ship (`--por`: sleep sets over the actor model's independence,
 * src/explorer/reduction/por.ts), checked rather than hoped (issue 12 item 3): on every bundled scenario
 * whose exact-state search ends (the seeds, among them every planted bug of the built-ins, the
 * profiles, the seq-retry yardstick and the small conformance tests), the reduced search
 *   - reports the same set of violation kinds as the full search, and is complete when it is;
 *   - gives counterexamples that replay in the full semantics to the same violation.
 * Scenarios with a thread that loops forever have no end under exact states and are searched on
 * the liveness graph instead (check-liveness.ts), where `--por` does not apply: left out here.
 * Bounded by work: each search stops at MAX_STATES, and a scenario it does not finish fails.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { replayTrace } from '../../src/explorer/counterexamples/replay.ts';
import type { SearchResult } from '../../src/explorer/search-types.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';

const MAX_STATES = 30_000;
const LOOPING = new Set(['fault-vs-endless-remap', 'signal-during-fence-wait', 'signal-during-submit-lock']);
/** Conformance tests small enough for a suite that runs each twice. */
const SMALL_CONFORMANCE = ['anon_read', 'anon_write', 'file_read', 'migrate', 'compound', 'hmm_cow_in_device'];

const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !LOOPING.has(f.replace('.yaml', '')))
    .map((f) => join(dir, f));
const scenarios = [
  ...yamlIn('scenarios/seeds'),
  ...yamlIn('scenarios/profiles'),
  ...yamlIn('scenarios/bench'),
  ...SMALL_CONFORMANCE.map((t) => `scenarios/conformance/hmm/${t}.yaml`),
];
const kinds = (r: SearchResult) => [...new Set(r.violations.map((v) => v.kind))].sort();

describe('the reduced search (--por) against the full one', () => {
  it('covers every planted bug of the built-ins among the scenarios it compares', () => {
    const planted = ['retry-outside-lock', 'missing-set-seq', 'oom-reaper-sleeps', 'registration-cache-unpinned'];
    for (const seed of planted) expect(scenarios).toContain(`scenarios/seeds/${seed}.yaml`);
  });

  for (const file of scenarios) {
    it(`finds the same violation kinds in ${file}, with counterexamples that replay unreduced`, async () => {
      const search = async (por: boolean) => {
        const { world } = await worldFor(file);
        return exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), por, maxStates: MAX_STATES });
      };
      const full = await search(false);
      const reduced = await search(true);
      expect(full.stats.complete).toBe(true);
      expect(reduced.stats.complete).toBe(true);
      expect(kinds(reduced)).toEqual(kinds(full));
      expect(reduced.stats.transitions).toBeLessThanOrEqual(full.stats.transitions);
      for (const v of reduced.violations) {
        const { world } = await worldFor(file);
        const witnesses = (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses;
        const replay = replayTrace(world, v.trace, defaultMonitors(), witnesses);
        expect(replay.divergence).toBeNull();
        expect(replay.violations.map((r) => r.kind)).toContain(v.kind);
      }
    });
  }
});
