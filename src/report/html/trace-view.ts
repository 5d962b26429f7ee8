/**
 * A counterexample as the data the HTML report draws: its steps, and after each step every
 * actor's state (with its active state nodes, for the statechart), seq values, the device and
 * CPU page tables and the locks held. Built by replaying the trace in the controlled world, so
 * what the page shows is what the model does, not what the trace file says.
 */
import { findCriticalReordering } from '../../explorer/counterexamples/critical-reordering.ts';
import { replayTrace } from '../../explorer/counterexamples/replay.ts';
import { matchRenamed, replayLasso } from '../../explorer/liveness/lasso-replay.ts';
import { defaultMonitors } from '../../monitors/index.ts';
import { topology } from '../../monitors/topology.ts';
import type { ControlledWorld, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import { type GraphState, machineGraph } from '../machine-graph.ts';
import { pageTables, type Tables } from '../page-tables.ts';
import { eventText, seqText, stateText } from '../state-text.ts';

export interface ActorInfo {
  id: string;
  /** The machine's id, the key of its statechart in {@link TraceView.machines}. */
  machine: string;
  /** The kernel object it belongs to: `process p1`, `device gpu0`, `fences`, `threads`. */
  group: string;
}

export interface StepView {
  n: number;
  kind: SemanticStep['kind'];
  actor: string;
  /** The sender; the actor itself for a timer or a choice. */
  from: string;
  event: string;
  /** The receiver's state change, `a → b`, or ''. */
  change: string;
}

export interface ActorFrame {
  state: string;
  /** Ids of the active state nodes (the lit boxes of its statechart). */
  active: string[];
  seq: string;
}

/** Everything after a step (frame 0: before the first). */
export interface Frame {
  actors: Record<string, ActorFrame>;
  tables: Tables;
  /** Lock → holders (`thread:cpu (write)`). */
  locks: Record<string, string[]>;
}

export interface TraceView {
  title: string;
  violation: { kind: string; message: string };
  /** The step after which the monitor reported it (1-based), or null when the replay did not. */
  reportedAt: number | null;
  steps: StepView[];
  frames: Frame[];
  /** A livelock's loop starts at this 0-based step. */
  loopFrom?: number;
  /** The pair whose reversal makes the schedule pass (1-based steps). */
  race?: { first: number; second: number; text: string };
  /** The replay stopped here (the model changed since the trace was saved). */
  divergedAt?: number;
  actors: ActorInfo[];
  /** Machine id → its state tree. */
  machines: Record<string, GraphState>;
}

const GROUPS: Record<string, (rest: string) => string> = {
  mm: (p) => `process ${p}`,
  core: (p) => `process ${p}`,
  sub: (d) => `device ${d}`,
  drv: (d) => `device ${d}`,
  lock: (d) => `device ${d}`,
  dev: (d) => `device ${d}`,
  fence: () => 'fences',
  thread: () => 'threads',
};

/** The kernel object an actor id belongs to (`sub:gpu0` → `device gpu0`). */
export function actorGroup(id: string): string {
  const [kind, rest = ''] = id.split(':');
  return GROUPS[kind]?.(rest) ?? kind;
}

/** The ids of the state nodes a state value makes active, the root's included. */
export function activeStates(root: GraphState, value: unknown): string[] {
  const out = [root.id];
  const walk = (node: GraphState, v: unknown) => {
    if (typeof v === 'string') {
      const child = node.children.find((c) => c.key === v);
      if (child) out.push(child.id);
      return;
    }
    if (v && typeof v === 'object')
      for (const [k, inner] of Object.entries(v)) {
        const child = node.children.find((c) => c.key === k);
        if (!child) continue;
        out.push(child.id);
        walk(child, inner);
      }
  };
  walk(root, value);
  return out;
}

function locksHeld(world: ControlledWorld, state: WorldState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of topology(world).locks) {
    const holders = (world.snapshot(state, i).context as { holders?: { tid: string; mode?: string }[] }).holders ?? [];
    out[world.actors[i].id] = holders.map((h) => (h.mode ? `${h.tid} (${h.mode})` : h.tid));
  }
  return out;
}

function frameOf(world: ControlledWorld, state: WorldState, machines: Record<string, GraphState>): Frame {
  const actors: Record<string, ActorFrame> = {};
  for (const a of world.actors) {
    const snap = world.snapshot(state, a.id);
    actors[a.id] = {
      state: stateText(snap.value),
      active: activeStates(machines[a.machine.id], snap.value),
      seq: seqText(snap),
    };
  }
  return { actors, tables: pageTables(world, state), locks: locksHeld(world, state) };
}

export interface TraceInput {
  title: string;
  violation: { kind: string; message: string };
  steps: SemanticStep[];
  loopFrom?: number;
  witnesses?: SemanticStep[][];
}

export function traceView(world: ControlledWorld, t: TraceInput): TraceView {
  const machines: Record<string, GraphState> = {};
  for (const a of world.actors) machines[a.machine.id] ??= machineGraph(a.machine).root;
  const steps: StepView[] = [];
  const frames = [frameOf(world, world.initial, machines)];
  let state = world.initial;
  let divergedAt: number | undefined;
  for (const [i, wanted] of t.steps.entries()) {
    const lasso = t.loopFrom !== undefined && i >= t.loopFrom;
    const step = lasso ? matchRenamed(world, state, wanted) : world.match(state, wanted);
    if (!step) {
      divergedAt = i + 1;
      break;
    }
    const before = stateText(world.snapshot(state, wanted.actor).value);
    state = world.apply(state, step).state;
    const after = stateText(world.snapshot(state, wanted.actor).value);
    steps.push({
      n: i + 1,
      kind: wanted.kind,
      actor: wanted.actor,
      from: wanted.kind === 'deliver' && wanted.from ? wanted.from : wanted.actor,
      event: eventText(wanted.event as { type: string }, 240),
      change: before === after ? '' : `${before} → ${after}`,
    });
    frames.push(frameOf(world, state, machines));
  }
  return {
    title: t.title,
    violation: t.violation,
    reportedAt: divergedAt === undefined ? reportedAt(world, t) : null,
    steps,
    frames,
    ...(t.loopFrom !== undefined ? { loopFrom: t.loopFrom } : {}),
    ...raceOf(world, t),
    ...(divergedAt !== undefined ? { divergedAt } : {}),
    actors: world.actors.map((a) => ({ id: a.id, machine: a.machine.id, group: actorGroup(a.id) })),
    machines,
  };
}

/** Where the monitors say it: the step count of the violation the replay reports again. */
function reportedAt(world: ControlledWorld, t: TraceInput): number | null {
  if (t.loopFrom !== undefined) {
    const r = replayLasso(world, t.steps, t.loopFrom);
    return r.closed && r.starved.length ? t.steps.length : null;
  }
  const r = replayTrace(world, t.steps, defaultMonitors(), t.witnesses ?? []);
  return r.violations.find((v) => v.kind === t.violation.kind)?.steps ?? null;
}

function raceOf(world: ControlledWorld, t: TraceInput): Pick<TraceView, 'race'> {
  if (t.loopFrom !== undefined || !t.steps.length) return {};
  const r = findCriticalReordering(world, t.steps, t.violation.kind, { monitors: defaultMonitors });
  return r ? { race: { first: r.first.index + 1, second: r.second.index + 1, text: r.text } } : {};
}
