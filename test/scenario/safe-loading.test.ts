/**
 * Safe loading (issue 10 item 7): a scenario imports only driver modules in its own folder tree
 * unless `--allow-driver` allows another; and a TypeScript driver loads wherever it is, with no
 * package.json above it (a real Node process: the test runner would compile it itself).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliWithStderr as cli } from '../cli/run-cli.ts';

/** fault-vs-unmap with its driver replaced by `driver` (as the scenario writes it). */
function scenarioUsing(dir: string, driver: string): string {
  const file = join(dir, 'scenario.yaml');
  const text = readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8').replace(
    'driver: shadow-pte',
    `driver: ${driver}`,
  );
  writeFileSync(file, text);
  return file;
}

/** The minimal driver of the docs, importing the kernel actions by absolute path (outside the repository). */
function writeDriver(file: string): void {
  const source = readFileSync('examples/drivers/minimal-driver.ts', 'utf8');
  writeFileSync(file, source.replaceAll("'../../machines/", `'${resolve('machines')}/`));
}

describe('safe loading of driver modules', () => {
  it('should refuse a module outside the scenario folder, naming the flag, and load it when allowed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mirrorlab-safe-'));
    mkdirSync(join(root, 'scenarios'));
    const outside = resolve('examples/drivers/minimal-driver.ts');
    const file = scenarioUsing(join(root, 'scenarios'), outside);
    const refused = await cli('check', file);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(
      /scenario\.yaml:\d+:\d+: the driver module .*minimal-driver\.ts lies outside the scenario's folder/,
    );
    expect(refused.out).toContain(`add --allow-driver ${outside}`);
    const run = await cli('run', file);
    expect(run.code).toBe(2);
    for (const allow of [outside, resolve('examples/drivers')]) {
      const allowed = await cli('check', file, '--allow-driver', allow);
      expect(allowed.code).toBe(0);
      expect(allowed.out).toMatch(/PASS {2}fault-vs-unmap/);
    }
    // `..` cannot climb out of the tree.
    const climbing = scenarioUsing(
      join(root, 'scenarios'),
      '../../../../../../../../examples/drivers/minimal-driver.ts',
    );
    expect((await cli('check', climbing)).code).toBe(2);
  });

  it('should load a TypeScript driver in a folder with no package.json, in a real Node process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-bare-'));
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules')); // xstate, as an installed project has it
    writeDriver(join(dir, 'my-driver.ts'));
    const file = scenarioUsing(dir, './my-driver.ts');
    const r = await promisify(execFile)('node', [resolve('bin/mirrorlab.mjs'), 'check', file], { cwd: dir }).catch(
      (e) => e as { stdout: string; stderr: string; code: number },
    );
    expect(r.stderr).not.toMatch(/Cannot require\(\) ES Module/);
    expect(r.stdout).toMatch(/PASS {2}fault-vs-unmap/);
  });
});
