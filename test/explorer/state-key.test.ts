/**
 * The state key (src/explorer/reduction/state-key.ts): which reduction the options select, and
 * the channel-canonical key that every exhaustive mode shares (issue 12 item 1).
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { keyedFingerprint, reductionMode } from '../../src/explorer/reduction/state-key.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';

describe('the reduction options', () => {
  it('should default to canonical states, take por as sleep, and refuse what it does not know', () => {
    expect(reductionMode({})).toBe('canonical');
    expect(reductionMode({ por: false })).toBe('canonical');
    expect(reductionMode({ por: true })).toBe('sleep');
    expect(reductionMode({ reduction: 'none' })).toBe('none');
    expect(reductionMode({ reduction: 'sleep', por: true })).toBe('sleep');
    expect(() => reductionMode({ reduction: 'none', por: true })).toThrow(/por: true is reduction 'sleep'/);
    expect(() => reductionMode({ reduction: 'partial' as 'none' })).toThrow(/not one of none, canonical, sleep/);
  });
});

describe('the canonical key', () => {
  it('should give breadth- and depth-first search the same states, fewer than the exact ones', async () => {
    const search = async (order: 'bfs' | 'dfs', reduction: 'none' | 'canonical') => {
      const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
      return exhaustiveSearch(world, order, { monitors: defaultMonitors(), reduction }).stats;
    };
    const [bfs, dfs, exact] = [
      await search('bfs', 'canonical'),
      await search('dfs', 'canonical'),
      await search('bfs', 'none'),
    ];
    expect(dfs.states).toBe(bfs.states);
    expect(bfs.states).toBeLessThan(exact.states);
    expect([bfs.reduction, dfs.reduction, exact.reduction]).toEqual(['canonical', 'canonical', 'none']);
  });

  it('should hash an inbox alike whatever the order of its channels, never reorder one channel', async () => {
    const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
    exhaustiveSearch(world, 'bfs', { monitors: [], reduction: 'none' }); // interns the messages
    const { messageChannel: channel } = world as unknown as { messageChannel: number[] };
    const ids = channel.map((_, id) => id);
    const a = ids.find((id) => ids.some((other) => other !== id && channel[other] === channel[id])) ?? -1;
    const b = ids.find((id) => channel[id] !== channel[a]);
    const c = ids.find((id) => id !== a && channel[id] === channel[a]);
    if (b === undefined || c === undefined) throw new Error('the scenario needs two channels, one with two messages');
    const actor = 0;
    const base = world.initial.vec;
    /** The initial state with messages `first`, then `second` appended to the actor's inbox. */
    const withInbox = (first: number, second: number) => {
      const vec = Int32Array.from(base);
      vec[actor] = world.append(actor, world.append(actor, base[actor], first), second);
      return vec;
    };
    const fp = (vec: Int32Array, mode: 'none' | 'canonical') => {
      const out = new Int32Array(2);
      keyedFingerprint(world, mode, vec, out);
      return [...out];
    };
    // Two channels interleaved either way: one canonical state, two exact ones.
    expect(fp(withInbox(a, b), 'canonical')).toEqual(fp(withInbox(b, a), 'canonical'));
    expect(fp(withInbox(a, b), 'none')).not.toEqual(fp(withInbox(b, a), 'none'));
    // One channel's two messages: their order is the channel's FIFO order, kept apart.
    expect(fp(withInbox(a, c), 'canonical')).not.toEqual(fp(withInbox(c, a), 'canonical'));
  });
});
