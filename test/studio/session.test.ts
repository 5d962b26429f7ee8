/**
 * The studio's guided simulation without a page: choosing, undoing, redoing, cutting the
 * schedule with another choice, restarting, and the monitors' verdict at the cursor.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { textHash } from '../../src/check/trace-file.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';
import { StudioSession } from '../../src/studio/page/session.ts';
import { stepLine } from '../../src/studio/page/step-words.ts';

const FILE = 'scenarios/seeds/missing-set-seq.yaml';
const text = readFileSync(FILE, 'utf8');
const scenario = { name: FILE, path: resolve(FILE), text, sha256: textHash(text) };
const tool = { version: 'test' };

let counterexample: Promise<SemanticStep[]> | undefined;

/** The scenario's shortest stale-spte schedule, as `check` finds it (searched once). */
function staleSpteTrace(): Promise<SemanticStep[]> {
  counterexample ??= checkScenario(FILE).then((outcome) => {
    const v = outcome.violations.find((x) => x.kind === 'stale-spte');
    if (!v) throw new Error('missing-set-seq no longer shows stale-spte');
    return v.trace;
  });
  return counterexample;
}

describe('StudioSession', () => {
  it('should follow the chosen steps to the violation, and undo, redo and cut the schedule', async () => {
    const trace = await staleSpteTrace();
    const session = await StudioSession.open({ scenario, tool });
    for (const wanted of trace) {
      const match = session.enabled().filter((e) => stepLine(e.semantic) === stepLine(wanted));
      expect(match).toHaveLength(1);
      session.choose(match[0].step);
    }
    expect(session.verdict().map((v) => [v.kind, v.steps])).toContainEqual(['stale-spte', trace.length]);

    const atEnd = session.actors();
    session.back();
    expect(session.cursor).toBe(trace.length - 1);
    expect(session.verdict().map((v) => v.kind)).not.toContain('stale-spte');
    expect(session.actors()).not.toEqual(atEnd);
    // The next step of the schedule is a redo: the schedule is kept.
    session.forward();
    expect(session.actors()).toEqual(atEnd);

    // Another choice where a step was undone cuts the rest of the schedule.
    session.back();
    const other = session.enabled().find((e) => stepLine(e.semantic) !== stepLine(trace[trace.length - 1]));
    expect(other).toBeDefined();
    session.choose(other!.step);
    expect(session.schedule).toHaveLength(trace.length);
    expect(stepLine(session.schedule[trace.length - 1])).toBe(stepLine(other!.semantic));

    session.restart();
    expect([session.cursor, session.schedule.length, session.verdict()]).toEqual([0, 0, []]);
  });

  it('should open a trace at its end, and stop where a step no longer matches', async () => {
    const trace = await staleSpteTrace();
    const violation = { kind: 'stale-spte', message: '' };
    const whole = await StudioSession.open({
      scenario,
      tool,
      trace: { file: 't.json', steps: trace, violation, witnesses: [] },
    });
    expect([whole.cursor, whole.divergence]).toEqual([trace.length, null]);

    const broken = [...trace.slice(0, 3), { kind: 'deliver' as const, actor: 'nobody', event: { type: 'x' } }];
    const cut = await StudioSession.open({
      scenario,
      tool,
      trace: { file: 't.json', steps: broken, violation, witnesses: [] },
    });
    expect(cut.cursor).toBe(3);
    expect(cut.divergence?.at).toBe(3);
  });
});
