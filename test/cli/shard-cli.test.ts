/**
 * `mirrorlab check --shard i/n --shard-out FILE` and `mirrorlab merge FILE...` as a job runner
 * uses them: the merge exits as `check` does on the same campaign, bad input exits 2 with the
 * fix in the message. Small scenarios, a few hundred schedules.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli, cliWithStderr } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-shard-'));

/** Runs the n shards into a folder of their own; returns the folder. */
async function runShards(name: string, n: number, args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  for (let i = 1; i <= n; i++) {
    const r = await cli('check', ...args, '--shard', `${i}/${n}`, '--shard-out', join(dir, `part-${i}.json`));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`shard ${i}/${n} written to .*part-${i}.json: a part, not a verdict`));
  }
  return dir;
}

describe('check --shard and merge', () => {
  it('should give the verdict and exit code of check over the same bfs campaign, with replayable traces', async () => {
    const args = ['scenarios/seeds/fence-wait-under-lock.yaml', 'scenarios/seeds/fault-vs-unmap.yaml'];
    const whole = await cli('check', ...args, '--json');
    const dir = await runShards('bfs', 3, [...args, '--shard-frontier', '4']);
    const part = JSON.parse(readFileSync(join(dir, 'part-2.json'), 'utf8'));
    expect(part).toMatchObject({ format: 'mirrorlab.shard', version: 1, shard: { index: 2, count: 3 } });
    const merged = await cli('merge', dir, '--json', '--save-trace', join(dir, 'traces/'));
    expect(merged.code).toBe(whole.code);
    const m = JSON.parse(merged.out);
    expect(m).toMatchObject({ format: 'mirrorlab.merge', version: 1, shards: 3, exitCode: whole.code });
    // The versioned shape every --json has (docs/ci.md), valid against its schema.
    const validate = new Ajv({ allErrors: true, strict: true }).compile(
      JSON.parse(readFileSync('schema/mirrorlab.merge.schema.json', 'utf8')),
    );
    expect(validate(m) ? [] : validate.errors).toEqual([]);
    expect(m.totals).toMatchObject({ shards: 3, scenarios: m.scenarios.length, errors: 0 });
    const verdicts = (xs: { verdict: string; violations: { kind: string }[] }[]) =>
      xs.map((x) => [x.verdict, x.violations.map((v) => v.kind).sort()]);
    expect(verdicts(m.scenarios)).toEqual(verdicts(JSON.parse(whole.out).scenarios));
    const deadlock = m.scenarios[0].violations.find((v: { kind: string }) => v.kind === 'deadlock');
    const replay = await cli('replay', deadlock.traceFile);
    expect(replay.code, replay.out).toBe(0);
    expect(replay.out).toMatch(/REPRODUCED deadlock/);
  });

  it('should exit 3 for a clean sampled campaign, as check does', async () => {
    const args = ['scenarios/seeds/fault-vs-unmap.yaml', '--strategy', 'pct', '--schedules', '300', '--seed', '4'];
    const whole = await cli('check', ...args);
    const dir = await runShards('pct', 2, args);
    const merged = await cli('merge', join(dir, 'part-1.json'), join(dir, 'part-2.json'));
    expect([whole.code, merged.code]).toEqual([3, 3]);
    expect(merged.out).toMatch(/INCONCLUSIVE {2}fault-vs-unmap/);
    expect(merged.out).toMatch(/nothing violated in 300 schedules sampled/);
  });

  it('should refuse bad --shard input with exit 2 and the fix', async () => {
    const file = 'scenarios/seeds/fault-vs-unmap.yaml';
    const out = join(tmp, 'x.json');
    const zero = await cli('check', file, '--shard', '0/3', '--shard-out', out);
    expect(zero.code).toBe(2);
    const por = await cli('check', file, '--shard', '1/3', '--shard-out', out, '--por');
    expect(por.code).toBe(2);
    const sleep = await cli('check', file, '--shard', '1/3', '--shard-out', out, '--reduction', 'sleep');
    expect(sleep.code).toBe(2);
    // Not dropped silently: the shards would each search without it.
    const symmetry = await cliWithStderr('check', file, '--shard', '1/3', '--shard-out', out, '--symmetry');
    expect(symmetry.code).toBe(2);
    expect(symmetry.err).toMatch(/--symmetry: a sharded search does not identify replica permutations/);
    const nowhere = await cli('check', file, '--shard', '1/3');
    expect(nowhere.code).toBe(2);
    const lone = await cli('check', file, '--shard-out', out);
    expect(lone.code).toBe(2);
  });

  it('should refuse to draw ladders against a scenario file edited since the shards ran', async () => {
    const file = join(tmp, 'edited.yaml');
    writeFileSync(file, readFileSync('scenarios/seeds/missing-set-seq.yaml'));
    const dir = await runShards('edited', 2, [file, '--shard-frontier', '4']);
    expect((await cli('merge', dir, '--ladder')).out).toMatch(/thread\.run/);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# edited\n`);
    const merged = await cli('merge', dir, '--ladder');
    expect(merged.code).toBe(2);
  });

  it('should refuse a missing shard and a file that is no shard result, with exit 2', async () => {
    const dir = await runShards('missing', 3, ['scenarios/seeds/oom-reaper-sleeps.yaml']);
    const missing = await cli('merge', join(dir, 'part-1.json'), join(dir, 'part-3.json'));
    expect(missing.code).toBe(2);
    const junk = join(tmp, 'junk.json');
    writeFileSync(junk, JSON.stringify({ format: 'mirrorlab.check', version: 1 }));
    expect((await cli('merge', junk)).code).toBe(2);
  });
});
