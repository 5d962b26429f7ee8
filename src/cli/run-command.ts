/**
 * `mirrorlab run <scenario> [--seed N] [--json]`: one schedule, printed as a timeline (actor,
 * event, state change, seq values), then the final device and CPU page tables and anything a
 * monitor flagged. Without --seed the schedule is the deterministic default (the first enabled
 * step in actor order); with --seed it is seeded random.
 */
import { worldFor } from '../check/world-for.ts';
import { ViolationLog } from '../explorer/counterexamples/violation-log.ts';
import { Random } from '../explorer/strategies/random.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { topology } from '../monitors/topology.ts';
import { terminalWidth } from '../report/ladder.ts';
import { pageTables as finalTables, type Tables } from '../report/page-tables.ts';
import { eventText, seqText, stateText } from '../report/state-text.ts';
import type { ControlledWorld, SemanticStep } from '../runtime/controlled-world.ts';
import { ModelError } from '../runtime/pure-step.ts';
import { DEFAULT_TIME_SECONDS, Deadline } from '../scenario/deadline.ts';
import { parseParamArgs } from '../scenario/expand.ts';
import { envelope } from './ci/json-envelope.ts';
import { EXIT_CODE } from './exit-codes.ts';
import { stdoutPaint, verdictColour } from './terminal/colour.ts';

export interface RunOptions {
  seed?: number;
  json?: boolean;
  maxSteps?: number;
  param?: string[];
  /** `--allow-driver`: modules or folders outside the scenario's folder tree it may name. */
  allowDriver?: string[];
  /** Cut timeline lines at this many columns (default: the terminal's width; uncut in a pipe). */
  width?: number;
  /** `--time S`: one budget for loading, set-up and the schedule (default DEFAULT_TIME_SECONDS). */
  time?: number;
}

/** Steps between two looks at the clock (a step costs microseconds; the clock is not free). */
const CLOCK_EVERY = 1024;

export interface TimelineEntry {
  n: number;
  actor: string;
  from: string;
  event: { type: string; [k: string]: unknown };
  before: string;
  after: string;
  seq: string;
}

