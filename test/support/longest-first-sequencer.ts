/**
 * Test files in order of how long they take, longest first, so the two workers finish together
 * instead of one running a long file alone at the end. Vitest's own order does this only from
 * the timings it cached on an earlier run; in a fresh checkout (CI) it runs the largest files
 * first, and the slowest files here are short ones (the conformance suite's heavy tests ran
 * last, 60 s alone). So a file vitest has no timing for takes its estimate from `ESTIMATES`.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each of the slowest files took in a whole-suite run (2 workers); the rest count as 0. */
const ESTIMATES: Record<string, number> = {
  'test/conformance/hmm-suite.test.ts': 85,
  'test/corpus/driver-corpus.test.ts': 53,
  'test/conformance/hmm-suite-heavy.test.ts': 46,
  'test/explorer/monitor-audit.test.ts': 26,
  'test/package/installed.test.ts': 25,
  'test/explorer/monitor-audit-drivers.test.ts': 25,
  'test/conformance/hmm-suite-remap.test.ts': 21,
  'test/docs/typedoc.test.ts': 18,
  'test/reliability/stuck-driver.test.ts': 18,
  'test/reliability/budgets.test.ts': 16,
  'test/explorer/reduction-property.test.ts': 16,
  'test/reliability/broken-corpus.test.ts': 15,
  'test/check/correct-drivers-battery.test.ts': 15,
  'test/cli/verdicts.test.ts': 15,
  'test/scenario/driver-probe.test.ts': 12,
  'test/reliability/interrupt.test.ts': 11,
  'test/explorer/sampling.test.ts': 10,
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
