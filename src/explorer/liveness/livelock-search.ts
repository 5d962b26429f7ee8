/**
 * The liveness pass: after the safety search, build the explored graph with its edges
 * (state-graph.ts) and ask, for each request some actor has outstanding (`pendingRequest`,
 * read from the `awaitingReply` tag), whether it can stay pending forever on a fair cycle while
 * the rest of the system keeps moving (fair-cycles.ts). Such a cycle is a `livelock`, reported
 * as a lasso: the shortest prefix to the cycle, then one turn of the loop.
 */
import { mayAwaitReply, pendingRequest } from '../../monitors/liveness.ts';
import type { ControlledWorld } from '../../runtime/controlled-world.ts';
import { DEFAULT_MAX_STATES, type FoundViolation } from '../search-types.ts';
import { cyclicStates } from './cyclic-states.ts';
import { CycleFinder, type Fairness } from './fair-cycles.ts';
import { FairnessUnits } from './fairness.ts';
import { PassDeadline } from './pass-deadline.ts';
import { buildStateGraph, edgeSteps, pathTo, type StateGraph } from './state-graph.ts';

export interface LivenessOptions {
  /** States the graph may hold (default 2 M). */
  maxStates?: number;
  /**
   * Over fairness units (fairness.ts). Default 'strong': a channel that can deliver again and
   * again is served in the end. 'weak' (Spin's `-f`) also reports a message starved by the
   * model's free choice among senders, which the kernel's FIFO wait queues rule out.
   */
  fairness?: Fairness;
  /** Identify states up to renamed sequence numbers (a scenario whose threads loop forever). */
  renamed?: boolean;
}

/**
 * What the liveness pass after an exhaustive search covered (`CheckOutcome.liveness`): its state
 * graph, the requests it followed, and whether it was complete.
 *
 * @example
 * ```ts
 * import { checkScenario, type LivenessStats } from 'mirrorlab';
 *
 * const outcome = await checkScenario('scenarios/seeds/fault-vs-unmap.yaml');
 * const liveness: LivenessStats | null = outcome.liveness;
 * if (liveness) console.log(`${liveness.states} states, ${liveness.requests} requests, ${liveness.fairness} fairness`);
 * ```
 */
export interface LivenessStats {
  states: number;
  edges: number;
  /** Distinct requests looked at. */
  requests: number;
  /** The graph was the whole graph and the pass went through it (no livelock found means none). */
  complete: boolean;
  /**
   * What cut the graph build or the pass over it short: `--time`, SIGINT/SIGTERM, or the memory
   * budget (a graph built apart from the search: `--max-memory`, or V8's heap wall). Absent when
   * it ran to the end, or only the graph's `--max-states` bound cut it.
   */
  stoppedBy?: 'time' | 'interrupted' | 'memory';
  elapsedMs: number;
  fairness: Fairness;
}

export interface LivenessResult {
  /** At most one `livelock`, the shortest lasso over all requests. */
  violations: FoundViolation[];
  stats: LivenessStats;
}

export function livelockSearch(world: ControlledWorld, opts: LivenessOptions = {}): LivenessResult {
  const t0 = performance.now();
  return livelocksIn(
    world,
    buildStateGraph(world, opts.maxStates ?? DEFAULT_MAX_STATES, opts.renamed ?? false),
    opts,
    t0,
  );
}

/**
 * The liveness verdict on a graph already built. `stopAt` (a `performance.now()` value, the
 * check's `--time`) and an interrupt end it early: a livelock found by then is still reported
 * (it is real), but the stats say the pass is not complete, so none found proves nothing.
 */
export function livelocksIn(
  world: ControlledWorld,
  g: StateGraph,
  opts: LivenessOptions,
  t0: number,
  stopAt = Number.POSITIVE_INFINITY,
): LivenessResult {
  const fairness = opts.fairness ?? 'strong';
  const deadline = new PassDeadline(stopAt);
  const stats = (requests: number): LivenessStats => {
    const stoppedBy = deadline.stoppedBy ?? g.stoppedBy;
    return {
      states: g.count,
      edges: g.edgeTo.length,
      requests,
      complete: g.complete && deadline.stoppedBy === undefined,
      ...(stoppedBy ? { stoppedBy } : {}),
      elapsedMs: Math.round(performance.now() - t0),
      fairness,
    };
  };
  // Every request pending somewhere counts as looked at (`requests`), but only those pending on
  // a cycle can be pending forever (cyclic-states.ts); the rest need no fair-cycle search.
  const { cyclic, any, stopped } = cyclicStates(g, deadline.expired);
  if (stopped) return { violations: [], stats: stats(0) };
  const { requests, onCycle, stopped: scanStopped } = pendingByRequest(world, g, any ? cyclic : null, deadline.expired);
  // Stopped in the scan: the requests met so far were looked at.
  if (scanStopped) return { violations: [], stats: stats(requests.length) };
  const finder =
    onCycle.length > 0
      ? new CycleFinder(g, new FairnessUnits(world), (step) => world.localSteps[step].actor, fairness, deadline.expired)
      : null;
  let best: FoundViolation | null = null;
  for (const r of onCycle) {
    // All of r's pending states, not only those on a cycle: the same components, found in the
    // same order, so the same lasso as without this filter. A stop ends the loop, keeping `best`.
    const scc = finder!.find(r.states, r.owner);
    if (finder!.stopped) break;
    if (!scc) continue;
    const { entry, loop } = finder!.lasso(scc, r.owner);
    const prefix = pathTo(world, g.parent, g.via, entry, g);
    let from = entry;
    const loopSteps = loop.flatMap((e) => {
      const steps = edgeSteps(world, g, from, g.edgeStep[e]);
      from = g.edgeTo[e];
      return steps;
    });
    if (best && best.steps <= prefix.length + loopSteps.length) continue;
    best = {
      kind: 'livelock',
      message: `${r.name}, forever: after ${prefix.length} steps a loop of ${loopSteps.length} steps can repeat without end and never answers it (${fairness} fairness: every channel the loop ${fairness === 'strong' ? 'ever' : 'always'} lets deliver delivers in it)`,
      details: { request: r.name, prefix: prefix.length, loop: loopSteps.length, fairness },
      steps: prefix.length + loopSteps.length,
      trace: [...prefix, ...loopSteps],
      loopFrom: prefix.length,
    };
  }
  return { violations: best ? [best] : [], stats: stats(requests.length) };
}

