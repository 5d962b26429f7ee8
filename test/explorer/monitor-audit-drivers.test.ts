/**
 * The checking mode of the monitor plan (issue 13 item 8) over driver modules: the part of
 * monitor-audit.test.ts that runs custom drivers, in a file of its own so that vitest can run
 * it beside the other part (it schedules by file). The driver corpus's modules get the same
 * check in test/corpus/driver-corpus.test.ts, which loads them for its battery anyway.
 */
import { describe, it } from 'vitest';
import { expectPlanFaithful } from './driver-plan-audit.ts';

/** Driver modules outside the corpus: the bundled examples and the remove-in-callback fixture. */
const modules = [
  'examples/drivers/minimal-driver.ts',
  'examples/drivers/early-return-driver.ts',
  'test/monitors/fixtures/remove-in-callback-driver.ts',
];

describe('the checking mode over driver modules', () => {
  for (const module of modules) {
    it(`should find the monitor plan faithful with ${module}`, () => expectPlanFaithful(module));
  }
});
