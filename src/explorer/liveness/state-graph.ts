/**
 * The explored graph with its edges, for the liveness pass: breadth-first from the initial
 * state, states identified exactly or up to renamed sequence numbers (shift-keys.ts). The safety
 * search keeps only fingerprints and parent links; finding cycles needs the edges and, to judge
 * fairness, each state's enabled steps, so this graph keeps every state's vector as well.
 *
 * Steps come from the world's interned local steps (each machine transition runs through XState
 * once for both passes). The graph stops growing at `maxStates`: a cycle among the states it
 * has is still a cycle of the model, but a cycle beyond them is not seen (`complete: false`).
 */

import type { ControlledWorld, SemanticStep, StepRecord, WorldState } from '../../runtime/controlled-world.ts';
import { applyTakingReturns, type ReturnFusion, stepsTakingReturns } from '../reduction/returns.ts';
import { interrupted } from '../search/interrupt.ts';
import type { MemoryWatch } from '../search/search-host.ts';
import { zobrist1, zobrist2, zobristVec } from '../visited/fingerprint.ts';
import { VisitedSet } from '../visited/visited-set.ts';
import { ShiftKeys } from './shift-keys.ts';

export interface StateGraph {
  /** Actors per state vector. */
  n: number;
  /** States. State 0 is the initial one; states are numbered in breadth-first order. */
  count: number;
  /** State k's vector is `vecs[k * n .. (k + 1) * n)` (2 bytes an entry when recorded: graph-recorder.ts). */
  vecs: Int32Array | Uint16Array;
  /** Breadth-first tree: the state a state was first reached from, and the local step taken. */
  parent: Int32Array;
  via: Int32Array;
  /** Edges of state k: `edgeTo[e]`, `edgeStep[e]` (a local step id) for e in `edgeStart[k] .. edgeStart[k + 1]`. */
  edgeStart: Int32Array;
  edgeTo: Int32Array;
  edgeStep: Int32Array;
  /** Every state expanded and no successor left out. */
  complete: boolean;
  /**
   * Set when the time budget, a signal or the memory budget (`--max-memory`, or V8's heap wall)
   * stopped the build (the states after that have no edges).
   */
  stoppedBy?: GraphStop;
  /**
   * Set on a recorded graph whose edges take returns at once (reduction/returns.ts): the
   * semantic steps of the edge taken by local step `step` from the state with vector `vec`.
   * Without it an edge is the one step its local step names.
   */
  expand?: (vec: Int32Array, step: number) => SemanticStep[];
}

/** What stopped a graph build short of its state bound: see `StateGraph.stoppedBy`. */
export type GraphStop = 'time' | 'interrupted' | 'memory';

