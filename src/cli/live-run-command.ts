/**
 * `mirrorlab run <scenario> --live`: the same scenario as live XState actors (createWorld),
 * optionally streamed to the Stately inspector (`--inspect ws://localhost:8080`) or to a file
 * of Stately inspection events (`--inspect-log run.jsonl`). It ends when the run ends, having
 * closed the socket; with nobody listening it says so and exits 2 before running anything.
 */
import type { InspectionEvent } from 'xstate';
import { createWorld } from '../../actors/world.ts';
import { connectWebSocketInspector, fileInspector, type RunInspector } from '../inspect/stately.ts';
import { eventText, stateText } from '../report/state-text.ts';
import { ModelError } from '../runtime/pure-step.ts';
import { DEFAULT_TIME_SECONDS, Deadline } from '../scenario/deadline.ts';
import { parseParamArgs } from '../scenario/expand.ts';
import { EXIT_CODE } from './exit-codes.ts';

export interface LiveRunOptions {
  seed?: number;
  inspect?: string;
  inspectLog?: string;
  param?: string[];
  allowDriver?: string[];
  /** `--time S`: one budget for loading and the run, as without --live. */
  time?: number;
}

/** The live world's own cap on a run (LiveWorld.run). */
const MAX_STEPS = 100_000;

export async function liveRunCommand(file: string, o: LiveRunOptions, out: (s: string) => void): Promise<number> {
  // Connect before anything runs: nobody listening is bad input (exit 2), said within seconds.
  const inspectors: RunInspector[] = [];
  if (o.inspect) inspectors.push(await connectWebSocketInspector(o.inspect));
  if (o.inspectLog) inspectors.push(fileInspector(o.inspectLog));
  try {
    return await runLive(file, o, inspectors, out);
  } finally {
    await Promise.all(inspectors.map((i) => i.close()));
  }
}

async function runLive(
  file: string,
  o: LiveRunOptions,
  inspectors: RunInspector[],
  out: (s: string) => void,
): Promise<number> {
  const inspect = inspectors.length
    ? (e: InspectionEvent) => {
        for (const i of inspectors) i.inspect.next?.(e);
      }
    : undefined;
  const deadline = Deadline.after(o.time ?? DEFAULT_TIME_SECONDS);
  const world = await createWorld(file, {
    schedule: o.seed === undefined ? 'default' : 'random',
    seed: o.seed,
    inspect,
    params: parseParamArgs(o.param),
    allowDrivers: o.allowDriver,
    deadline,
  });
  let crash: string | null = null;
  let outOfTime = false;
  try {
    // LiveWorld.run, with a look at the clock every 1024 steps.
    for (let n = 0; n < MAX_STEPS && world.step(); n++) {
      if (n % 1024 === 1023 && deadline.passed()) {
        outOfTime = true;
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    crash = e.message;
  }
  out(
    `${file}: ${world.steps.length} steps as live XState actors, schedule ${o.seed === undefined ? 'default' : `random seed ${o.seed}`}`,
  );
  for (const s of world.steps) {
    const change = stateText(s.before) === stateText(s.after) ? '' : `  ${stateText(s.before)} → ${stateText(s.after)}`;
    out(
      `${String(s.n).padStart(4)}  ${s.actor.padEnd(14)} ← ${eventText(s.event as { type: string })}  (from ${s.from})${change}`,
    );
  }
  if (crash) out(`model-error: ${crash}`);
  if (outOfTime) out(`stopped at --time ${deadline.seconds} after ${world.steps.length} steps; raise --time`);
  world.stop();
  return crash ? EXIT_CODE.differs : outOfTime ? EXIT_CODE.inconclusive : EXIT_CODE.ok;
}
