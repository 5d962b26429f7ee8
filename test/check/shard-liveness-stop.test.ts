/**
 * A shard whose liveness pass `--time` cut short (a scenario that loops forever: each shard runs
 * the pass whole): its part keeps `stoppedBy` through the file check, and the merge says to
 * raise --time, not --max-states.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { mergeShards } from '../../src/check/shard-merge.ts';
import { readShardFile, shardFile } from '../../src/check/shard-result.ts';
import { summaryTable } from '../../src/cli/check-command.ts';
import { bfsCampaign } from '../support/campaigns.ts';

const CAMPAIGN = bfsCampaign({ timeLimit: 5 });

describe('a shard whose liveness pass ran out of time', () => {
  it('should keep stoppedBy in its part, and the merge should say to raise --time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-shard-live-'));
    const file = 'scenarios/seeds/fault-vs-endless-remap.yaml';
    const loaded = [];
    for (const index of [1, 2]) {
      const c = await checkScenario(file, { shard: { index, count: 2, frontierPerShard: 4 }, timeLimit: 5 });
      expect(c.liveness).toMatchObject({ complete: true });
      // As if the pass had been cut short on this machine (a deadline past is tested in test/explorer/liveness).
      const cut = { ...c, liveness: { ...c.liveness!, complete: false, stoppedBy: 'time' as const } };
      const path = join(dir, `part-${index}.json`);
      writeFileSync(path, JSON.stringify(shardFile({ index, count: 2 }, CAMPAIGN, [index === 2 ? cut : c], [])));
      loaded.push({ path, data: readShardFile(path) });
    }
    expect(loaded[1].data.scenarios[0].liveness).toMatchObject({ complete: false, stoppedBy: 'time' });
    const merged = mergeShards(loaded).scenarios[0];
    expect(merged.liveness).toMatchObject({ complete: false, stoppedBy: 'time' });
    expect(merged.verdict).toBe('inconclusive');
    expect(merged.inconclusive).toMatch(
      /the liveness pass ran out of time \(--time 5\) with its graph at \d+ states; raise --time$/,
    );
    // The table's complete column says the pass was cut, though the search was whole.
    const table = summaryTable([merged]);
    expect(table).toMatch(/inconclusive\s+fault-vs-endless-remap\s+.*no \(liveness: time\)/);
    expect(table).toContain('their search or liveness pass was cut short, or sampled');
  });
});
