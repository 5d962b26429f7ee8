import { describe, expect, it } from 'vitest';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { renderLadder } from '../../src/report/ladder.ts';
import { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { lostUpdateMonitor, toyWorld } from '../support/toy-lost-update.ts';

describe('renderLadder', () => {
  it('should draw one column per actor and one arrow row per step', () => {
    const world = new ControlledWorld(toyWorld(2));
    const r = exhaustiveSearch(world, 'bfs', { monitors: [lostUpdateMonitor] });
    const text = renderLadder(world, r.violations[0].trace);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/counter\s+w0\s+w1/);
    expect(lines).toHaveLength(2 + 6);
    expect(lines[2]).toMatch(/[►◄].*counter\.read/);
    expect(text).toMatch(/counter\.write \{value: 1\}/);
    expect(text).toMatch(/\[reading → done\]/);
  });
});