/** A growable list of integers; `expected` sizes it up front (each doubling copies it). */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(expected = 0) {
    this.data = new Int32Array(Math.max(1 << 16, expected));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const more = new Int32Array(this.data.length * 2);
      more.set(this.data);
      this.data = more;
    }
    this.data[this.length++] = v;
  }
  /** Appends `src`. */
  pushAll(src: Int32Array): void {
    const len = src.length;
    while (this.length + len > this.data.length) {
      const more = new Int32Array(this.data.length * 2);
      more.set(this.data);
      this.data = more;
    }
    const d = this.data;
    for (let k = 0; k < len; k++) d[this.length + k] = src[k];
    this.length += len;
  }
  done(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Told of every transition and every state without a step while the graph is built, with the
 * trace that reaches it (breadth-first, so shortest): lets the monitors watch the same search.
 */
export interface GraphObserver {
  step(record: StepRecord, before: WorldState, after: WorldState, trace: () => SemanticStep[]): void;
  terminal(state: WorldState, trace: () => SemanticStep[]): void;
}

/**
 * The semantic steps from the initial state to state `s` of a graph (its breadth-first tree
 * path); give the graph (`g`) when its edges may take returns at once (`StateGraph.expand`).
 */
export function pathTo(
  world: ControlledWorld,
  parent: ArrayLike<number>,
  via: ArrayLike<number>,
  s: number,
  g?: StateGraph,
): SemanticStep[] {
  const path: number[] = [];
  for (let k = s; k > 0; k = parent[k]) path.push(k);
  return path.reverse().flatMap((k) => (g ? edgeSteps(world, g, parent[k], via[k]) : [semanticOf(world, via[k])]));
}

/** The semantic steps of the edge of graph `g` taken by local step `step` from state `from`. */
export function edgeSteps(world: ControlledWorld, g: StateGraph, from: number, step: number): SemanticStep[] {
  if (!g.expand) return [semanticOf(world, step)];
  return g.expand(Int32Array.from(g.vecs.subarray(from * g.n, (from + 1) * g.n)), step);
}

export function semanticOf(world: ControlledWorld, step: number): SemanticStep {
  const ls = world.localSteps[step];
  return world.semantic(ls.record ?? world.resolve(ls));
}

/**
 * `renamed`: identify states up to renamed sequence numbers (needed when a thread loops
 * forever); otherwise states are identified exactly, by the search's Zobrist fingerprints,
 * which a step updates from its parent's in a few XORs.
 */
export function buildStateGraph(
  world: ControlledWorld,
  maxStates: number,
  renamed: boolean,
  observer?: GraphObserver,
  /** `performance.now()` past which the build stops (the search's time budget). */
  stopAt = Number.POSITIVE_INFINITY,
  /** States and transitions to expect (a safety search's counts): the arrays start that big. */
  expect?: { states: number; transitions: number },
  /**
   * Each actor's fingerprint key for a local id, as the safety search keys states
   * (reduction/state-key.ts `stateKeyOf`): the exact id unless given. With `renamed` it is unused.
   */
  keyOf: (actor: number, local: number) => number = exactKey,
  /** The process's memory budget (the search's `--max-memory`), read every 1024 states. */
  memory: MemoryWatch | null = null,
  /**
   * Take returns at once, as the safety search did (reduction/returns.ts), so the graph
   * has the states it counted; not with an `observer` (it would have to see those steps too).
   */
  fusion: ReturnFusion | null = null,
): StateGraph {
  const taking = observer ? null : fusion;
  const n = world.actors.length;
  const keys = renamed ? new ShiftKeys(world) : null;
  const states = Math.min(expect?.states ?? 0, maxStates);
  const edges = expect?.transitions ?? 0;
  const visited = new VisitedSet(Math.max(16, Math.ceil(Math.log2(states * 2 + 1))), 1);
  const vecs = new IntList(states * n);
  const parent = new IntList(states);
  const via = new IntList(states);
  const edgeStart = new IntList(states + 1);
  const edgeTo = new IntList(edges);
  const edgeStep = new IntList(edges);
  const key = new Int32Array(2);
  const here = new Int32Array(2);
  const out = new Int32Array(n);
  const vec = new Int32Array(n);

  /** The state numbered for the fingerprint in `key`, adding `v` if new; -1 past the budget. */
  const add = (v: Int32Array, from: number, step: number): number => {
    const slot = visited.addSlot(key[0], key[1]);
    if (!visited.isNew) return visited.value(slot);
    if (parent.length >= maxStates) {
      visited.setValue(slot, -1); // over the budget: left out, now and when reached again
      return -1;
    }
    const id = parent.length;
    visited.setValue(slot, id);
    vecs.pushAll(v);
    parent.push(from);
    via.push(step);
    return id;
  };
  if (keys) keys.key(world.initial.vec, key);
  else zobristVec(world.initial.vec, key, keyOf);
  add(world.initial.vec, -1, -1);
  let complete = true;
  let stoppedBy: StateGraph['stoppedBy'];
  for (let k = 0; k < parent.length; k++) {
    edgeStart.push(edgeTo.length);
    if ((k & 1023) === 0 && !stoppedBy) {
      if (performance.now() > stopAt) stoppedBy = 'time';
      else if (interrupted()) stoppedBy = 'interrupted';
      else if (memory?.exceeded()) stoppedBy = 'memory';
    }
    if (stoppedBy) {
      complete = false;
      continue;
    }
    for (let i = 0; i < n; i++) vec[i] = vecs.data[k * n + i];
    if (!keys) zobristVec(vec, here, keyOf);
    const before = observer ? world.stateOf(vec.slice()) : null;
    let steps = 0;
    for (let i = 0; i < n; i++) {
      for (const ls of world.stepsOf(i, vec[i])) {
        steps++;
        const took: number[] = [];
        const record = taking
          ? applyTakingReturns(world, taking, vec, ls.id, out, took)
          : world.applyInto(vec, i, ls, out);
        if (observer && before) {
          const at = k;
          observer.step(record, before, world.stateOf(out.slice()), () => [
            ...pathTo(world, parent.data, via.data, at),
            semanticOf(world, ls.id),
          ]);
        }
        if (keys) keys.key(out, key);
        else if (took.length) zobristVec(out, key, keyOf);
        else changedKey(vec, out, i, ls.sends, here, key, keyOf);
        const to = add(out, k, ls.id);
        if (to < 0) {
          complete = false;
          continue;
        }
        edgeTo.push(to);
        edgeStep.push(ls.id);
      }
    }
    if (steps === 0 && observer && before) {
      const at = k;
      observer.terminal(before, () => pathTo(world, parent.data, via.data, at));
    }
  }
  edgeStart.push(edgeTo.length);
  return {
    n,
    count: parent.length,
    vecs: vecs.done(),
    parent: parent.done(),
    via: via.done(),
    edgeStart: edgeStart.done(),
    edgeTo: edgeTo.done(),
    edgeStep: edgeStep.done(),
    complete,
    ...(stoppedBy ? { stoppedBy } : {}),
    ...(taking ? { expand: (v: Int32Array, step: number) => stepsTakingReturns(world, taking, v, step) } : {}),
  };
}

/** The exact key: a local id is itself. */
const exactKey = (_actor: number, local: number): number => local;

/** The child's Zobrist fingerprint from its parent's (`from`): only the actor and its send targets change. */
function changedKey(
  vec: Int32Array,
  out: Int32Array,
  actor: number,
  sends: Int32Array,
  from: Int32Array,
  key: Int32Array,
  keyOf: (actor: number, local: number) => number,
): void {
  const was = keyOf(actor, vec[actor]);
  const now = keyOf(actor, out[actor]);
  let h1 = from[0] ^ zobrist1(actor, was) ^ zobrist1(actor, now);
  let h2 = from[1] ^ zobrist2(actor, was) ^ zobrist2(actor, now);
  for (let s = 0; s < sends.length; s += 2) {
    const t = sends[s];
    let seen = t === actor;
    for (let p = 0; p < s && !seen; p += 2) seen = sends[p] === t;
    if (seen) continue;
    const tWas = keyOf(t, vec[t]);
    const tNow = keyOf(t, out[t]);
    h1 ^= zobrist1(t, tWas) ^ zobrist1(t, tNow);
    h2 ^= zobrist2(t, tWas) ^ zobrist2(t, tNow);
  }
  key[0] = h1;
  key[1] = h2;
}
