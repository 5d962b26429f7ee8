// Issue 10: a driver module's top level runs first on a probe thread that is stopped at the
// deadline (src/scenario/driver-probe.ts), so a module that loops at import, never settles or
// ends the process cannot hang or kill the caller. A module that loops would hang this very
// thread without the probe, so those cases run the CLI in a child process with a kill timer.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';
import { probeDriverImport } from '../../src/scenario/driver-probe.ts';

const BROKEN = 'test/fixtures/broken/drivers';

/** `mirrorlab ARGS` in a child process that is killed after 60 s (a hang fails the test, not the run). */
function cliProcess(...args: string[]): { code: number | null; err: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/mirrorlab.mjs', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MIRRORLAB_FROM_SOURCE: '1' },
  });
  return { code: r.status, err: r.stderr + r.stdout, seconds: (performance.now() - t0) / 1000 };
}

describe('a driver module that loops at import', () => {
  const LOOP =
    /importing driver module .*loops-at-import\.ts did not finish within the time budget of 2 s \(--time\): its top level never finished \(a loop that never ends at import/;

  it('should end check --driver FILE --time 2 with exit 2 and the file, the budget and the fix', () => {
    const r = cliProcess(
      'check',
      'scenarios/seeds/fault-vs-unmap.yaml',
      '--driver',
      `${BROKEN}/loops-at-import.ts`,
      '--time',
      '2',
    );
    expect(r.err).toMatch(LOOP);
    expect(r.err).toMatch(/fix the module, or raise --time/);
    expect(r.code).toBe(2);
    expect(r.seconds).toBeLessThan(30);
  });

  it('should end run --live on a scenario naming it, within its --time, with exit 2', () => {
    const r = cliProcess('run', `${BROKEN}/loops-at-import.yaml`, '--live', '--time', '2');
    expect(r.err).toMatch(
      /loops-at-import\.yaml:8:9: importing driver module .*loops-at-import\.ts did not finish within the time budget of [12](\.\d)? s/,
    );
    expect(r.code).toBe(2);
    expect(r.seconds).toBeLessThan(30);
  });
});

describe('probeDriverImport', () => {
  it('should say at once that a top-level await nothing resolves never finishes', async () => {
    const file = resolve(BROKEN, 'never-settles.ts');
    await expect(probeDriverImport(file, 600, 'here')).rejects.toThrow(
      /^here: importing driver module .*never-settles\.ts never finishes: its top level awaits a promise that nothing resolves/,
    );
  });

  it('should stop a module that ends the process at import before it ends ours', async () => {
    await expect(loadDriverModule(resolve(BROKEN, 'exits-at-import.ts'), 'here', 600)).rejects.toThrow(
      /^here: importing driver module .*exits-at-import\.ts ended its thread before the import finished \(process\.exit at its top level\?\)/,
    );
  });

  it('should probe a module file once per thread, remembering how long its top level took', async () => {
    const file = resolve('examples/drivers/early-return-driver.ts');
    const first = await probeDriverImport(file, 600, 'here');
    expect(first).toBeGreaterThan(0);
    expect(await probeDriverImport(file, 600, 'here')).toBe(first);
  });
});
