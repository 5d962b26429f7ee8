/**
 * mirrorlab as a user gets it (issue 11 item 1): `npm pack`, installed into an empty project (no
 * "type": "module", no TypeScript set-up), run from a folder of that project. The README's and
 * docs/driver-protocol.md's commands must work there: the bundled battery is found from the
 * package, the CLI runs the built JavaScript, a user's `.ts` driver importing `mirrorlab` loads,
 * and a saved trace replays with the printed command and from another folder.
 * The pack and the install happen once; the install prefers npm's cache (offline when it can).
 *
 * The built package as another project imports it (once test/package-build.test.ts, which ran a
 * second `tsc -p tsconfig.build.json` of the same sources into the checkout's dist/): the pack's
 * `prepare` already ran `npm run build`, so those checks import the installed package's dist/
 * with plain Node (no TypeScript loader), which is what a user gets.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve('.');
let project: string;
let bin: string;
/** The installed package's folder (project/node_modules/mirrorlab). */
let installed: string;

interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Run the installed `mirrorlab` with `args` in `cwd`. */
async function mirrorlab(cwd: string, ...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, args, { cwd, maxBuffer: 64 << 20 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** The printed hint after `replay: `, as words (the hints quote nothing for these paths). */
function replayHint(out: string): string[] {
  const m = /replay: mirrorlab (replay [^\n]*)/.exec(out);
  if (!m) throw new Error(`no replay hint in:\n${out}`);
  return m[1].split(' ');
}

/**
 * A copy of the package's sources to pack, so its build (`npm pack` runs `prepare`) writes a
 * dist/ of its own and never races another test building this checkout's dist/.
 */
function stage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-stage-'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  const sources = pkg.files.filter((f) => f !== 'dist');
  // An entry that is generated (not in a fresh checkout) is left to the build.
  for (const f of [...sources, 'package.json', 'README.md', 'tsconfig.build.json'])
    if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

beforeAll(() => {
  const packs = mkdtempSync(join(tmpdir(), 'mirrorlab-pack-'));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', packs], {
    cwd: stage(),
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  project = mkdtempSync(join(tmpdir(), 'mirrorlab-user-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(packs, name)], {
    cwd: project,
    stdio: 'pipe',
  });
  bin = join(project, 'node_modules/.bin/mirrorlab');
  installed = join(project, 'node_modules/mirrorlab');
  mkdirSync(join(project, 'work/deeper'), { recursive: true });
});

describe('an installed mirrorlab', () => {
  it('should check its bundled battery from any folder, running the built JavaScript', async () => {
    const pkg = join(project, 'node_modules/mirrorlab');
    const { freshBuild } = await import(pathToFileURL(join(pkg, 'bin/fresh-build.mjs')).href);
    expect(freshBuild(pkg)).toBe(true);
    const r = await mirrorlab(join(project, 'work/deeper'), 'check');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [, matched, of] = /(\d+) of (\d+) scenarios match their expect:/.exec(r.out) ?? [];
    expect(Number(of)).toBeGreaterThan(10);
    expect(matched).toBe(of);
    const conformance = await mirrorlab(join(project, 'work'), 'conformance', '--only', 'open_close');
    expect(conformance.code).toBe(0);
    expect(conformance.out).toMatch(/hmm\.open_close +pass +pass/);
  });

  it("should run the README's commands on the bundled scenarios", async () => {
    const seeds = 'node_modules/mirrorlab/scenarios/seeds';
    const run = await mirrorlab(project, 'run', `${seeds}/fault-vs-unmap.yaml`, '--seed', '7');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/fault-vs-unmap: \d+ steps, schedule random seed 7/);
    const check = await mirrorlab(project, 'check', `${seeds}/missing-set-seq.yaml`, '--save-trace', 'traces/');
    expect(check.code).toBe(0);
    const replay = await mirrorlab(project, ...replayHint(check.out));
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/REPRODUCED (stale-spte|use-after-free)/);
    const machines = await mirrorlab(project, 'machines', '--json');
    expect(JSON.parse(machines.out).length).toBeGreaterThan(10);
    expect((await mirrorlab(project, 'export', 'svm', '--format', 'stately', '-o', 'svm.js')).code).toBe(0);
    expect(readFileSync(join(project, 'svm.js'), 'utf8')).toMatch(/createMachine\(/);
    expect((await mirrorlab(project, 'schema', '-o', 'scenario.schema.json')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'scenario.schema.json'), 'utf8')).$schema).toMatch(/json-schema/);
  });

  it("should check the driver guide's example driver, written in the user's project, against the battery", async () => {
    const doc = readFileSync(join(project, 'node_modules/mirrorlab/docs/driver-protocol.md'), 'utf8');
    const example = /<!-- driver-example:begin -->\n```ts\n([\s\S]*?)```\n<!-- driver-example:end -->/.exec(doc)![1];
    expect(example).toMatch(/from 'mirrorlab'/);
    expect(example).not.toMatch(/machines\/|test\/support/);
    mkdirSync(join(project, 'drivers'), { recursive: true });
    writeFileSync(join(project, 'drivers/my-driver.ts'), example);
    const r = await mirrorlab(join(project, 'work'), 'check', '--driver', '../drivers/my-driver.ts');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/keeps {2}stale-spte/);
    expect(r.out).toMatch(/Verdict: the driver keeps every property/);
  });

  it('should load a driver saved outside any project: its xstate and mirrorlab imports come from the package', async () => {
    const doc = readFileSync(join(project, 'node_modules/mirrorlab/docs/driver-protocol.md'), 'utf8');
    const example = /<!-- driver-example:begin -->\n```ts\n([\s\S]*?)```\n<!-- driver-example:end -->/.exec(doc)![1];
    const loose = mkdtempSync(join(tmpdir(), 'mirrorlab-loose-driver-'));
    writeFileSync(join(loose, 'my-driver.ts'), example);
    const seed = 'node_modules/mirrorlab/scenarios/seeds/fault-vs-unmap.yaml';
    const r = await mirrorlab(project, 'check', seed, '--driver', join(loose, 'my-driver.ts'));
    expect(r.err).toBe('');
    expect(r.out).toMatch(/Verdict: the driver keeps every property/);
    expect(r.code).toBe(0);
  });

  it("should replay a driver's counterexample as printed, and from another folder with --allow-driver", async () => {
    const driver = 'node_modules/mirrorlab/examples/drivers/early-return-driver.ts';
    const scenario = 'node_modules/mirrorlab/scenarios/seeds/fault-vs-unmap.yaml';
    const r = await mirrorlab(project, 'check', scenario, '--driver', driver, '--save-trace', 'driver-traces/');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BREAKS {2}stale-spte/);
    const hint = replayHint(r.out);
    expect(hint).toEqual(['replay', 'driver-traces/fault-vs-unmap.stale-spte.json', '--allow-driver', driver]);
    expect((await mirrorlab(project, ...hint)).code).toBe(0);
    // Attached to a bug report: another folder, another working directory.
    const elsewhere = mkdtempSync(join(tmpdir(), 'mirrorlab-report-'));
    copyFileSync(join(project, 'driver-traces/fault-vs-unmap.stale-spte.json'), join(elsewhere, 'bug.json'));
    const refused = await mirrorlab(elsewhere, 'replay', 'bug.json');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`add --allow-driver ${join(project, driver)}`);
    const replay = await mirrorlab(elsewhere, 'replay', 'bug.json', '--allow-driver', join(project, driver));
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/REPRODUCED stale-spte/);
  });
});

