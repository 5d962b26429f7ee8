// Issue 10 item 8: `check --threads 2` hands the visited set to a second thread. It does so only
// past 2 M states, too many for a test, so here every breadth-first search is given a threshold
// of 500 states (pipelineFrom, which the library takes); the option itself comes from the CLI.
// The CLI is imported after the registry is reset: files that share this worker (vitest.config.ts,
// `isolate: false`) may have loaded it already, bound to the real search.
import { beforeAll, describe, expect, it, vi } from 'vitest';

let cli: typeof import('../run-cli.ts').cli;
beforeAll(async () => {
  vi.resetModules();
  ({ cli } = await import('../run-cli.ts'));
});

vi.mock('../../../src/explorer/strategies/exhaustive.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/explorer/strategies/exhaustive.ts')>();
  const exhaustiveSearch: typeof real.exhaustiveSearch = (world, strategy, opts, from) =>
    real.exhaustiveSearch(world, strategy, { ...opts, pipelineFrom: 500 }, from);
  return { ...real, exhaustiveSearch };
});

const statsOf = async (...args: string[]) =>
  JSON.parse((await cli('check', 'scenarios/bench/seq-retry.yaml', ...args, '--json', '--quiet')).out).scenarios[0]
    .stats;

describe('check --threads', () => {
  it('2: the stats say two threads, and the search covers the same states as one', async () => {
    const one = await statsOf();
    const two = await statsOf('--threads', '2');
    expect([one.threads, two.threads]).toEqual([1, 2]);
    expect(two.states).toBe(one.states);
    expect(two.complete).toBe(true);
  });
});
