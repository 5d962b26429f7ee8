/**
 * Every re-run command mirrorlab prints works as printed (issue 10 item 8): each `replay:` and
 * `alone:` hint of `check` (with params, with a driver module), and the replay hint of a failing
 * conformance seed, is run and must show the same finding again. Traces are self-contained
 * (issue 11 item 2): a copy elsewhere replays, and a changed scenario or driver is named.
 */
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWithStderr as cli } from './run-cli.ts';

/** A printed command's words, as a POSIX shell splits them (single quotes only: all the hints use). */
function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g))
    out.push(m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]);
  return out;
}

/** Every `mirrorlab …` command in the hint lines of `out` (`replay:` and `alone: … or …`). */
function hints(out: string): string[] {
  return [...out.matchAll(/(?:replay|alone): (mirrorlab [^\n]*)/g)].flatMap((m) => m[1].split(' or '));
}

async function runHint(command: string) {
  const [tool, ...args] = words(command);
  expect(tool).toBe('mirrorlab');
  return cli(...args);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'mirrorlab-hints-'));

describe('printed replay commands', () => {
  it('should replay every saved counterexample of check, also copied to another folder', async () => {
    const dir = tmp();
    const { code, out } = await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--save-trace', `${dir}/`);
    expect(code).toBe(0);
    const printed = hints(out);
    expect(printed.map((h) => h.split('/').pop())).toEqual([
      'missing-set-seq.stale-spte.json',
      'missing-set-seq.use-after-free.json',
    ]);
    for (const h of printed) {
      const r = await runHint(h);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/REPRODUCED (stale-spte|use-after-free)/);
    }
    // Self-contained: another folder, no scenario beside it.
    const elsewhere = join(tmp(), 'bug.json');
    copyFileSync(join(dir, 'missing-set-seq.stale-spte.json'), elsewhere);
    const copied = await cli('replay', elsewhere);
    expect(copied.code).toBe(0);
    expect(copied.out).toMatch(/REPRODUCED stale-spte after \d+ steps/);
  });

  it('should replay a sampled schedule alone with its params, and its trace with them', async () => {
    const dir = tmp();
    const { out } = await cli(
      ...['check', 'scenarios/bench/seq-retry-bug.yaml', '--strategy', 'random', '--schedules', '100'],
      ...['--param', 'ndrv=2', '--param', 'rounds=1', '--seed', '3', '--save-trace', join(dir, 'bug.json')],
    );
    const printed = hints(out);
    expect(printed).toHaveLength(3); // check alone, run --seed, replay
    expect(printed[0]).toMatch(/--schedules 1 --param ndrv=2 --param rounds=1$/);
    const alone = await runHint(printed[0]);
    expect(alone.out).toMatch(/violation stale-spte/);
    const run = await runHint(printed[1]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/stale-spte/);
    const replay = await runHint(printed[2]);
    expect(replay.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'bug.json'), 'utf8'));
    expect(saved).toMatchObject({ version: 2, params: { ndrv: 2, rounds: 1 }, strategy: 'random' });
    expect(saved.options).toMatchObject({ schedules: 100 });
  });

  it('should print and honour --allow-driver for a driver module outside the trace folder', async () => {
    const dir = tmp();
    const driver = 'examples/drivers/early-return-driver.ts';
    const { code, out } = await cli(
      ...['check', 'scenarios/seeds/fault-vs-unmap.yaml', '--driver', driver, '--save-trace', `${dir}/`],
    );
    expect(code).toBe(1);
    const [hint] = hints(out);
    expect(hint).toBe(`mirrorlab replay ${dir}/fault-vs-unmap.stale-spte.json --allow-driver ${driver}`);
    expect((await runHint(hint)).code).toBe(0);
    // Without the flag replay imports nothing, and says which flag to add.
    const refused = await cli('replay', join(dir, 'fault-vs-unmap.stale-spte.json'));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`add --allow-driver ${resolve(driver)}`);
    // `replay --driver FILE` is an explicit choice: no flag needed; a missing one is bad input.
    expect((await cli('replay', join(dir, 'fault-vs-unmap.stale-spte.json'), '--driver', driver)).code).toBe(0);
    const missing = await cli('replay', join(dir, 'fault-vs-unmap.stale-spte.json'), '--driver', 'no-such.ts');
    expect([missing.code, missing.err]).toEqual([2, 'mirrorlab: --driver no-such.ts: no such driver module\n']);
  });

  it('should warn, naming both hashes, when the scenario or the driver changed', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'drivers'));
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
    // The driver imports the kernel actions by an absolute path: it is a copy outside the repository.
    const source = readFileSync('examples/drivers/minimal-driver.ts', 'utf8');
    const broken = readFileSync('examples/drivers/early-return-driver.ts', 'utf8');
    const fix = (s: string) => s.replaceAll("'../../machines/", `'${resolve('machines')}/`);
    writeFileSync(join(dir, 'drivers/minimal-driver.ts'), fix(source));
    writeFileSync(join(dir, 'drivers/early-return-driver.ts'), fix(broken));
    const scenario = readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8')
      .replace('driver: shadow-pte', 'driver: ./drivers/early-return-driver.ts')
      .replace(/\nexpect:[\s\S]*$/, '\nexpect:\n  violations: [stale-spte]\n');
    writeFileSync(join(dir, 'scenario.yaml'), scenario);
    const checked = await cli('check', join(dir, 'scenario.yaml'), '--save-trace', join(dir, 'traces'));
    expect(checked.out).toMatch(/violation stale-spte/);
    const trace = join(dir, 'traces', 'scenario.stale-spte.json');
    const saved = JSON.parse(readFileSync(trace, 'utf8'));
    expect(saved.modules).toEqual([expect.objectContaining({ name: './drivers/early-return-driver.ts' })]);
    expect((await cli('replay', trace)).out).not.toMatch(/WARNING/);
    appendFileSync(join(dir, 'scenario.yaml'), '# edited\n');
    appendFileSync(join(dir, 'drivers/early-return-driver.ts'), '// edited\n');
    const r = await cli('replay', trace);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /WARNING: the scenario .*scenario\.yaml changed since the trace was made \(sha256 [0-9a-f]{12}… in the trace, [0-9a-f]{12}… on disk\)/,
    );
    expect(r.out).toMatch(
      /WARNING: the driver module .*early-return-driver\.ts changed since the trace was made \(sha256 [0-9a-f]{12}… in the trace, [0-9a-f]{12}… now\)/,
    );
  });

  it('should replay a failing conformance seed alone with the printed command', async () => {
    const dir = tmp();
    const file = join(dir, 'racy-read.yaml');
    writeFileSync(
      file,
      `name: racy-read
pageSize: 4096
wordsPerPage: 4
check: { strategy: random, schedules: 8, acceptSampling: true }
processes: { p: {} }
devices:
  d0: { driver: dmirror, process: p, subscribe: false, options: { device: 0 } }
fences:
  go: {}
threads:
  main:
    process: p
    ops:
      - open: { device: d0, expect: { result: 0 } }
      - mmap: { addr: 0x100000, length: 0x4000, prot: rw, expect: { result: 0x100000 } }
      - signal: { fence: go, expect: { result: 0 } }
      # Wrong on purpose: a READ that wins the race against the unmap succeeds.
      - ioctl: { device: d0, cmd: READ, addr: 0x100000, npages: 4, expect: { result: -14 } }
  unmapper:
    process: p
    ops:
      - wait: { fence: go }
      - munmap: { addr: 0x100000, length: 0x4000, expect: { result: 0 } }
`,
    );
    const { code, out } = await cli('conformance', file);
    expect(code).toBe(1);
    const [hint] = hints(out);
    // Seeds 5..8 drive PCT schedules; the first to let the READ win is 7.
    expect(hint).toBe(`mirrorlab conformance ${file} --variant default --kernel v6.12 --seed 7 --strategy pct`);
    const again = await runHint(hint);
    expect(again.code).toBe(1);
    const got = (s: string) => /got: {6}(.*)/.exec(s)?.[1];
    expect(got(again.out)).toMatch(/expected \{"result":-14\} but got \{"type":"dmirror.result","result":0/);
    expect(got(again.out)).toBe(got(out));
    // The strategy is part of the schedule: the same seed under the uniform one passes.
    expect((await cli('conformance', file, '--variant', 'default', '--seed', '7', '--strategy', 'random')).code).toBe(
      0,
    );
  });
});