export async function runCommand(file: string, o: RunOptions, out: (s: string) => void): Promise<number> {
  const deadline = Deadline.after(o.time ?? DEFAULT_TIME_SECONDS);
  const { world, compiled } = await worldFor(
    file,
    undefined,
    parseParamArgs(o.param),
    { allowDrivers: o.allowDriver },
    deadline,
  );
  const rng = o.seed === undefined ? null : new Random(o.seed);
  const log = new ViolationLog(defaultMonitors(), { world });
  const timeline: TimelineEntry[] = [];
  const trace: SemanticStep[] = [];
  let state = world.initial;
  const max = o.maxSteps ?? 100_000;
  let crash: string | null = null;
  // Set when the budget ended the schedule before it did: the run proves nothing past that point.
  let outOfTime = false;
  for (let n = 1; n <= max; n++) {
    if (n % CLOCK_EVERY === 0 && deadline.passed()) {
      outOfTime = true;
      break;
    }
    const steps = world.enabled(state);
    if (steps.length === 0) {
      log.terminal(state, () => trace.slice());
      break;
    }
    const step = rng ? steps[rng.int(steps.length)] : steps[0];
    const before = world.snapshot(state, step.actor);
    let applied: ReturnType<ControlledWorld['apply']>;
    try {
      applied = world.apply(state, step);
    } catch (e) {
      // A machine that throws (a user's driver, typically): a located model-error, not a stack trace.
      if (!(e instanceof Error)) throw e;
      const s = world.describe(state, step);
      const why = e instanceof ModelError ? e.message : `${s.actor} threw ${e.name}: ${e.message}`;
      crash = `${why}, at step ${n}: ${s.actor} got ${s.event.type}${s.from ? ` from ${s.from}` : ''}`;
      break;
    }
    const { state: next, record } = applied;
    trace.push(world.semantic(record));
    log.step(record, state, next, () => trace.slice());
    const after = world.snapshot(next, step.actor);
    timeline.push({
      n,
      actor: record.actor,
      from: record.message.from,
      event: record.message.event as TimelineEntry['event'],
      before: stateText(before.value),
      after: stateText(after.value),
      seq: seqText(after),
    });
    state = next;
  }
  const tables = finalTables(world, state);
  const threads = topology(world).threads.map((i) => {
    const snap = world.snapshot(state, i);
    return {
      thread: world.actors[i].id,
      status: snap.status,
      ...(snap.context as { results?: unknown; mismatches?: unknown }),
    };
  });
  const violations = log.found.filter((v) => v.severity !== 'observation').length + (crash ? 1 : 0);
  const exitCode = violations ? EXIT_CODE.differs : outOfTime ? EXIT_CODE.inconclusive : EXIT_CODE.ok;
  const stopped = outOfTime
    ? `stopped at --time ${deadline.seconds} after ${timeline.length} steps; raise --time`
    : null;
  if (o.json) {
    const totals = {
      steps: timeline.length,
      violations,
      observations: log.found.length - (violations - (crash ? 1 : 0)),
    };
    out(
      JSON.stringify(
        envelope('run', exitCode, totals, {
          scenario: compiled.scenario.name ?? file,
          file,
          seed: o.seed ?? null,
          steps: timeline.length,
          stoppedBy: outOfTime ? 'time' : null,
          timeline,
          tables,
          threads: threads.map((t) => ({
            thread: t.thread,
            status: t.status,
            results: t.results,
            mismatches: t.mismatches,
          })),
          violations: [
            ...log.found.map((v) => ({
              kind: v.kind,
              severity: v.severity,
              message: v.message,
              steps: v.steps,
            })),
            ...(crash ? [{ kind: 'model-error', severity: 'violation', message: crash, steps: timeline.length }] : []),
          ],
        }),
        null,
        2,
      ),
    );
  } else {
    out(
      `${compiled.scenario.name ?? file}: ${timeline.length} steps, schedule ${o.seed === undefined ? 'default' : `random seed ${o.seed}`}`,
    );
    const width = o.width ?? terminalWidth();
    for (const e of timeline) {
      const change = e.before === e.after ? '' : `  ${e.before} → ${e.after}`;
      const line = `${String(e.n).padStart(4)}  ${e.actor.padEnd(14)} ← ${eventText(e.event)}  (from ${e.from})${change}${e.seq ? `  [${e.seq}]` : ''}`;
      out(width !== undefined && line.length > width ? `${line.slice(0, width - 1)}…` : line);
    }
    out('');
    out(renderTables(tables));
    for (const t of threads) {
      const mism = (t.mismatches as unknown[] | undefined)?.length ?? 0;
      out(`${t.thread}: ${t.status}${mism ? `, ${mism} unexpected result(s): ${JSON.stringify(t.mismatches)}` : ''}`);
    }
    const found = log.found.map(
      (v) =>
        `${v.severity === 'observation' ? 'observed' : verdictColour(stdoutPaint(), 'VIOLATION')} ${v.kind}: ${v.message}`,
    );
    if (crash) found.push(`VIOLATION model-error: ${crash}`);
    out(found.length ? found.join('\n') : 'no property broken in this run');
    if (stopped) out(stopped);
  }
  return exitCode;
}

function renderTables(t: Tables): string {
  const lines: string[] = [];
  for (const [dev, table] of Object.entries(t.devices)) {
    lines.push(`device page table ${dev}: ${Object.keys(table).length ? '' : '(empty)'}`);
    for (const [addr, e] of Object.entries(table)) lines.push(`  ${addr}  ${JSON.stringify(e)}`);
  }
  for (const [mm, table] of Object.entries(t.cpu)) {
    lines.push(`CPU page table ${mm}: ${Object.keys(table).length ? '' : '(empty)'}`);
    for (const [addr, e] of Object.entries(table)) lines.push(`  ${addr}  ${JSON.stringify(e)}`);
  }
  return lines.join('\n');
}
