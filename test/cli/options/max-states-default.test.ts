// `check` bounds a search by `--max-states`, else the scenario's `check.maxStates`, else
// DEFAULT_MAX_STATES (20 M; a driver module's seq-retry 2×3 needs 3.7 M, too many for a test).
// So here the exhaustive search only records the bound it is given and runs as it would. The
// CLI is imported after the registry is reset (files share their worker's modules: check-threads.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_STATES } from '../../../src/explorer/search-types.ts';

let cli: typeof import('../run-cli.ts').cli;
beforeAll(async () => {
  vi.resetModules();
  ({ cli } = await import('../run-cli.ts'));
});

const given: (number | undefined)[] = [];
beforeEach(() => {
  given.length = 0;
});

vi.mock('../../../src/explorer/strategies/exhaustive.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/explorer/strategies/exhaustive.ts')>();
  const exhaustiveSearch: typeof real.exhaustiveSearch = (world, strategy, opts, from) => {
    given.push(opts.maxStates);
    return real.exhaustiveSearch(world, strategy, opts, from);
  };
  return { ...real, exhaustiveSearch };
});

const check = (...args: string[]) => cli('check', ...args, '--quiet');

describe('check --max-states', () => {
  it('should bound the search by 20 M states when neither the option nor the scenario says', async () => {
    expect(DEFAULT_MAX_STATES).toBe(20_000_000);
    const { code } = await check('scenarios/seeds/missing-set-seq.yaml');
    expect(code).toBe(0);
    expect(given).toEqual([DEFAULT_MAX_STATES]);
  });

  it("should take the scenario's check.maxStates over the default, and the option over both", async () => {
    const bounded = join(mkdtempSync(join(tmpdir(), 'mirrorlab-max-states-')), 'bounded.yaml');
    const seed = readFileSync('scenarios/seeds/missing-set-seq.yaml', 'utf8');
    writeFileSync(bounded, `${seed}\ncheck: { maxStates: 4321 }\n`);
    await check(bounded);
    await check(bounded, '--max-states', '1234');
    await check('scenarios/seeds/missing-set-seq.yaml', '--max-states', '5678');
    expect(given).toEqual([4321, 1234, 5678]);
  });
});