describe('the built package', () => {
  it('should build to JavaScript that plain Node imports and runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-consumer-'));
    const script = join(dir, 'consumer.mjs');
    const entry = join(installed, 'dist/src/index.js');
    writeFileSync(
      script,
      `import { createWorld, checkScenario, mmMachine, worldFor, exhaustiveSearch, defaultMonitors } from ${JSON.stringify(entry)};
const w = await createWorld(${JSON.stringify(resolve('scenarios/seeds/fault-vs-unmap.yaml'))});
w.run();
const o = await checkScenario(${JSON.stringify(resolve('scenarios/seeds/missing-set-seq.yaml'))});
// The visited-set thread runs the built worker module (visited-worker.js).
const { world } = await worldFor(${JSON.stringify(resolve('scenarios/bench/seq-retry.yaml'))});
const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), threads: 2, pipelineFrom: 1000 });
console.log(JSON.stringify({ steps: w.steps.length, found: o.violations.map((v) => v.kind).sort(), mm: mmMachine.id, states: r.stats.states, threads: r.stats.threads }));
`,
    );
    const out = JSON.parse(execFileSync('node', [script], { encoding: 'utf8' }));
    expect(out.steps).toBeGreaterThan(10);
    expect(out.found).toEqual(['stale-spte', 'use-after-free']);
    expect(out.mm).toBe('mm');
    // seq-retry's states under the default reduction (channel-canonical, returns taken at once;
    // 9,750 exact states): test/explorer/visited-pipeline.test.ts.
    expect([out.states, out.threads]).toEqual([1_802, 2]);
  });

  it('should point every entry of the exports map at a built module with its types', async () => {
    const { exports } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; import: string }>;
    };
    const entries = Object.entries(exports).filter(
      (e): e is [string, { types: string; import: string }] => typeof e[1] !== 'string',
    );
    expect(entries.map(([name]) => name)).toEqual(['.', './machines', './browser', './testing']);
    for (const [, target] of entries)
      expect([existsSync(join(installed, target.types)), existsSync(join(installed, target.import))]).toEqual([
        true,
        true,
      ]);
    const machines = await import(pathToFileURL(join(installed, 'dist/src/machines.js')).href);
    const browser = await import(pathToFileURL(join(installed, 'dist/src/browser.js')).href);
    const testing = await import(pathToFileURL(join(installed, 'dist/src/testing/index.js')).href);
    expect(machines.rangeNotifierMachine.id).toBe('rangeNotifier');
    const { world } = await browser.scenarioWorld(
      browser.parseScenario(readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8'), 'f.yaml'),
    );
    expect(browser.exhaustiveSearch(world, 'bfs', { monitors: browser.defaultMonitors() }).stats.complete).toBe(true);
    // The built testing entry finds the battery bundled beside dist/.
    expect(testing.BUNDLED_BATTERY).toBe(join(installed, 'scenarios/seeds'));
  });
});
