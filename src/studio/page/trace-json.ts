/**
 * The trace file a studio schedule is saved as: the format `mirrorlab replay` reads
 * (src/check/trace-file.ts, version 2, which this must follow; that module reads files, so the
 * page cannot import it): self-contained, with the scenario's text and hash embedded, so it
 * replays from any folder. Written in one place so a new trace version changes only this.
 */
import type { SemanticStep } from 'mirrorlab/browser';

export interface StudioTrace {
  /** The scenario as the server sent it (absolute path, text, hash). */
  scenario: { path: string; name: string | null; text: string; sha256: string };
  toolVersion: string;
  violation: { kind: string; message: string };
  steps: SemanticStep[];
  witnesses?: SemanticStep[][];
  loopFrom?: number;
}

export function studioTraceJson(t: StudioTrace): string {
  const file = {
    format: 'mirrorlab-trace',
    version: 2,
    tool: { name: 'mirrorlab', version: t.toolVersion },
    // The browser does not say where it saved the file: the path is absolute, and the text
    // embedded below is what replay falls back on wherever the trace goes.
    scenario: {
      path: t.scenario.path,
      savedAt: t.scenario.path,
      name: t.scenario.name,
      sha256: t.scenario.sha256,
      text: t.scenario.text,
    },
    driver: null,
    modules: [],
    params: {},
    options: { strategy: 'studio' },
    strategy: 'studio',
    seed: null,
    violation: t.violation,
    steps: t.steps,
    ...(t.witnesses?.length ? { witnesses: t.witnesses } : {}),
    ...(t.loopFrom !== undefined ? { loopFrom: t.loopFrom } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
