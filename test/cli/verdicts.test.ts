/**
 * Verdicts and exit codes of `mirrorlab check` (docs/driver-protocol.md): what a search cut
 * short or a sampling run did not find is inconclusive (exit 3), never a pass, in the text and
 * in `--json` alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.ts';

const SEEDS = 'scenarios/seeds';
const ENDLESS = 'test/explorer/fixtures/endless-retry-driver.ts';
const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-verdicts-'));

describe('check: a search cut short', () => {
  it('should call a clean scenario inconclusive, with the states covered and the limit, exit 3', async () => {
    const text = await cli('check', 'scenarios/profiles/shadow-pte.yaml', '--max-states', '100');
    expect(text.code).toBe(3);
    expect(text.out).toMatch(/^INCONCLUSIVE {2}profile-shadow-pte/);
    expect(text.out).toMatch(/nothing violated in 10\d states, stopped at --max-states 100; raise --max-states/);
    expect(text.out).toMatch(/inconclusive\s+profile-shadow-pte\s+pass\s+none\s+10\d\s+no \(max-states\)/);
    expect(text.out).not.toMatch(/PASS|ok, partial/);
    const json = await cli('check', 'scenarios/profiles/shadow-pte.yaml', '--max-states', '100', '--json');
    expect(json.code).toBe(3);
    const [r] = JSON.parse(json.out).scenarios;
    expect(r).toMatchObject({ ok: false, verdict: 'inconclusive', mismatch: null, skipped: null });
    expect(r.inconclusive).toMatch(/stopped at --max-states 100/);
    expect(r.stats).toMatchObject({ complete: false, stoppedBy: 'max-states' });
  });

  it('should match a planted bug found before the search ended: a found violation is real', async () => {
    const args = ['check', `${SEEDS}/missing-set-seq.yaml`, '--strategy', 'random', '--seed', '1'];
    const text = await cli(...args, '--schedules', '200');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^PASS {2}missing-set-seq/);
    expect(text.out).toMatch(/every expected violation found \(real, though the search stopped: 200 schedules sampled/);
    const [r] = JSON.parse((await cli(...args, '--schedules', '200', '--json')).out).scenarios;
    expect(r).toMatchObject({ ok: true, verdict: 'ok', inconclusive: null });
    expect(r.stats).toMatchObject({ complete: false, stoppedBy: 'schedules' });
  });

  it('should call a clean sampling run inconclusive unless the scenario accepts sampling', async () => {
    const text = await cli('check', `${SEEDS}/fault-vs-unmap.yaml`, '--strategy', 'random', '--schedules', '30');
    expect(text.code).toBe(3);
    expect(text.out).toMatch(/nothing violated in 30 schedules sampled \(\d+ states\); sampling never proves absence/);
    const accepting = join(tmp, 'accepts-sampling.yaml');
    writeFileSync(
      accepting,
      `${readFileSync(`${SEEDS}/fault-vs-unmap.yaml`, 'utf8')}\ncheck: { acceptSampling: true }\n`,
    );
    const accepted = await cli('check', accepting, '--strategy', 'random', '--schedules', '30', '--json');
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.out).scenarios[0]).toMatchObject({ ok: true, verdict: 'ok' });
    const note = await cli('check', accepting, '--strategy', 'random', '--schedules', '30');
    expect(note.out).toMatch(/^PASS {2}fault-vs-unmap/);
    expect(note.out).toMatch(
      /nothing violated in 30 schedules sampled \(\d+ states\): enough for this scenario \(check\.acceptSampling\)/,
    );
  });

  it('should let a mismatch win over an inconclusive scenario: exit 1', async () => {
    const wrong = join(tmp, 'expects-a-bug.yaml');
    writeFileSync(
      wrong,
      readFileSync(`${SEEDS}/fault-vs-unmap.yaml`, 'utf8').replace('violations: []', 'violations: [stale-spte]'),
    );
    const cut = join(tmp, 'cut-short.yaml');
    writeFileSync(cut, `${readFileSync('scenarios/profiles/shadow-pte.yaml', 'utf8')}\ncheck: { maxStates: 100 }\n`);
    const { code, out } = await cli('check', wrong, cut);
    expect(out).toMatch(/^INCONCLUSIVE {2}profile-shadow-pte/m);
    expect(out).toMatch(/^FAIL {2}fault-vs-unmap/m);
    expect(out).toMatch(/expected but not found: stale-spte/);
    expect(code).toBe(1);
  });
});

describe('check --max-memory', () => {
  it('should stop a search without end at the budget with an inconclusive result, exit 3', async () => {
    const args = ['check', '--driver', ENDLESS, `${SEEDS}/fault-vs-unmap.yaml`, '--max-memory', '1'];
    const text = await cli(...args);
    expect(text.code).toBe(3);
    expect(text.out).toMatch(
      /cut short fault-vs-unmap: \d+ states, stopped at --max-memory 1 \(MiB\); raise --max-memory/,
    );
    const json = JSON.parse((await cli(...args, '--json')).out);
    expect(json.scenarios[0].stats).toMatchObject({ complete: false, stoppedBy: 'memory' });
    expect(json.scenarios[0].stats.states).toBeLessThan(200_000);
  });

  it("should stop at V8's heap limit, whatever the budget, instead of aborting node (exit 134)", () => {
    // A 96 MiB old space fills after some 10^5 states of the endless driver: bounded by work.
    const p = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=96',
        'bin/mirrorlab.mjs',
        'check',
        '--driver',
        ENDLESS,
        `${SEEDS}/fault-vs-unmap.yaml`,
        '--max-memory',
        '100000',
      ],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(p.stderr).not.toMatch(/heap out of memory/);
    expect(p.status).toBe(3);
    expect(p.stdout).toMatch(/cut short fault-vs-unmap: \d+ states, stopped at V8's heap limit; raise the heap limit/);
  });

  it('should exit 2 for a budget that is not a whole number of MiB, naming the option', async () => {
    for (const bad of ['0', 'lots', '1.5']) {
      expect((await cli('check', `${SEEDS}/fault-vs-unmap.yaml`, '--max-memory', bad)).code).toBe(2);
    }
  });
});

describe('check --driver verdicts', () => {
  it('should not say keeps for a battery cut short: inconclusive per property, exit 3 in text and JSON', async () => {
    const args = ['check', '--driver', 'examples/drivers/minimal-driver.ts', '--max-states', '50'];
    const text = await cli(...args);
    expect(text.code).toBe(3);
    expect(text.out).not.toMatch(/keeps|BREAKS/);
    expect(text.out).toMatch(/inconclusive {2}stale-spte {2}\(not violated; cut short in /);
    expect(text.out).toMatch(/Verdict: inconclusive: nothing broken, but some searches were cut short/);
    const json = await cli(...args, '--json');
    expect(json.code).toBe(3);
    const r = JSON.parse(json.out);
    expect(r.exitCode).toBe(3);
    expect(r.driver).toBe('examples/drivers/minimal-driver.ts');
    const stale = r.properties.find((p: { property: string }) => p.property === 'stale-spte');
    expect(stale.verdict).toBe('inconclusive');
    const ran = r.scenarios.filter((c: { skipped: string | null }) => !c.skipped);
    expect(stale.scenarios).toEqual(ran.map((c: { scenario: string }) => c.scenario));
    expect(r.properties.every((p: { verdict: string }) => p.verdict === 'inconclusive')).toBe(true);
    // Each scenario keeps the fields plain --json has.
    for (const k of ['scenario', 'file', 'ok', 'expected', 'mismatch', 'violations', 'observations', 'stats'])
      expect(r.scenarios[0]).toHaveProperty(k);
  });

  it('should give a broken property the same exit 1 and the scenarios behind it in text and JSON', async () => {
    const args = ['check', '--driver', 'examples/drivers/early-return-driver.ts', `${SEEDS}/fault-vs-unmap.yaml`];
    const text = await cli(...args);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/BREAKS {2}stale-spte {2}\(in fault-vs-unmap\)/);
    expect(text.out).toMatch(/keeps {3}deadlock/);
    const json = await cli(...args, '--json');
    expect(json.code).toBe(1);
    const r = JSON.parse(json.out);
    expect(r.exitCode).toBe(1);
    expect(r.properties).toContainEqual({ property: 'stale-spte', verdict: 'BREAKS', scenarios: ['fault-vs-unmap'] });
    expect(r.properties).toContainEqual({ property: 'deadlock', verdict: 'keeps', scenarios: ['fault-vs-unmap'] });
  });
});

describe('check --help', () => {
  it('should document the exit codes and --max-memory', async () => {
    const { code, out } = await cli('check', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/--max-memory <MiB>/);
    expect(out).toMatch(/3 {2}nothing violated or mismatched, but something inconclusive/);
    expect(out).toMatch(/never a pass/);
  });
});
