/**
 * The trace file a studio schedule is saved as: the format `mirrorlab replay` reads
 * (src/check/trace-file.ts, version 1, which this must follow; that module reads files, so the
 * page cannot import it). Written in one place so a new trace version changes only this.
 */
import type { SemanticStep } from 'mirrorlab/browser';

export interface StudioTrace {
  /** Absolute, so the file replays wherever the browser saved it. */
  scenarioPath: string;
  violation: { kind: string; message: string };
  steps: SemanticStep[];
  witnesses?: SemanticStep[][];
  loopFrom?: number;
}

export function studioTraceJson(t: StudioTrace): string {
  const file = {
    format: 'mirrorlab-trace',
    version: 1,
    scenario: t.scenarioPath,
    driver: null,
    strategy: 'studio',
    seed: null,
    violation: t.violation,
    steps: t.steps,
    ...(t.witnesses?.length ? { witnesses: t.witnesses } : {}),
    ...(t.loopFrom !== undefined ? { loopFrom: t.loopFrom } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
