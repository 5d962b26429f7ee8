// Issue 10 items 3 and 8: `replay --continue` explores on from the trace's end, under
// --strategy, --max-states and --time; --time bounds the replay itself too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { worldFor } from '../../../src/check/world-for.ts';
import { replayTrace } from '../../../src/explorer/counterexamples/replay.ts';
import { defaultMonitors } from '../../../src/monitors/index.ts';
import type { SemanticStep } from '../../../src/runtime/controlled-world.ts';
import { cli } from '../run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-replay-options-'));
// A stale-spte found early by a short PCT campaign (kept as found: minimizing it is slow), in a space large enough that exploring on
// from the trace's end takes thousands of states.
const trace = join(tmp, 'seq-retry-bug.json');

beforeAll(async () => {
  const found = await cli(
    ...['check', 'scenarios/bench/seq-retry-bug.yaml', '--param', 'ndrv=3', '--param', 'rounds=5'],
    ...['--strategy', 'pct', '--schedules', '10', '--seed', '1', '--no-minimize', '--save-trace', trace, '--quiet'],
  );
  expect(found.code).toBe(0);
});

const replayJson = async (...args: string[]) => JSON.parse((await cli('replay', trace, ...args, '--json')).out);

describe('replay --continue and its limits', () => {
  it('without --continue nothing is explored after the trace', async () => {
    const r = await replayJson();
    expect([r.exitCode, r.verdict, r.continued]).toEqual([0, 'reproduced', null]);
  });

  it('--continue --max-states 50: explores on, stops at the limit', async () => {
    const r = await replayJson('--continue', '--max-states', '50');
    expect(r.verdict).toBe('reproduced');
    expect(r.continued.stats.stoppedBy).toBe('max-states');
    expect(r.continued.stats.states).toBeLessThanOrEqual(60);
    expect(r.continued.strategy).toBe('bfs');
  });

  it('--strategy dfs is the strategy of the continued search', async () => {
    const r = await replayJson('--continue', '--max-states', '50', '--strategy', 'dfs');
    expect(r.continued.strategy).toBe('dfs');
  });

  it('--continue --time: the budget cuts the search, which says so, exit 3', async () => {
    const { code, out } = await cli('replay', trace, '--continue', '--time', '0.01');
    expect(out).toMatch(/REPRODUCED stale-spte/);
    expect(out).toMatch(/continued bfs from the trace's end: \d+ states, .*stopped at --time 0\.01; raise --time/);
    expect(code).toBe(3);
    const r = await replayJson('--continue', '--time', '0.01');
    expect([r.exitCode, r.continued.stats.stoppedBy]).toEqual([3, 'time']);
  });
});

describe('the replay itself answers to the budget', () => {
  it('a trace longer than the budget allows stops part way, unjudged', async () => {
    // 3000 steps of a thread that loops forever, along the default schedule.
    const { world } = await worldFor('scenarios/seeds/fault-vs-endless-remap.yaml');
    const steps: SemanticStep[] = [];
    let state = world.initial;
    for (let i = 0; i < 3000; i++) {
      const { state: next, record } = world.apply(state, world.enabled(state)[0]);
      steps.push(world.semantic(record));
      state = next;
    }
    const whole = replayTrace(world, steps, defaultMonitors());
    expect([whole.replayed, whole.outOfTime]).toEqual([3000, undefined]);
    const cut = replayTrace(world, steps, defaultMonitors(), [], () => true);
    expect([cut.replayed, cut.outOfTime, cut.divergence]).toEqual([1023, true, null]);
  });
});
