/**
 * `check --shard i/n` and `mirrorlab merge` (src/explorer/search/shard.ts, src/check/shard-merge.ts):
 * the merge of the n parts says what one unsharded run says. Sampling: the same violation
 * kinds, found by the same (lowest) schedule, over the same schedules. Exhaustive: the same
 * kinds, shortest counterexample lengths and completeness, each counterexample replaying from
 * the initial state. Bounded by work (small scenarios, a few hundred schedules).
 */
import { describe, expect, it } from 'vitest';
import { chargeLockOrderCycle } from '../../src/check/charge.ts';
import { type CheckOptions, type CheckOutcome, checkScenario } from '../../src/check/check-scenario.ts';
import { type LoadedShard, mergeShards } from '../../src/check/shard-merge.ts';
import { type Campaign, type ShardFile, shardFile } from '../../src/check/shard-result.ts';
import { worldFor } from '../../src/check/world-for.ts';
import { replayTrace } from '../../src/explorer/counterexamples/replay.ts';
import { parseShard } from '../../src/explorer/search/shard.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';
import { bfsCampaign } from '../support/campaigns.ts';
import { driverAt } from '../support/driver-at.ts';

const CAMPAIGN = bfsCampaign();

/** Every shard of `file` as `check --shard i/n` writes it, then merged. */
async function sharded(file: string, n: number, options: CheckOptions, frontierPerShard = 4) {
  const shards: LoadedShard[] = [];
  for (let index = 1; index <= n; index++) {
    const c = await checkScenario(file, { ...options, shard: { index, count: n, frontierPerShard } });
    shards.push({ path: `shard-${index}.json`, data: shardFile({ index, count: n }, CAMPAIGN, [c], []) });
  }
  return { shards, merged: mergeShards(shards).scenarios[0] };
}

describe('--shard i/n', () => {
  it('should take 1-based i of n and refuse anything else, saying how', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('0/3')).toThrow(/between 1 and 3 .*JOB_COMPLETION_INDEX\+1/);
    expect(() => parseShard('4/3')).toThrow(/between 1 and 3/);
    expect(() => parseShard('2')).toThrow(/takes i\/n.*--shard 2\/3/);
    expect(() => parseShard('1/0')).toThrow(/at least 1/);
  });
});

describe('a sharded sampling campaign', () => {
  it('should merge to the unsharded campaign: same kinds, same found-by schedules, same schedules run', async () => {
    const file = 'scenarios/seeds/missing-set-seq.yaml';
    const options: CheckOptions = { strategy: 'random', seed: 11, schedules: 900 };
    const whole = await checkScenario(file, options);
    const { shards, merged } = await sharded(file, 3, options);
    // Shard i ran exactly the schedules k ≡ i-1 (mod 3).
    expect(shards.map((s) => s.data.scenarios[0].stats.schedules)).toEqual([300, 300, 300]);
    for (const s of shards)
      for (const v of s.data.scenarios[0].violations) expect(v.schedule!.index % 3).toBe(s.data.shard.index - 1);
    expect(merged.stats.schedules).toBe(900);
    expect(whole.violations.length).toBeGreaterThan(0);
    const found = (vs: { kind: string; schedule?: { index: number; seed: number } | null }[]) =>
      vs.map((v) => [v.kind, v.schedule!.index, v.schedule!.seed]).sort();
    expect(found(merged.violations)).toEqual(found(whole.violations));
    expect(merged.violations.map((v) => v.steps).sort()).toEqual(whole.violations.map((v) => v.steps).sort());
    expect(merged.verdict).toBe(whole.verdict);
    expect(merged.stats.complete).toBe(false);
  });
});

