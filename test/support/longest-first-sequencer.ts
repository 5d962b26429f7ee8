/**
 * Test files in order of how long they take, longest first, so the two workers finish together
 * instead of one running a long file alone at the end. Vitest's own order does this only from
 * the timings it cached on an earlier run; in a fresh checkout (CI) it runs the largest files
 * first, and the slowest files here are short ones (the conformance suite's heavy tests ran
 * last, 60 s alone). So a file vitest has no timing for takes its estimate from `ESTIMATES`.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each of the slowest files took in a whole-suite run (2 workers, the machine busy with
 * other work too); the rest count as 0. Refresh them when a file's work changes much.
 */
const ESTIMATES: Record<string, number> = {
  'test/package/installed.test.ts': 36,
  'test/corpus/driver-corpus.test.ts': 34,
  'test/conformance/hmm-suite.test.ts': 32,
  'test/explorer/monitor-audit.test.ts': 27,
  'test/conformance/hmm-suite-remap.test.ts': 26,
  'test/cli/verdicts.test.ts': 25,
  'test/conformance/hmm-suite-heavy.test.ts': 23,
  'test/explorer/movers-audit.test.ts': 20,
  'test/check/correct-drivers-battery.test.ts': 18,
  'test/docs/typedoc.test.ts': 16,
  'test/reliability/stuck-driver.test.ts': 16,
  'test/explorer/symmetry.test.ts': 15,
  'test/reliability/broken-corpus.test.ts': 15,
  'test/reliability/interrupt.test.ts': 13,
  'test/explorer/reduction-property.test.ts': 12,
  'test/explorer/reduction-soundness.test.ts': 11,
  'test/scenario/driver-probe.test.ts': 11,
  'test/cli/cli.test.ts': 10,
  'test/cli/replay-hints.test.ts': 10,
  'test/docs/api-docs.test.ts': 10,
  'test/explorer/resting-threads.test.ts': 10,
  'test/studio/studio.test.ts': 10,
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const seconds = (f: TestSpecification) => {
      const file = relative(this.ctx.config.root, f.moduleId).replaceAll('\\', '/');
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${file}`);
      return cached ? cached.duration / 1000 : (ESTIMATES[file] ?? 0);
    };
    // Stable: files of equal estimate keep vitest's order.
    return base
      .map((f, i) => ({ f, i, s: seconds(f) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .map(({ f }) => f);
  }
}
