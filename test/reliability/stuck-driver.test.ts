// Issue 10: a driver action that never returns blocks the check thread where no clock or
// interrupt is read. From the command line the main thread terminates that thread a few
// seconds past the file's budget (src/cli/check-watchdog.ts). It would hang this test's thread
// in-process, so the CLI runs in a child process killed after 90 s (a hang fails the test).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { STUCK_GRACE_SECONDS } from '../../src/cli/check-watchdog.ts';

describe('check and a driver action that never returns', () => {
  it('should stop a few seconds past --time, naming the file and the fix, exit 2', () => {
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      ['bin/mirrorlab.mjs', 'check', 'test/fixtures/broken/drivers/loops-in-action.yaml', '--time', '2'],
      { encoding: 'utf8', timeout: 90_000, env: { ...process.env, MIRRORLAB_FROM_SOURCE: '1' } },
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(r.stderr).toMatch(
      new RegExp(
        `loops-in-action\\.yaml: the check did not stop within ${STUCK_GRACE_SECONDS} s after its time budget of 2 s \\(--time\\): a driver's guard or action never returns .*fix the driver`,
      ),
    );
    expect(r.status).toBe(2);
    expect(seconds).toBeLessThan(55);
  });
});
