/**
 * Scenarios where a reduction once disagreed with the full search (each file says when and
 * against what change), kept so that the same mistake fails here before a fuzz campaign has to
 * find it again: every reduction reports the full search's violation kinds, and its
 * counterexamples replay in the full semantics (test/fuzz/reduction-check.ts), breadth-first and
 * depth-first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReductions } from '../fuzz/reduction-check.ts';

const DIR = 'test/explorer/fixtures/reduction-regressions';
const CASES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

describe('scenarios where a reduction once disagreed with the full search', () => {
  it.each(CASES)('%s', async (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const order of ['bfs', 'dfs'] as const) {
      const c = await checkReductions(text, order, [{ reduction: 'canonical' }, { reduction: 'sleep' }], 20_000);
      expect(c.ended).toBe(true);
      expect(c.failures).toEqual([]);
      expect(c.kinds).toContain('stale-spte');
    }
  });
});
