/**
 * `mirrorlab replay <trace.json>`: re-execute a saved counterexample and say whether it still
 * breaks the same property. Exit 0 when it does, 1 when it diverged or no longer breaks it.
 * `--continue` then explores onward from the trace's last state. The scenario is the trace's own
 * copy and its params (trace-source.ts warns when the file or the driver changed since); a driver
 * module the trace names is imported only under the safe-loading rule (`--allow-driver`).
 */

import { type LoadedTrace, NOTHING_VIOLATED, readTrace } from '../check/trace-file.ts';
import { locateTraceSource } from '../check/trace-source.ts';
import { worldFor } from '../check/world-for.ts';
import { replayTrace } from '../explorer/counterexamples/replay.ts';
import { replayLasso } from '../explorer/liveness/lasso-replay.ts';
import { exhaustiveSearch } from '../explorer/node-search.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { renderLadder, terminalWidth } from '../report/ladder.ts';
import { eventText } from '../report/state-text.ts';
import type { ControlledWorld } from '../runtime/controlled-world.ts';
import { DEFAULT_TIME_SECONDS, Deadline } from '../scenario/deadline.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';
import { envelope } from './ci/json-envelope.ts';
import { EXIT_CODE } from './exit-codes.ts';
import { stdoutPaint, verdictColour } from './terminal/colour.ts';

export interface ReplayOptions {
  json?: boolean;
  continue?: boolean;
  strategy?: 'bfs' | 'dfs';
  maxStates?: number;
  /** `--allow-driver`: modules or folders outside the trace's folder tree it may import. */
  allowDriver?: string[];
  /** `--driver FILE`: this module instead of the one the trace names. */
  driver?: string;
  /** Fit the ladder to this many columns (default: the terminal's width). */
  width?: number;
  /** `--time S`: one budget for loading, the replay and --continue (default DEFAULT_TIME_SECONDS). */
  time?: number;
}

export async function replayCommand(path: string, o: ReplayOptions, out: (s: string) => void): Promise<number> {
  const deadline = Deadline.after(o.time ?? DEFAULT_TIME_SECONDS);
  const saved = readTrace(path);
  const source = locateTraceSource(saved, { allowDrivers: o.allowDriver, driver: o.driver });
  const driver = source.driver ? { machine: await loadDriverModule(source.driver), name: source.driver } : undefined;
  const { world } = await worldFor(
    source.scenarioFile,
    driver,
    saved.params,
    { text: source.text, allowDrivers: o.allowDriver },
    deadline,
  );
  if (!o.json) for (const w of source.warnings) out(`WARNING: ${w}`);
  const about = {
    trace: path,
    madeBy: saved.provenance.tool,
    warnings: source.warnings,
    notes: source.notes,
    expected: saved.violation,
  };
  if (saved.loopFrom !== undefined) return replayLassoCommand(world, saved, about, o, out);
  const r = replayTrace(world, saved.steps, defaultMonitors(), saved.witnesses ?? [], () => deadline.passed());
  // A schedule saved with kind `none` (the studio's "nothing is violated here") comes back when
  // it runs to its end and still nothing but observations is found on it.
  const clean = saved.violation.kind === NOTHING_VIOLATED;
  const violated = r.violations.filter((v) => v.severity !== 'observation');
  const reproduced = clean
    ? !r.outOfTime && r.replayed === saved.steps.length && violated.length === 0
      ? { kind: NOTHING_VIOLATED, message: 'nothing is violated on this schedule' }
      : undefined
    : r.violations.find((v) => v.kind === saved.violation.kind);
  const verdict = r.divergence ? 'diverged' : reproduced ? 'reproduced' : r.outOfTime ? 'stopped' : 'not reproduced';
  let continued = null;
  if (o.continue && !r.divergence && !r.outOfTime) {
    continued = exhaustiveSearch(
      world,
      o.strategy ?? 'bfs',
      { monitors: defaultMonitors(), maxStates: o.maxStates ?? 1_000_000, timeLimit: deadline.remainingSeconds() },
      {
        state: r.state,
        trace: saved.steps,
      },
    );
  }
  // The budget cut the replay or the search after it: what it covered is said, exit 3.
  const cut = r.outOfTime || continued?.stats.stoppedBy === 'time';
  const code = verdict === 'reproduced' || verdict === 'stopped' ? (cut ? EXIT_CODE.inconclusive : 0) : 1;
  if (o.json) {
    out(
      replayJson(verdict, r.replayed, code, about, {
        replayed: r.replayed,
        divergence: r.divergence,
        violations: r.violations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
        continued: continued && {
          strategy: continued.strategy,
          violations: continued.violations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
          stats: continued.stats,
        },
      }),
    );
  } else {
    out(renderLadder(world, saved.steps.slice(0, r.replayed), undefined, o.width ?? terminalWidth()));
    out('');
    if (r.divergence) {
      out(
        `DIVERGED at step ${r.divergence.at + 1}: wanted ${r.divergence.wanted.actor} ← ${eventText(r.divergence.wanted.event as { type: string })}`,
      );
      out(
        `  enabled there: ${r.divergence.enabled.map((s) => `${s.actor} ← ${s.event.type}`).join(', ') || 'nothing'}`,
      );
    } else if (r.outOfTime) {
      out(
        `STOPPED at --time ${deadline.seconds} after ${r.replayed} of ${saved.steps.length} steps, before ${saved.violation.kind}: raise --time`,
      );
    } else if (clean && reproduced) {
      out(
        `${verdictColour(stdoutPaint(), 'REPRODUCED')}: the schedule ran its ${r.replayed} steps and nothing is violated on it`,
      );
    } else if (clean) {
      out(
        `${verdictColour(stdoutPaint(), 'NOT REPRODUCED')}: the schedule was saved with nothing violated, but now ${violated.map((v) => `${v.kind} (step ${v.steps}): ${v.message}`).join('; ')}`,
      );
    } else if (reproduced) {
      out(
        `${verdictColour(stdoutPaint(), 'REPRODUCED')} ${reproduced.kind} after ${r.replayed} steps: ${reproduced.message}`,
      );
    } else {
      out(
        `${verdictColour(stdoutPaint(), 'NOT REPRODUCED')}: the trace ran to the end without ${saved.violation.kind} (found: ${r.violations.map((v) => v.kind).join(', ') || 'nothing'})`,
      );
    }
    if (continued) {
      out(
        `continued ${continued.strategy} from the trace's end: ${continued.stats.states} states, ${continued.violations.map((v) => `${v.kind} (+${v.steps - saved.steps.length} steps)`).join(', ') || 'no further violation'}${continued.stats.stoppedBy === 'time' ? `, stopped at --time ${deadline.seconds}; raise --time` : ''}`,
      );
    }
  }
  return code;
}