describe('a sharded breadth-first search', () => {
  it('should split exact states too (reduction none) and cover the single search', async () => {
    const file = 'scenarios/seeds/missing-set-seq.yaml';
    const whole = await checkScenario(file, { reduction: 'none' });
    const { merged } = await sharded(file, 3, { reduction: 'none' });
    const kinds = (vs: { kind: string; steps: number }[]) => vs.map((v) => `${v.kind}:${v.steps}`).sort();
    expect(kinds(merged.violations)).toEqual(kinds(whole.violations));
    expect([merged.verdict, merged.stats.reduction]).toEqual([whole.verdict, 'none']);
    expect(merged.stats.states - merged.repeatedPrefix).toBeGreaterThanOrEqual(whole.stats.states);
  });

  const files = [
    'scenarios/seeds/missing-set-seq.yaml',
    'scenarios/seeds/fence-wait-under-lock.yaml',
    'scenarios/seeds/oom-reaper-trylock.yaml',
    'scenarios/bench/seq-retry-bug.yaml',
  ];
  for (const file of files) {
    it(`should merge 3 shards of ${file.split('/').pop()} to the unsharded verdict, with replayable counterexamples`, async () => {
      const whole = await checkScenario(file, {});
      const { shards, merged } = await sharded(file, 3, {});
      // Each shard split the same level and kept its part of it; together they hold it all.
      const splits = shards.map(
        (s) => s.data.scenarios[0].stats.shard as { level: number; kept: number; levelStates: number },
      );
      expect(splits.every((x) => x.level > 0 && x.level === splits[0].level)).toBe(true);
      expect(splits.reduce((t, x) => t + x.kept, 0)).toBe(splits[0].levelStates);
      const kinds = (vs: { kind: string; steps: number }[]) => vs.map((v) => `${v.kind}:${v.steps}`).sort();
      expect(kinds(merged.violations)).toEqual(kinds(whole.violations));
      expect(merged.stats.complete).toBe(whole.stats.complete);
      expect(merged.verdict).toBe(whole.verdict);
      // The level is split on the canonical key, the default (reduction/state-key.ts).
      expect(merged.stats.reduction).toBe('canonical');
      // Every state is searched at least once: the shards' work covers the single search.
      expect(merged.stats.states - merged.repeatedPrefix).toBeGreaterThanOrEqual(whole.stats.states);
      const { world } = await worldFor(file);
      for (const v of merged.violations) {
        const witnesses = ((v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses ?? []).slice(0, -1);
        const replay = replayTrace(world, v.trace as SemanticStep[], defaultMonitors(), witnesses);
        expect(replay.divergence, `${v.kind} diverges`).toBeNull();
        expect(
          replay.violations.map((x) => x.kind),
          v.kind,
        ).toContain(v.kind);
      }
    });
  }

  it('should be incomplete when one shard was cut short, and say which limit', async () => {
    const file = 'scenarios/seeds/oom-reaper-trylock.yaml';
    const shards: LoadedShard[] = [];
    for (let index = 1; index <= 2; index++) {
      const maxStates = index === 2 ? 80 : undefined;
      const c = await checkScenario(file, { maxStates, shard: { index, count: 2, frontierPerShard: 4 } });
      shards.push({ path: `s${index}`, data: shardFile({ index, count: 2 }, CAMPAIGN, [c], []) });
    }
    const [m] = mergeShards(shards).scenarios;
    expect(m.stats.complete).toBe(false);
    expect(m.verdict).toBe('inconclusive');
    expect(m.inconclusive).toMatch(/max-states/);
  });
});

/**
 * fence-wait-under-lock's run as two shard parts, each with half of its lock-order cycle
 * (dma_fence_map → lock:gpu0 and lock:gpu0 → dma_fence_map: the cycle needs both) and without
 * the potential deadlock neither half shows alone.
 */
function splitCycle(whole: CheckOutcome, campaign: Campaign): LoadedShard[] {
  const edges = whole.lockOrder;
  const halves = [edges.filter((e) => e.to !== 'dma_fence_map'), edges.filter((e) => e.to === 'dma_fence_map')];
  expect(halves[0].length && halves[1].length).toBeTruthy();
  return halves.map((lockOrder, i) => {
    const data = shardFile({ index: i + 1, count: 2 }, campaign, [{ ...whole, lockOrder }], []);
    data.scenarios[0].violations = data.scenarios[0].violations.filter((v) => v.kind !== 'potential-deadlock');
    return { path: `s${i + 1}`, data };
  });
}

describe('lock-order cycles across shards', () => {
  it('should find a potential deadlock whose edges different shards saw, with a replayable trace', async () => {
    const file = 'scenarios/seeds/fence-wait-under-lock.yaml';
    const whole = await checkScenario(file, {});
    const [m] = mergeShards(splitCycle(whole, CAMPAIGN)).scenarios;
    const v = m.violations.find((x) => x.kind === 'potential-deadlock')!;
    expect(v.shard).toBe(0);
    expect(v.message).toMatch(/lock order cycle: dma_fence_map → lock:gpu0 .*lock:gpu0 → dma_fence_map/);
    const { world } = await worldFor(file);
    const witnesses = (v.details as { witnesses: SemanticStep[][] }).witnesses;
    const replay = replayTrace(world, v.trace as SemanticStep[], defaultMonitors(), witnesses.slice(0, -1));
    expect(replay.violations.map((x) => x.kind)).toContain('potential-deadlock');
  });
});

describe('lock-order cycles across shards under --driver', () => {
  it('should charge the cycle the shards show together as one unsharded run charges it', async () => {
    const file = 'scenarios/seeds/fence-wait-under-lock.yaml';
    const path = 'test/fixtures/drivers/builtin-userptr-fence-under-lock.ts';
    const driver = await driverAt(path);
    const whole = await checkScenario(file, { driver });
    const one = whole.violations.find((x) => x.kind === 'potential-deadlock');
    expect(one?.charge).toBeDefined();
    const shares = splitCycle(whole, { ...CAMPAIGN, driver: { path, sha256: 'test' } });
    const [m] = mergeShards(shares).scenarios;
    const v = m.violations.find((x) => x.kind === 'potential-deadlock')!;
    expect(v.shard).toBe(0);
    expect(v.charge).toEqual({ to: one!.charge!.to, reason: one!.charge!.reason });
    // The same parts without --driver: nothing to charge.
    const plain = shares.map((x) => ({ ...x, data: { ...x.data, campaign: { ...x.data.campaign, driver: null } } }));
    expect(mergeShards(plain).scenarios[0].violations.find((x) => x.kind === 'potential-deadlock')!.charge).toBeNull();
  });

  it('should charge to the environment a cycle its scenario declares, and one the driver takes no part in', () => {
    const edge = (tid: string, by: string) => ({ tid, by, witness: [{ actor: 'lock:a', event: 'x' }] });
    const details = { cycle: [edge('thread:cpu', 'thread:cpu'), edge('dev:gpu0/engine', 'dev:gpu0')] };
    expect(chargeLockOrderCycle([], details)).toMatchObject({
      to: 'environment',
      participants: ['dev:gpu0', 'thread:cpu'],
    });
    const withDriver = { cycle: [edge('thread:cpu', 'drv:gpu0'), edge('dev:gpu0/engine', 'dev:gpu0')] };
    expect(chargeLockOrderCycle([], withDriver).to).toBe('driver');
    const declared = [{ kinds: ['potential-deadlock' as const], actors: ['dev:gpu0'], why: 'the engine allocates' }];
    expect(chargeLockOrderCycle(declared, withDriver)).toMatchObject({
      to: 'environment',
      reason: "the scenario's environment breaks it by design (dev:gpu0: the engine allocates)",
    });
  });
});

describe('merge', () => {
  const parts = async (): Promise<LoadedShard[]> =>
    (await sharded('scenarios/seeds/oom-reaper-sleeps.yaml', 3, {})).shards;
  const copy = (s: LoadedShard, path: string, change: (d: ShardFile) => void = () => {}): LoadedShard => {
    const data = structuredClone(s.data);
    change(data);
    return { path, data };
  };

  it('should say which shard is missing or given twice', async () => {
    const [a, b, c] = await parts();
    expect(() => mergeShards([a, c])).toThrow(/shard 2\/3 of this campaign is missing \(given: 1\/3, 3\/3\)/);
    expect(() => mergeShards([a, b, copy(b, 'again.json')])).toThrow(
      /shard 2\/3 is given twice \(shard-2.json and again.json\)/,
    );
    expect(mergeShards([c, a, b]).files).toEqual(['shard-1.json', 'shard-2.json', 'shard-3.json']);
  });

  it('should refuse to mix campaigns, naming what differs', async () => {
    const [a, b, c] = await parts();
    const seed = copy(c, 'other-seed.json', (d) => {
      d.campaign.seed = 7;
    });
    expect(() => mergeShards([a, b, seed])).toThrow(/shard-1.json and other-seed.json .* the option seed differs/);
    const n4 = copy(c, 'four.json', (d) => {
      d.shard.count = 4;
    });
    expect(() => mergeShards([a, b, n4])).toThrow(/the shard count n/);
    const edited = copy(c, 'edited.json', (d) => {
      d.scenarios[0].sha256 = 'f'.repeat(64);
    });
    expect(() => mergeShards([a, b, edited])).toThrow(/the content of scenarios\/seeds\/oom-reaper-sleeps.yaml/);
  });
});
