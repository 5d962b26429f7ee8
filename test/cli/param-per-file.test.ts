/**
 * `check --param` over several files: each file gets the params it declares and one that declares
 * none of them is checked as written; a param no file declares is bad input (exit 2) naming the
 * param, the files and the params they do declare. Traces, re-run hints, `--json`, shards and
 * merge carry each file's own params, so what they print re-runs what was checked.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli, cliWithStderr } from './run-cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'mirrorlab-params-'));
const SEQ_RETRY = 'scenarios/bench/seq-retry.yaml';
const SEQ_RETRY_BUG = 'scenarios/bench/seq-retry-bug.yaml';
const MISSING_SET_SEQ = 'scenarios/seeds/missing-set-seq.yaml';
/** Declares `retries` only. */
const ENDLESS_REMAP = 'scenarios/seeds/fault-vs-endless-remap.yaml';

/** A folder with seq-retry (ndrv, rounds), fault-vs-unmap (no params) and fault-vs-endless-remap (retries). */
function mixedFolder(): string {
  const dir = tmp();
  for (const f of [SEQ_RETRY, 'scenarios/seeds/fault-vs-unmap.yaml', ENDLESS_REMAP])
    copyFileSync(f, join(dir, f.split('/').pop()!));
  return dir;
}

interface JsonScenario {
  file: string;
  verdict: string;
  params: Record<string, unknown>;
  stats: { states: number };
  violations: { kind: string; traceFile: string | null }[];
}

