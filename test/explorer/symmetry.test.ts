/**
 * The symmetry reduction (issue 12 item 2, src/explorer/reduction/symmetry.ts): where it is used
 * it merges states and keeps the violation kinds and replayable counterexamples (item 3); where
 * the replica permutation is not an automorphism of the start state, or could not be checked, it
 * is refused with the reason, and the search is the full one.
 *
 * Why seq-retry is refused: its devices subscribe to the one notifier core of p1, whose interval
 * tree keeps the subscriptions in registration order (sub:gpu0 before sub:gpu1), and
 * `mmu_notifier_invalidate_range_start` walks them in that order. Swapping the replicas swaps
 * that order too, so the start state is not fixed; and since no step ever reorders the tree,
 * the image of a reachable state is never reachable: even forced, the group would merge nothing
 * (the last test shows it on 2×1).
 *
 * Bounded by work (max states), never by the clock.
 */
import { describe, expect, it, vi } from 'vitest';
import { Symmetry } from '../../src/explorer/reduction/symmetry.ts';
import {
  permutations,
  renamingOf,
  replicaBlock,
  SymmetryRefused,
} from '../../src/explorer/reduction/symmetry-group.ts';
import {
  type ControlledWorld,
  defaultMonitors,
  exhaustiveSearch,
  type Monitor,
  replayTrace,
  type SearchResult,
  type SemanticStep,
  worldFor,
} from '../../src/index.ts';
import { LockdepMonitor } from '../../src/monitors/lockdep.ts';
import type { ParamValue } from '../../src/scenario/expand.ts';

const CPUS = 'test/explorer/fixtures/symmetry/cpu-replicas.yaml';
const SEQ = 'scenarios/bench/seq-retry.yaml';
const SEQ_BUG = 'scenarios/bench/seq-retry-bug.yaml';
const MAX_STATES = 300_000;

/** gpu0↔gpu1 (with drv0↔drv1) on a 2-replica world, without the start-state check symmetryFor makes. */
function forcedSwap(world: ControlledWorld): Symmetry {
  const ids = world.actors.map((a) => a.id);
  const block = replicaBlock(ids);
  if (typeof block === 'string') throw new Error(block);
  const r = renamingOf(block, permutations(block.count)[0], ids);
  if (typeof r === 'string') throw new Error(r);
  return new Symmetry(world, [r], null);
}

const kinds = (r: SearchResult) => [...new Set(r.violations.map((v) => v.kind))].sort();

/** The full and the symmetric search of one scenario, on one world. */
async function both(file: string, params: Record<string, ParamValue> = {}, maxStates = MAX_STATES) {
  const { world } = await worldFor(file, undefined, params);
  const search = (symmetry: boolean, monitors: Monitor[] = defaultMonitors()) =>
    exhaustiveSearch(world, 'bfs', { monitors, maxStates, symmetry });
  return { world, full: search(false), sym: search(true), search };
}

describe('symmetry over replicas of a thread', () => {
  it.each([2, 3])('should merge the orbits of %i interchangeable CPU threads and keep the verdicts', async (ncpu) => {
    const { full, sym } = await both(CPUS, { ncpu });
    expect(full.stats.complete && sym.stats.complete).toBe(true);
    expect(sym.stats.symmetry).toEqual({
      group: ncpu === 2 ? 2 : 6,
      actors: [...Array(ncpu).keys()].map((k) => `thread:cpu${k}`),
    });
    expect(sym.stats.states).toBeLessThan(full.stats.states);
    // Every orbit has at most n! states: the quotient is at least that much smaller.
    expect(sym.stats.states * (ncpu === 2 ? 2 : 6)).toBeGreaterThanOrEqual(full.stats.states);
    expect(kinds(sym)).toEqual(kinds(full));
    expect(full.stats.symmetry).toBeUndefined();
  });

  it('should find the planted bug with a counterexample that replays in the full semantics', async () => {
    const { world, full, sym } = await both(CPUS, { ncpu: 3, bug: ['retry-outside-lock'] });
    const dfs = exhaustiveSearch(world, 'dfs', { monitors: defaultMonitors(), maxStates: MAX_STATES, symmetry: true });
    expect(kinds(full)).toEqual(['stale-spte']);
    expect(kinds(sym)).toEqual(kinds(full));
    expect(kinds(dfs)).toEqual(kinds(full));
    expect('group' in sym.stats.symmetry! && 'group' in dfs.stats.symmetry!).toBe(true);
    for (const v of [...sym.violations, ...dfs.violations]) {
      const replay = replayTrace(world, v.trace, defaultMonitors());
      expect(replay.divergence).toBeNull();
      expect(replay.violations.map((x) => x.kind)).toContain(v.kind);
    }
  });

  it('should close the lock order graph under the group: an edge stands for its images', async () => {
    // Lockdep's order graph spans schedules and the reduced search sees one schedule per orbit:
    // an edge lock:gpu0 → lock:gpu1 it showed stands for lock:gpu1 → lock:gpu0 too, a cycle.
    const { world } = await worldFor(SEQ, undefined, { ndrv: 2, rounds: 1 });
    const lockdep = new LockdepMonitor();
    lockdep.reset();
    lockdep.note({ from: 'lock:gpu0', to: 'lock:gpu1', tid: 'thread:drv0', witness: [] });
    expect(lockdep.onFinish()).toEqual([]);
    forcedSwap(world).closeLockOrder([lockdep]);
    expect(lockdep.onFinish()[0]?.message).toMatch(/lock:gpu1 → lock:gpu0 \(thread:drv1\)/);
  });
});

