import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('examples', () => {
  it('should run the embedding example end to end', () => {
    const out = execFileSync('node', ['bin/run-ts.mjs', 'examples/embed.ts'], { encoding: 'utf8' });
    expect(out).toMatch(/live run: \d+ steps, \d+ inspection events/);
    expect(out).toMatch(/check: \d+ states, complete=true, violations: none/);
  });
});
