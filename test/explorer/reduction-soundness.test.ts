/**
 * Soundness of the reductions we ship, checked rather than hoped (issue 12 item 3): the
 * channel-canonical key, the default (src/explorer/reduction/state-key.ts: states equal up to how
 * senders interleave in an inbox are one state), and sleep sets over it (`--reduction sleep`,
 * `--por`: src/explorer/reduction/por.ts). On every bundled scenario
 * whose exact-state search (`reduction: 'none'`) ends (the seeds, among them every planted bug of the built-ins, the
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
import type { ReductionMode } from '../../src/explorer/reduction/state-key.ts';
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

const REDUCED = ['canonical', 'sleep'] as const;

describe('the reduced searches (canonical states, sleep sets) against the full one', () => {
  it('covers every planted bug of the built-ins among the scenarios it compares', () => {
    const planted = ['retry-outside-lock', 'missing-set-seq', 'oom-reaper-sleeps', 'registration-cache-unpinned'];
    for (const seed of planted) expect(scenarios).toContain(`scenarios/seeds/${seed}.yaml`);
  });

  for (const file of scenarios) {
    it(`finds the same violation kinds in ${file}, with counterexamples that replay unreduced`, async () => {
      const search = async (reduction: ReductionMode) => {
        const { world } = await worldFor(file);
        return exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), reduction, maxStates: MAX_STATES });
      };
      const full = await search('none');
      expect(full.stats.complete).toBe(true);
      for (const mode of REDUCED) await sameAsFull(file, full, await search(mode));
    });
  }
});

/** The reduced search `reduced` of `file` agrees with the full one: complete, same kinds, replayable. */
async function sameAsFull(file: string, full: SearchResult, reduced: SearchResult): Promise<void> {
  const how = `${file}, reduction ${reduced.stats.reduction}`;
  expect(reduced.stats.complete, how).toBe(true);
  expect(kinds(reduced), how).toEqual(kinds(full));
  expect(reduced.stats.states, how).toBeLessThanOrEqual(full.stats.states);
  expect(reduced.stats.transitions, how).toBeLessThanOrEqual(full.stats.transitions);
  for (const v of reduced.violations) {
    const { world } = await worldFor(file);
    const witnesses = (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses;
    const replay = replayTrace(world, v.trace, defaultMonitors(), witnesses);
    expect(replay.divergence, how).toBeNull();
    expect(
      replay.violations.map((r) => r.kind),
      how,
    ).toContain(v.kind);
  }
}
