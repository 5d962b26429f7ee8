// Issue 10 item 4: an interrupted `check --json` lists the files it did not check, as the text
// output and `--driver --json` do. The interrupt flag is set before the check starts, so no file
// is checked and every one is listed; it is lowered after the test, for the files that share
// this worker.
import { afterEach, describe, expect, it } from 'vitest';
import { clearInterrupt, requestInterrupt } from '../../../src/explorer/search/interrupt.ts';
import { cli } from '../run-cli.ts';

const FILES = ['scenarios/seeds/fault-vs-unmap.yaml', 'scenarios/seeds/missing-set-seq.yaml'];

describe('an interrupted check --json', () => {
  afterEach(clearInterrupt);

  it('names the files not checked and exits 3', async () => {
    requestInterrupt();
    const { code, out } = await cli('check', ...FILES, '--json', '--quiet');
    const r = JSON.parse(out);
    expect(r.interrupted).toEqual({ notChecked: FILES });
    expect([code, r.exitCode, r.scenarios]).toEqual([3, 3, []]);
    const text = await cli('check', ...FILES, '--quiet');
    expect(text.out).toContain(`2 file(s) not checked: ${FILES.join(', ')}`);
  });
});
