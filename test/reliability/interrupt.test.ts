// Issue 10 item 4: SIGINT/SIGTERM during `check` print the partial result, save the traces found
// so far and exit 3 (or 1 when an outcome already differs). The CLI runs as a real process; the
// signal is sent once its stderr says the big scenario's check has begun (MIRRORLAB_PROGRESS=1),
// so nothing depends on how fast the machine is.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-interrupt-'));
/** seq-retry with 3 drivers and 5 rounds: far more states than a test could wait for. */
const BIG = join(dir, 'seq-retry-big.yaml');
writeFileSync(
  BIG,
  readFileSync('scenarios/bench/seq-retry.yaml', 'utf8').replace(
    'params: { ndrv: 1, rounds: 3 }',
    'params: { ndrv: 3, rounds: 5 }',
  ),
);

interface Ended {
  code: number | null;
  out: string;
  err: string;
}

/** Starts `mirrorlab check <args>`, sends `signal` once stderr shows `checking <file>`, and waits for the end. */
function interruptAt(file: string, signal: NodeJS.Signals, args: string[]): Promise<Ended> {
  const child: ChildProcess = spawn(process.execPath, ['bin/mirrorlab.mjs', 'check', ...args], {
    env: { ...process.env, MIRRORLAB_PROGRESS: '1', MIRRORLAB_FROM_SOURCE: '1' },
  });
  let out = '';
  let err = '';
  let sent = false;
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
    if (!sent && err.includes(`checking ${file}`)) {
      sent = true;
      child.kill(signal);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('interrupting check keeps the result', () => {
  it('pct with --workers 2: SIGTERM stops every worker and exits 3 with the schedules run', async () => {
    const r = await interruptAt(BIG, 'SIGTERM', [
      BIG,
      '--strategy',
      'pct',
      '--schedules',
      '100000000',
      '--workers',
      '2',
      '--json',
    ]);
    const [outcome] = (
      JSON.parse(r.out) as { scenarios: { verdict: string; stats: { stoppedBy: string; schedules: number } }[] }
    ).scenarios;
    expect(outcome.verdict).toBe('inconclusive');
    expect(outcome.stats.stoppedBy).toBe('interrupted');
    expect(outcome.stats.schedules).toBeLessThan(100_000_000);
    expect(r.code).toBe(3);
  }, 240_000);

  it('bfs, several files: keeps the verdicts and traces of the files before, the partial result, skips the rest, exits 1', async () => {
    const differs = join(dir, 'missing-set-seq-unexpected.yaml');
    const seed = readFileSync('scenarios/seeds/missing-set-seq.yaml', 'utf8');
    writeFileSync(differs, seed.replace(/violations: \[[^\]]*\]/, 'violations: []'));
    const traces = join(dir, 'traces');
    const r = await interruptAt(BIG, 'SIGINT', [
      differs,
      BIG,
      '--max-states',
      '100000000',
      'scenarios/seeds/fault-vs-unmap.yaml',
      '--save-trace',
      traces,
    ]);
    expect(r.out).toMatch(/FAIL {2}missing-set-seq/);
    expect(r.err).toContain('SIGINT: stopping the search');
    expect(r.out).toMatch(/INCONCLUSIVE {2}seq-retry/);
    expect(r.out).toMatch(/nothing violated in \d+ states, stopped at an interrupt \(SIGINT\/SIGTERM\)/);
    expect(r.out).toContain('interrupted: the search in progress stopped with its partial result');
    expect(r.out).toContain('1 file(s) not checked: scenarios/seeds/fault-vs-unmap.yaml');
    expect(existsSync(traces) && readdirSync(traces).some((f) => f.includes('stale-spte'))).toBe(true);
    expect(r.code).toBe(1);
  }, 240_000);

  it('a bfs shard: SIGINT writes its part, cut short, and exits 3 (a job runner must not see success)', async () => {
    const part = join(dir, 'part-1.json');
    const r = await interruptAt(BIG, 'SIGINT', [
      BIG,
      '--shard',
      '1/2',
      '--shard-out',
      part,
      '--max-states',
      '100000000',
    ]);
    const file = JSON.parse(readFileSync(part, 'utf8')) as {
      format: string;
      scenarios: { stats: { complete: boolean; stoppedBy: string } }[];
    };
    expect(file.format).toBe('mirrorlab.shard');
    expect(file.scenarios[0].stats.complete).toBe(false);
    expect(file.scenarios[0].stats.stoppedBy).toBe('interrupted');
    expect(r.code).toBe(3);
  }, 240_000);
});
