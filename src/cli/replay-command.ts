/**
 * `mirrorlab replay <trace.json>`: re-execute a saved counterexample and say whether it still
 * breaks the same property. Exit 0 when it does, 1 when it diverged or no longer breaks it.
 * `--continue` then explores onward from the trace's last state. The scenario is the trace's own
 * copy and its params (trace-source.ts warns when the file or the driver changed since); a driver
 * module the trace names is imported only under the safe-loading rule (`--allow-driver`).
 */

import { type LoadedTrace, readTrace } from '../check/trace-file.ts';
import { locateTraceSource } from '../check/trace-source.ts';
import { worldFor } from '../check/world-for.ts';
import { replayLasso } from '../explorer/liveness/lasso-replay.ts';
import { exhaustiveSearch } from '../explorer/node-search.ts';
import { replayTrace } from '../explorer/replay.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { renderLadder } from '../report/ladder.ts';
import { eventText } from '../report/state-text.ts';
import type { ControlledWorld } from '../runtime/controlled-world.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';

export interface ReplayOptions {
  json?: boolean;
  continue?: boolean;
  strategy?: 'bfs' | 'dfs';
  maxStates?: number;
  /** `--allow-driver`: modules or folders outside the trace's folder tree it may import. */
  allowDriver?: string[];
  /** `--driver FILE`: this module instead of the one the trace names. */
  driver?: string;
}

export async function replayCommand(path: string, o: ReplayOptions, out: (s: string) => void): Promise<number> {
  const saved = readTrace(path);
  const source = locateTraceSource(saved, { allowDrivers: o.allowDriver, driver: o.driver });
  const driver = source.driver ? { machine: await loadDriverModule(source.driver), name: source.driver } : undefined;
  const { world } = await worldFor(source.scenarioFile, driver, saved.params, {
    text: source.text,
    allowDrivers: o.allowDriver,
  });
  if (!o.json) for (const w of source.warnings) out(`WARNING: ${w}`);
  const about = { tool: saved.provenance.tool, warnings: source.warnings, notes: source.notes };
  if (saved.loopFrom !== undefined) return replayLassoCommand(world, path, saved, about, o, out);
  const r = replayTrace(world, saved.steps, defaultMonitors(), saved.witnesses ?? []);
  const reproduced = r.violations.find((v) => v.kind === saved.violation.kind);
  const verdict = r.divergence ? 'diverged' : reproduced ? 'reproduced' : 'not reproduced';
  let continued = null;
  if (o.continue && !r.divergence) {
    continued = exhaustiveSearch(
      world,
      o.strategy ?? 'bfs',
      { monitors: defaultMonitors(), maxStates: o.maxStates ?? 1_000_000 },
      {
        state: r.state,
        trace: saved.steps,
      },
    );
  }
  if (o.json) {
    out(
      JSON.stringify(
        {
          trace: path,
          ...about,
          expected: saved.violation,
          verdict,
          replayed: r.replayed,
          divergence: r.divergence,
          violations: r.violations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
          continued: continued && {
            violations: continued.violations.map((v) => ({ kind: v.kind, message: v.message, steps: v.steps })),
            stats: continued.stats,
          },
        },
        null,
        2,
      ),
    );
  } else {
    out(renderLadder(world, saved.steps.slice(0, r.replayed)));
    out('');
    if (r.divergence) {
      out(
        `DIVERGED at step ${r.divergence.at + 1}: wanted ${r.divergence.wanted.actor} ← ${eventText(r.divergence.wanted.event as { type: string })}`,
      );
      out(
        `  enabled there: ${r.divergence.enabled.map((s) => `${s.actor} ← ${s.event.type}`).join(', ') || 'nothing'}`,
      );
    } else if (reproduced) {
      out(`REPRODUCED ${reproduced.kind} after ${r.replayed} steps: ${reproduced.message}`);
    } else {
      out(
        `NOT REPRODUCED: the trace ran to the end without ${saved.violation.kind} (found: ${r.violations.map((v) => v.kind).join(', ') || 'nothing'})`,
      );
    }
    if (continued) {
      out(
        `continued ${continued.strategy} from the trace's end: ${continued.stats.states} states, ${continued.violations.map((v) => `${v.kind} (+${v.steps - saved.steps.length} steps)`).join(', ') || 'no further violation'}`,
      );
    }
  }
  return verdict === 'reproduced' ? 0 : 1;
}

/** A livelock's lasso: the prefix, then one turn of the loop, which must come back to its start. */
function replayLassoCommand(
  world: ControlledWorld,
  path: string,
  saved: LoadedTrace,
  about: object,
  o: ReplayOptions,
  out: (s: string) => void,
): number {
  const loopFrom = saved.loopFrom!;
  const r = replayLasso(world, saved.steps, loopFrom);
  const verdict = r.divergence ? 'diverged' : r.closed && r.starved.length ? 'reproduced' : 'not reproduced';
  if (o.json) {
    out(JSON.stringify({ trace: path, ...about, expected: saved.violation, verdict, loopFrom, ...r }, null, 2));
  } else {
    out(renderLadder(world, saved.steps.slice(0, r.replayed), loopFrom));
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
