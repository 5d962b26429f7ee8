// Issue 10: a driver action that never returns blocks the check thread where no clock or
// interrupt is read. From the command line the main thread terminates that thread a few
// seconds past the file's budget (src/cli/check-watchdog.ts). It would hang this test's thread
// in-process, so the CLI runs in a child process killed after 240 s (a hang fails the test;
// the run takes about 20 s: the stuck file's budget and grace, then a fresh thread checks the
// other files again).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { STUCK_GRACE_SECONDS } from '../../src/cli/check-watchdog.ts';

describe('check and a driver action that never returns', () => {
  it('should stop that file a few seconds past --time, naming it and the fix, and still judge the others, exit 2', () => {
    const r = spawnSync(
      process.execPath,
      [
        'bin/mirrorlab.mjs',
        'check',
        'scenarios/seeds/fault-vs-unmap.yaml',
        'test/fixtures/broken/drivers/loops-in-action.yaml',
        'scenarios/seeds/missing-set-seq.yaml',
        '--time',
        '2',
      ],
      { encoding: 'utf8', timeout: 240_000, env: { ...process.env, MIRRORLAB_FROM_SOURCE: '1' } },
    );
    expect(r.stderr).toMatch(/loops-in-action\.yaml: its check never returned .*; checking again without it/);
    // The stuck file is an error with its reason; the files before and after it keep their verdicts.
    expect(r.stdout).toMatch(
      new RegExp(
        `ERROR  test/fixtures/broken/drivers/loops-in-action\\.yaml\n\\s+the check did not stop within ${STUCK_GRACE_SECONDS} s after its time budget of 2 s \\(--time\\): a driver's guard or action never returns .*fix the driver`,
      ),
    );
    expect(r.stdout).toMatch(/^ok +fault-vs-unmap /m);
    expect(r.stdout).toMatch(/^ok +missing-set-seq /m);
    expect(r.stdout).toContain('2 of 3 scenarios match their expect:');
    expect(r.status).toBe(2);
  });
});
