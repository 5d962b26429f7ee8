/**
 * Scenarios of shipped machines only, for the tests that check a property of whole state graphs
 * (the replies the search takes, the threads at rest): every seed, every profile scenario,
 * seq-retry with two drivers, correct and with its planted bug, and two invalidations walking
 * the notifier core at once.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SHIPPED_SCENARIOS: [file: string, params: Record<string, number>][] = [
  ...['scenarios/seeds', 'scenarios/profiles'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, Record<string, number>] => [join(dir, f), {}]),
  ),
  // Two drivers on one process, two rounds each: many grants and read_begins against callbacks.
  ['scenarios/bench/seq-retry.yaml', { ndrv: 2, rounds: 2 }],
  ['scenarios/bench/seq-retry-bug.yaml', { ndrv: 2, rounds: 2 }],
  ['test/explorer/fixtures/concurrent-invalidations.yaml', {}],
];
