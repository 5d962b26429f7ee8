/**
 * What the studio's server sends the page (`GET /studio/input.json`): the scenario as text, to
 * be parsed in the page, and for a trace its schedule. Shared by both sides, so it holds types only.
 */
import type { SemanticStep } from 'mirrorlab/browser';

export interface StudioInput {
  scenario: {
    /** As the user named it (relative to where the studio started): error messages use it. */
    name: string;
    /** Absolute: a saved trace names the scenario by it, so it replays from any folder. */
    path: string;
    text: string;
    /** sha256 of `text` in hex (a saved trace carries it: replay warns when the file changed). */
    sha256: string;
  };
  /** The mirrorlab version serving the page, recorded in saved traces. */
  tool: { version: string };
  /**
   * Opened on a folder: every scenario in it that the page can run (`scenario` is the first),
   * and what was left out and why.
   */
  choices?: StudioInput['scenario'][];
  skipped?: string[];
  trace?: {
    /** As the user named it. */
    file: string;
    steps: SemanticStep[];
    violation: { kind: string; message: string };
    /** For a potential deadlock: the other schedules the monitors learn lock orders from first. */
    witnesses: SemanticStep[][];
    /** A livelock's lasso: the loop's first step. */
    loopFrom?: number;
  };
}
