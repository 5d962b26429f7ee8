/**
 * The visited set's table (src/explorer/visited/visited-set.ts): exact membership through its
 * growth, data carried along, and the bytes per state issue 12 bounds (at most 16 once the table
 * is past its first size: it grows by half at three-quarters load).
 */
import { describe, expect, it } from 'vitest';
import { VisitedSet } from '../../src/explorer/visited/visited-set.ts';
import { checkScenario } from '../../src/index.ts';

/** A small deterministic generator of 32-bit integers (xorshift32). */
function ints(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

describe('visited set', () => {
  it('should answer new exactly once per fingerprint while it grows, 0:0 included', () => {
    const set = new VisitedSet(4);
    const next = ints(12);
    const seen = new Set<string>();
    const prints: [number, number][] = [[0, 0]];
    for (let k = 0; k < 50_000; k++) prints.push([next(), next() & 0xff]); // narrow h2: many near misses
    for (let round = 0; round < 2; round++)
      for (const [h1, h2] of prints) {
        const key = h1 === 0 && h2 === 0 ? '0:1' : `${h1}:${h2}`;
        expect(set.add(h1, h2)).toBe(!seen.has(key));
        seen.add(key);
      }
    expect(set.size).toBe(seen.size);
  });

  it('should keep each slot’s data with its fingerprint when the table grows', () => {
    const set = new VisitedSet(4, 1);
    const next = ints(7);
    const prints = Array.from({ length: 20_000 }, () => [next(), next()] as const);
    prints.forEach(([h1, h2], k) => {
      set.setValue(set.addSlot(h1, h2), k);
    });
    prints.forEach(([h1, h2], k) => {
      const slot = set.addSlot(h1, h2);
      expect(set.isNew).toBe(false);
      expect(set.value(slot)).toBe(k);
    });
  });

  it('should keep each state number with its fingerprint when the table grows, counted apart', () => {
    const set = new VisitedSet(4);
    expect(set.numberBytes).toBe(0);
    set.addSlot(1, 2); // already in: kept when the slots widen
    set.numberStates();
    expect(set.add(1, 2)).toBe(false);
    const next = ints(9);
    const prints = Array.from({ length: 20_000 }, () => [next(), next()] as const);
    prints.forEach(([h1, h2], k) => {
      set.setNumber(set.addSlot(h1, h2), k);
    });
    prints.forEach(([h1, h2], k) => {
      const slot = set.addSlot(h1, h2);
      expect(set.isNew).toBe(false);
      expect(set.number(slot)).toBe(k);
    });
    // The table stays 8 bytes a slot; the numbers are 4 more, counted apart.
    expect(set.bytes).toBe(8 * set.capacity);
    expect(set.numberBytes).toBe(4 * set.capacity);
  });

  it('should take between 10.6 and 16 bytes per state at every size past its first table', () => {
    const set = new VisitedSet(16);
    const first = set.bytes;
    const next = ints(99);
    let checked = 0;
    for (let k = 1; k <= 3_000_000; k++) {
      set.add(next(), next());
      if (set.bytes === first || k % 997 !== 0) continue;
      const perState = set.bytes / set.size;
      expect(perState).toBeLessThanOrEqual(16);
      expect(perState).toBeGreaterThan(10.6);
      checked++;
    }
    expect(checked).toBeGreaterThan(2500);
  });

  it('should cost a search at most 16 bytes per state once it holds a few thousand', async () => {
    // The search's first table is 2^12 slots (state-search.ts): seq-retry 2×2's 14,001 states
    // took 37.4 B/state in a first table of 2^16.
    const out = await checkScenario('scenarios/bench/seq-retry.yaml', {
      params: { ndrv: 2, rounds: 2 },
      liveness: false,
    });
    const { states, visitedBytes } = out.stats;
    expect(states).toBeGreaterThan(3_072);
    expect(visitedBytes).toBeGreaterThan(0);
    expect((visitedBytes ?? 0) / states).toBeLessThanOrEqual(16);
  });
});