/** `replay --json`: the mirrorlab.replay shape; totals are the steps replayed and whether it came back. */
function replayJson(verdict: string, replayed: number, code: number, about: object, body: object): string {
  const reproduced = verdict === 'reproduced' ? 1 : 0;
  const totals = { steps: replayed, reproduced };
  return JSON.stringify(envelope('replay', code, totals, { ...about, verdict, ...body }), null, 2);
}

/** A livelock's lasso: the prefix, then one turn of the loop, which must come back to its start. */
function replayLassoCommand(
  world: ControlledWorld,
  saved: LoadedTrace,
  about: object,
  o: ReplayOptions,
  out: (s: string) => void,
): number {
  const loopFrom = saved.loopFrom!;
  const r = replayLasso(world, saved.steps, loopFrom);
  const verdict = r.divergence ? 'diverged' : r.closed && r.starved.length ? 'reproduced' : 'not reproduced';
  if (o.json) {
    out(replayJson(verdict, r.replayed, verdict === 'reproduced' ? 0 : 1, about, { loopFrom, ...r }));
  } else {
    out(renderLadder(world, saved.steps.slice(0, r.replayed), loopFrom, o.width ?? terminalWidth()));
    out('');
    if (r.divergence)
      out(
        `DIVERGED at step ${r.divergence.at + 1}: wanted ${r.divergence.wanted.actor} ← ${eventText(r.divergence.wanted.event as { type: string })}`,
      );
    else if (verdict === 'reproduced')
      out(
        `REPRODUCED livelock: after ${loopFrom} steps, the loop of ${saved.steps.length - loopFrom} steps returns to its start while ${r.starved.join('; ')}`,
      );
    else
      out(
        `NOT REPRODUCED: ${r.closed ? 'the loop closes, but no request stays pending all along it' : 'the loop does not return to the state it started from'}`,
      );
  }
  return verdict === 'reproduced' ? 0 : 1;
}
