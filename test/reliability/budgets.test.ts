// Issue 10 item 3: budgets bound everything. Sizes are capped with located errors before any
// work is done; one time budget covers set-up and search (the default when --time is absent);
// each test is bounded by its input's work or by the budget it gives, never by a wall clock.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { DEFAULT_TIME_SECONDS } from '../../src/scenario/deadline.ts';
import { runCaptured } from './capture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-budgets-'));
const BASE = readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8');

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('sizes are capped before any work', () => {
  it('check /dev/zero: not a regular file, exit 2', async () => {
    const r = await runCaptured('check', '/dev/zero');
    expect(r.out).toContain('/dev/zero: not a regular file (a device, FIFO or socket): give a scenario .yaml file');
    expect(r.code).toBe(2);
  });

  it('a scenario file over 1 MiB: exit 2 with its size', async () => {
    const big = file('big.yaml', `${BASE}\n${'# padding\n'.repeat(120_000)}`);
    const r = await runCaptured('check', big);
    expect(r.out).toMatch(/big\.yaml: \d+ bytes, more than a scenario may have \(1048576\)/);
    expect(r.code).toBe(2);
  });

  it('--param rounds=1e9 on a repeat: exit 2 at the repeat, before expanding it', async () => {
    const r = await runCaptured('check', 'scenarios/bench/seq-retry.yaml', '--param', 'rounds=1e9');
    expect(r.out).toMatch(/seq-retry\.yaml:\d+:\d+: repeat times 1000000000 × 1 op\(s\) exceeds the cap of 10000/);
    expect(r.code).toBe(2);
  });

  it('--param ndrv=100000 on replicas: exit 2 at the replicated entry', async () => {
    const r = await runCaptured('check', 'scenarios/bench/seq-retry.yaml', '--param', 'ndrv=100000');
    expect(r.out).toMatch(/seq-retry\.yaml:\d+:\d+: 'gpu\$\{i\}' has replicas 100000, above the cap of 256/);
    expect(r.code).toBe(2);
  });
});

describe('one time budget for set-up and search', () => {
  it('set-up longer than --time: a located error naming the budget, exit 2', async () => {
    // 4096 populated pages take over a second to set up, a hundred times the budget and more;
    // set-up reads the clock every 16 steps (settle.ts), so it stops within a few steps of the budget.
    const setup = file(
      'long-setup.yaml',
      BASE.replace(
        /vmas: .*\n\s+populate: .*\n/,
        'vmas: [{ addr: 0x10000, length: 0x1000000, prot: rw, type: private-anon }]\n    populate: [{ addr: 0x10000, value: 7, count: 4096 }]\n',
      ),
    );
    const r = await runCaptured('check', setup, '--time', '0.01');
    expect(r.out).toMatch(
      /long-setup\.yaml: set-up \(processes: .*\) did not finish within the time budget of 0.01 s \(--time\)/,
    );
    expect(r.code).toBe(2);
  });

  it('a search without end under a small --time: inconclusive at --time, exit 3', async () => {
    const big = file(
      'seq-retry-big.yaml',
      readFileSync('scenarios/bench/seq-retry.yaml', 'utf8').replace(
        '{ ndrv: 1, rounds: 3 }',
        '{ ndrv: 3, rounds: 5 }',
      ),
    );
    const r = await runCaptured('check', big, '--time', '0.2', '--max-states', '100000000');
    expect(r.out).toMatch(/nothing violated in \d+ states, stopped at --time 0\.2; raise --time/);
    expect(r.code).toBe(3);
  });

  it('a thread that loops forever: the graph build stops at --time too, exit 3', async () => {
    const r = await runCaptured('check', 'scenarios/seeds/fault-vs-endless-remap.yaml', '--time', '0.001');
    expect(r.out).toMatch(/stopped at --time 0\.001/);
    expect(r.code).toBe(3);
  });

  it('--driver whose import never settles: found out by its probe, exit 2', async () => {
    const r = await runCaptured('check', '--driver', 'test/fixtures/broken/drivers/never-settles.ts', '--time', '1');
    expect(r.err).toMatch(/importing driver module .*never-settles\.ts never finishes: its top level awaits a promise/);
    expect(r.code).toBe(2);
  });

  it(`without --time a scenario gets the default budget of ${DEFAULT_TIME_SECONDS} s`, async () => {
    const outcome = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml');
    expect(outcome.limits.timeLimit).toBe(DEFAULT_TIME_SECONDS);
    expect(outcome.verdict).toBe('ok');
  });
});
