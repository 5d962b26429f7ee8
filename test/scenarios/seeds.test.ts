/**
 * Every bundled seed scenario: its outcome matches its `expect:`, and every counterexample it
 * produces survives the round trip through a trace file and replays to the same violation.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { readTrace, writeTrace } from '../../src/check/trace-file.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { replayTrace } from '../../src/explorer/counterexamples/replay.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';

const dir = 'scenarios/seeds';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(dir, f));
const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-traces-'));

describe('bundled seed scenarios', () => {
  it('should bundle the thirteen scenarios the checker issue names, the signal scenarios, and the livelock seed of issue 13', () => {
    const names = files.map((f) => f.replace(/^.*\//, '').replace('.yaml', '')).sort();
    expect(names).toEqual(
      [
        'exit-while-device-faults',
        'fault-vs-endless-remap',
        'fault-vs-unmap',
        'fence-signal-allocates',
        'fence-wait-after-unlock',
        'fence-wait-under-lock',
        'insert-during-invalidate',
        'missing-set-seq',
        'oom-reaper-sleeps',
        'oom-reaper-trylock',
        'registration-cache-pinned',
        'registration-cache-unpinned',
        'remove-during-invalidate',
        'retry-outside-lock',
        'signal-during-fence-wait',
        'signal-during-submit-lock',
      ].sort(),
    );
  });

  for (const file of files) {
    it(`should match expect: in ${file} and replay each counterexample from its trace file`, async () => {
      const outcome = await checkScenario(file);
      expect(outcome.mismatch).toBeNull();
      expect(outcome.ok).toBe(true);
      expect(outcome.stats.complete).toBe(true);
      for (const v of outcome.violations) {
        expect(v.trace.length).toBeGreaterThan(0);
        const path = join(tmp, `${v.kind}.json`);
        const witnesses = (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses;
        writeTrace(path, {
          scenarioFile: file,
          driver: null,
          strategy: 'bfs',
          seed: null,
          violation: { kind: v.kind, message: v.message },
          steps: v.trace,
          witnesses,
        });
        const saved = readTrace(path);
        const { world } = await worldFor(saved.scenarioFile);
        const replay = replayTrace(world, saved.steps, defaultMonitors(), saved.witnesses);
        expect(replay.divergence).toBeNull();
        expect(replay.violations.map((r) => r.kind)).toContain(v.kind);
      }
    });
  }
});