describe('check --param over several files', () => {
  it('gives a folder param to the files that declare it and checks the others as written', async () => {
    const dir = mixedFolder();
    const r = await cli('check', dir, '--param', 'rounds=1', '--json');
    expect(r.code, r.out).toBe(0);
    const json = JSON.parse(r.out);
    const validate = new Ajv({ allErrors: true, strict: true }).compile(
      JSON.parse(readFileSync('schema/mirrorlab.check.schema.json', 'utf8')),
    );
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    const scenarios: JsonScenario[] = json.scenarios;
    const by = Object.fromEntries(scenarios.map((s) => [s.file.split('/').pop(), s]));
    expect(Object.keys(by).sort()).toEqual(['fault-vs-endless-remap.yaml', 'fault-vs-unmap.yaml', 'seq-retry.yaml']);
    for (const s of scenarios) expect(s.verdict).toBe('ok');
    expect(by['seq-retry.yaml'].params).toEqual({ rounds: 1 });
    expect(by['fault-vs-unmap.yaml'].params).toEqual({});
    expect(by['fault-vs-endless-remap.yaml'].params).toEqual({});
    // rounds=1 was applied: the same search as the file checked alone with it.
    const alone = JSON.parse((await cli('check', join(dir, 'seq-retry.yaml'), '--param', 'rounds=1', '--json')).out);
    expect(by['seq-retry.yaml'].stats.states).toBe(alone.scenarios[0].stats.states);
    // Two params, each declared by a different file; the text report as well.
    const text = await cli('check', dir, '--param', 'rounds=1', '--param', 'retries=1');
    expect(text.code, text.out).toBe(0);
    expect(text.out).toMatch(/3 of 3 scenarios match their expect:/);
  });

  it('refuses a param no file declares, before any search, naming it, the files and the fix (exit 2)', async () => {
    const dir = mixedFolder();
    const r = await cliWithStderr('check', dir, '--param', 'rouds=1', '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('--param rouds: no scenario of this check declares it (3 file(s): ');
    for (const f of ['seq-retry.yaml', 'fault-vs-unmap.yaml', 'fault-vs-endless-remap.yaml'])
      expect(r.err).toContain(f);
    expect(r.err).toMatch(
      /: did you mean --param rounds\? Else pass a param they declare \(.*\), or drop --param rouds\n$/,
    );
    for (const k of ['ndrv', 'rounds']) expect(r.err).toContain(`${k}: ${join(dir, 'seq-retry.yaml')}`);
    expect(r.err).toContain(`retries: ${join(dir, 'fault-vs-endless-remap.yaml')}`);
    // A typo beside a good param is refused too.
    const mixed = await cliWithStderr('check', dir, '--param', 'rounds=1', '--param', 'ndvr=2');
    expect([mixed.code, mixed.out]).toEqual([2, '']);
    expect(mixed.err).toMatch(/^mirrorlab: --param ndvr: no scenario of this check declares it/);
    // One file: its name first, what it has, the fix.
    const one = await cliWithStderr('check', SEQ_RETRY, '--param', 'rouds=1');
    expect([one.code, one.err]).toEqual([
      2,
      `mirrorlab: ${SEQ_RETRY}: --param rouds is not a param of this scenario (it has: ndrv, rounds): did you mean --param rounds? Else pass one of those, or drop --param rouds\n`,
    ]);
  });

  it('saves each trace with the params its file used, and each replays', async () => {
    const dir = tmp();
    const r = await cli(
      ...['check', MISSING_SET_SEQ, SEQ_RETRY_BUG, '--param', 'ndrv=2', '--param', 'rounds=1', '--json'],
      ...['--save-trace', `${dir}/`],
    );
    expect(r.code, r.out).toBe(0);
    const scenarios: JsonScenario[] = JSON.parse(r.out).scenarios;
    const traces = scenarios.flatMap((s) => s.violations.map((v) => ({ file: s.file, trace: v.traceFile! })));
    expect(traces.map((t) => t.file)).toEqual([MISSING_SET_SEQ, MISSING_SET_SEQ, SEQ_RETRY_BUG]);
    for (const { file, trace } of traces) {
      const saved = JSON.parse(readFileSync(trace, 'utf8'));
      expect(saved.params).toEqual(file === SEQ_RETRY_BUG ? { ndrv: 2, rounds: 1 } : {});
      const replay = await cli('replay', trace);
      expect(replay.code, replay.out).toBe(0);
      expect(replay.out).toMatch(/REPRODUCED (stale-spte|use-after-free)/);
    }
  });

  it("prints each counterexample's re-run command with only its file's params, and it re-runs", async () => {
    const r = await cli(
      ...['check', MISSING_SET_SEQ, SEQ_RETRY_BUG, ENDLESS_REMAP, '--strategy', 'random', '--schedules', '300'],
      ...['--seed', '3', '--param', 'rounds=1', '--param', 'retries=1'],
    );
    // fault-vs-endless-remap passes its sample: inconclusive (sampling shows no absence).
    expect(r.code, r.out).toBe(3);
    const alone = [...r.out.matchAll(/alone: (mirrorlab check (\S+) .*?) or mirrorlab run/g)];
    const of = (file: string) => alone.filter((m) => m[2] === file).map((m) => m[1]);
    const params = {
      [MISSING_SET_SEQ]: '',
      [SEQ_RETRY_BUG]: ' --param rounds=1',
      [ENDLESS_REMAP]: ' --param retries=1',
    };
    for (const [file, given] of Object.entries(params)) {
      expect(of(file).length, r.out).toBeGreaterThan(0);
      for (const hint of of(file)) expect(hint.endsWith(`--schedules 1${given}`), hint).toBe(true);
    }
    for (const file of [MISSING_SET_SEQ, SEQ_RETRY_BUG]) {
      const again = await cli(...of(file)[0].split(' ').slice(1));
      expect(again.out).toMatch(/violation (stale-spte|use-after-free)/);
    }
  });

  it("records each file's params in a shard's part, and the merge saves traces with them", async () => {
    const dir = tmp();
    const args = [MISSING_SET_SEQ, SEQ_RETRY_BUG, '--param', 'rounds=1'];
    for (const i of [1, 2]) {
      const part = await cli('check', ...args, '--shard', `${i}/2`, '--shard-out', join(dir, `part-${i}.json`));
      expect(part.code, part.out).toBe(0);
    }
    const part = JSON.parse(readFileSync(join(dir, 'part-1.json'), 'utf8'));
    expect(part.campaign.params).toEqual({ rounds: 1 });
    expect(part.scenarios.map((s: JsonScenario) => s.params)).toEqual([{}, { rounds: 1 }]);
    const merged = await cli('merge', dir, '--json', '--save-trace', join(dir, 'traces/'));
    expect(merged.code, merged.out).toBe(0);
    const scenarios: JsonScenario[] = JSON.parse(merged.out).scenarios;
    expect(scenarios.map((s) => s.params)).toEqual([{}, { rounds: 1 }]);
    for (const s of scenarios)
      for (const v of s.violations) {
        expect(JSON.parse(readFileSync(v.traceFile!, 'utf8')).params).toEqual(s.params);
        expect((await cli('replay', v.traceFile!)).code).toBe(0);
      }
  });
});
