/**
 * What a search covered of each machine: the state nodes some actor running it rested in
 * between steps, and the transitions some step's event took, out of all of them
 * (machine-graph.ts). Read from what the controlled world interned and cached during the
 * search, so it costs nothing extra while searching. A state an eventless (`always`)
 * transition leaves within the same step is never at rest, and eventless transitions are
 * counted in the totals only: XState resolves them inside the step, out of sight.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { ControlledWorld, WorldState } from '../../runtime/controlled-world.ts';
import { allStates, machineGraph } from '../machine-graph.ts';
import { activeStates } from './trace-view.ts';

export interface MachineCoverage {
  machine: string;
  actors: string[];
  states: { covered: number; total: number };
  transitions: { covered: number; total: number };
  /** Keys of the state nodes never at rest (`fault.locked.checking`). */
  missedStates: string[];
  /** Indices of the transitions taken, for merging coverage over several searches. */
  taken: number[];
}

/** Several searches' coverage of the same machines, as one. */
export function mergeCoverage(all: MachineCoverage[][]): MachineCoverage[] {
  const merged = new Map<string, MachineCoverage>();
  for (const m of all.flat()) {
    const known = merged.get(m.machine);
    if (!known) {
      merged.set(m.machine, { ...m, actors: [...m.actors] });
      continue;
    }
    for (const a of m.actors) if (!known.actors.includes(a)) known.actors.push(a);
    known.missedStates = known.missedStates.filter((s) => m.missedStates.includes(s));
    known.states = { covered: known.states.total - known.missedStates.length, total: known.states.total };
    known.taken = [...new Set([...known.taken, ...m.taken])].sort((a, b) => a - b);
    known.transitions = { covered: known.taken.length, total: known.transitions.total };
  }
  return [...merged.values()];
}

interface NodeLike {
  transitions: Map<string, unknown[]>;
  always?: unknown[];
  states: Record<string, NodeLike>;
}

/** The machine's transition definitions, in machine-graph.ts's order (so the totals agree). */
function transitionDefs(machine: AnyStateMachine): unknown[] {
  const out: unknown[] = [];
  const walk = (n: NodeLike) => {
    for (const list of n.transitions.values()) out.push(...list);
    out.push(...(n.always ?? []));
    for (const c of Object.values(n.states)) walk(c);
  };
  walk(machine.root as unknown as NodeLike);
  return out;
}

/** Every snapshot actor `i` was ever in, by interned snapshot id. */
function snapshotsOf(world: ControlledWorld, i: number): Map<number, AnyMachineSnapshot> {
  const out = new Map<number, AnyMachineSnapshot>();
  const vec = Int32Array.from(world.initial.vec);
  for (let id = 0; world.local(i, id) !== undefined; id++) {
    const snap = world.local(i, id).snap;
    if (out.has(snap)) continue;
    vec[i] = id;
    out.set(snap, world.snapshot(world.stateOf(vec) as WorldState, i));
  }
  return out;
}

export function searchCoverage(world: ControlledWorld): MachineCoverage[] {
  const byMachine = new Map<string, { machine: AnyStateMachine; actors: number[] }>();
  world.actors.forEach((a, i) => {
    const entry = byMachine.get(a.machine.id) ?? { machine: a.machine, actors: [] };
    entry.actors.push(i);
    byMachine.set(a.machine.id, entry);
  });
  const snapshots = world.actors.map((_, i) => snapshotsOf(world, i));
  return [...byMachine.values()].map(({ machine, actors }) => {
    const graph = machineGraph(machine);
    const defs = transitionDefs(machine);
    const entered = new Set<string>();
    for (const i of actors)
      for (const s of snapshots[i].values()) for (const id of activeStates(graph.root, s.value)) entered.add(id);
    const taken = new Set<number>();
    for (const ls of world.localSteps) {
      const r = ls.record;
      if (r?.policy !== 'handled' || !actors.includes(ls.actor)) continue;
      const before = snapshots[ls.actor].get(r.before);
      if (!before) continue;
      for (const t of before.machine.getTransitionData(before as never, r.message.event as never)) {
        const k = defs.indexOf(t);
        if (k >= 0) taken.add(k);
      }
    }
    const states = allStates(graph);
    const prefix = `${graph.root.id}.`;
    return {
      machine: machine.id,
      actors: actors.map((i) => world.actors[i].id),
      states: { covered: states.filter((s) => entered.has(s.id)).length, total: states.length },
      transitions: { covered: taken.size, total: defs.length },
      missedStates: states.filter((s) => !entered.has(s.id)).map((s) => s.id.replace(prefix, '')),
      taken: [...taken].sort((a, b) => a - b),
    };
  });
}