describe('symmetry refused', () => {
  it.each([
    [{ ndrv: 2, rounds: 2 }, SEQ],
    [{ ndrv: 3, rounds: 1 }, SEQ],
    [{ ndrv: 2, rounds: 1 }, SEQ_BUG],
  ])('should refuse %j of %s: the notifier walks the devices in registration order', async (params, file) => {
    const { full, sym } = await both(file, params);
    const refused = (sym.stats.symmetry as { refused: string }).refused;
    expect(refused).toMatch(/does not fix the start state: core:p1's tree would be \{"nodes":\[/);
    expect(sym.stats.states).toBe(full.stats.states);
    expect(kinds(sym)).toEqual(kinds(full));
  });

  it('should refuse threads whose programs differ, naming what differs', async () => {
    const text = [
      'name: different-programs',
      'processes:',
      '  p1: { vmas: [{ addr: 0x10000, length: 0x1000, prot: rw, type: private-anon }] }',
      'threads:',
      '  cpu0: { process: p1, ops: [{ read: { addr: 0x10000 } }] }',
      '  cpu1: { process: p1, ops: [{ write: { addr: 0x10000, value: 1 } }] }',
    ].join('\n');
    const { world } = await worldFor('different.yaml', undefined, {}, { text });
    const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), symmetry: true, maxStates: MAX_STATES });
    expect((r.stats.symmetry as { refused: string }).refused).toMatch(/thread:cpu\d's ops would be/);
  });

  it('should refuse with sleep sets, an unknown monitor, or no replicas', async () => {
    const { world } = await worldFor(CPUS);
    const bounded = { maxStates: MAX_STATES, symmetry: true };
    const por = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), por: true, ...bounded });
    expect(por.stats.symmetry).toEqual({ refused: expect.stringMatching(/sleep sets/) });
    const mine: Monitor = { name: 'mine', onStep: () => null };
    const odd = exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), mine], ...bounded });
    expect(odd.stats.symmetry).toEqual({ refused: "monitor 'mine' is not one known to judge replicas alike" });
    const { world: single } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
    const none = exhaustiveSearch(single, 'bfs', { monitors: defaultMonitors(), ...bounded });
    expect(none.stats.symmetry).toEqual({ refused: expect.stringMatching(/^no replicas/) });
  });

  it('should search again in full, saying why, when a check fails during the search', async () => {
    // What a step that does not commute with a permutation does (symmetry.ts `check`).
    const spy = vi.spyOn(Symmetry.prototype, 'rekey').mockImplementationOnce(() => {
      throw new SymmetryRefused('a step that does not commute');
    });
    try {
      const { full, sym } = await both(CPUS, { ncpu: 2 });
      expect(sym.stats.symmetry).toEqual({ refused: 'a step that does not commute' });
      expect(sym.stats.states).toBe(full.stats.states);
      expect(kinds(sym)).toEqual(kinds(full));
    } finally {
      spy.mockRestore();
    }
  });

  it('should merge nothing on seq-retry even if forced: no step reorders the subscriptions', async () => {
    // Bypass the start-state check: key every reachable state of 2×1 by its least image under
    // gpu0↔gpu1 (drv0↔drv1). An image has the tree order sub:gpu1, sub:gpu0, which no reachable
    // state has, so no two reachable states share a key.
    const { world } = await worldFor(SEQ, undefined, { ndrv: 2, rounds: 1 });
    const sym = forcedSwap(world);
    const seen = new Set<string>();
    const keys = new Set<string>();
    const out = new Int32Array(2);
    let frontier = [world.initial];
    while (frontier.length > 0 && seen.size < MAX_STATES) {
      const next = [];
      for (const s of frontier) {
        const id = s.vec.join(',');
        if (seen.has(id)) continue;
        seen.add(id);
        sym.key(s.vec, out, 0);
        keys.add(`${out[0]},${out[1]}`);
        for (const step of world.enabled(s)) next.push(world.apply(s, step).state);
      }
      frontier = next;
    }
    expect(frontier.length).toBe(0);
    expect(keys.size).toBe(seen.size);
  });
});

describe('symmetry on every bundled scenario', () => {
  it('should find the same violation kinds as the full search, or be refused', async () => {
    const { readdirSync } = await import('node:fs');
    const files = ['scenarios/seeds', 'scenarios/profiles', 'scenarios/bench'].flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `${d}/${f}`),
    );
    const used: string[] = [];
    for (const file of files) {
      const { full, sym } = await both(file, {}, 50_000);
      expect(sym.stats.symmetry, file).toBeDefined();
      if (!full.stats.complete || !sym.stats.complete) continue;
      expect(kinds(sym), file).toEqual(kinds(full));
      if ('group' in sym.stats.symmetry!) used.push(file);
      for (const v of sym.violations) {
        const witnesses = (v.details as { witnesses?: SemanticStep[][] } | undefined)?.witnesses;
        const { world } = await worldFor(file);
        const replay = replayTrace(world, v.trace, defaultMonitors(), witnesses);
        expect(
          replay.violations.map((x) => x.kind),
          file,
        ).toContain(v.kind);
      }
    }
    // No bundled scenario has replicas that are interchangeable from the start.
    expect(used).toEqual([]);
  });
});