interface PendingSet {
  name: string;
  owner: number;
  states: Int32Array;
}

/**
 * The requests outstanding somewhere in the graph (in the order first met, state by state), and
 * for those pending in some state `cyclic` marks, the states where each is pending. Two passes
 * over the vectors (one to find, one to gather): a request pending in millions of states costs
 * one exact-size array, and a request off every cycle (or a graph without one) none at all.
 * `stopped` when `stop` (asked every 2^16 states) ended it first: then `requests` holds those
 * met so far and `onCycle` nothing.
 */
function pendingByRequest(
  world: ControlledWorld,
  g: StateGraph,
  cyclic: Uint8Array | null,
  stop: () => boolean,
): { requests: { name: string; owner: number }[]; onCycle: PendingSet[]; stopped: boolean } {
  const n = g.n;
  const vecs = g.vecs;
  const names = new Map<string, number>();
  const requests: { name: string; owner: number }[] = [];
  const cache: Int32Array[] = world.actors.map(() => new Int32Array(0));
  const scratch = new Int32Array(n);
  // Only actors whose machine has an `awaitingReply` state can have a request (seq-retry 2×3: 5
  // of 13 columns); in actor order, so requests are still met in the same order.
  const columns = Int32Array.from(world.actors.flatMap((a, i) => (mayAwaitReply(a.machine) ? [i] : [])));
  const requestOf = (i: number, local: number): number => {
    let c = cache[i];
    if (local >= c.length) {
      const more = new Int32Array(Math.max(local + 1, c.length * 2)).fill(-2);
      more.set(c);
      cache[i] = c = more;
    }
    if (c[local] === -2) {
      scratch[i] = local;
      const name = pendingRequest(world.actors[i].id, world.snapshot(world.stateOf(scratch), i));
      let id = -1;
      if (name !== null) {
        id = names.get(name) ?? requests.length;
        if (id === requests.length) {
          names.set(name, id);
          requests.push({ name, owner: i });
        }
      }
      c[local] = id;
    }
    return c[local];
  };
  // Pass 1: every request, how many states each is pending in, and which are on a cycle.
  let counts = new Int32Array(8);
  let cycling = new Uint8Array(8);
  for (let s = 0; s < g.count; s++) {
    if ((s & 0xffff) === 0xffff && stop()) return { requests, onCycle: [], stopped: true };
    for (let j = 0; j < columns.length; j++) {
      const i = columns[j];
      const r = requestOf(i, vecs[s * n + i]);
      if (r < 0) continue;
      if (r >= counts.length) {
        const more = new Int32Array(counts.length * 2);
        more.set(counts);
        counts = more;
        const marks = new Uint8Array(counts.length);
        marks.set(cycling);
        cycling = marks;
      }
      counts[r]++;
      if (cyclic !== null && cyclic[s] === 1) cycling[r] = 1;
    }
  }
  const onCycle: PendingSet[] = [];
  const slotOf = new Int32Array(requests.length).fill(-1);
  requests.forEach((r, k) => {
    if (cycling[k] === 0) return;
    slotOf[k] = onCycle.length;
    onCycle.push({ ...r, states: new Int32Array(counts[k]) });
  });
  if (onCycle.length === 0) return { requests, onCycle, stopped: false };
  // Pass 2: the pending states of the requests on a cycle, in state order.
  const filled = new Int32Array(onCycle.length);
  for (let s = 0; s < g.count; s++) {
    if ((s & 0xffff) === 0xffff && stop()) return { requests, onCycle: [], stopped: true };
    for (let j = 0; j < columns.length; j++) {
      const i = columns[j];
      const r = requestOf(i, vecs[s * n + i]);
      if (r < 0 || slotOf[r] < 0) continue;
      const k = slotOf[r];
      onCycle[k].states[filled[k]++] = s;
    }
  }
  return { requests, onCycle, stopped: false };
}
