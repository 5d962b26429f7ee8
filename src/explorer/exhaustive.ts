/**
 * Exhaustive stateful search, breadth-first or depth-first, with a hash-compacted visited set
 * (Spin's default shape). Breadth-first gives shortest counterexamples.
 *
 * The hot loop works on vectors of per-actor local ids (controlled-world.ts): a frontier entry
 * is the vector plus a search-node number, and a search node is three integers (parent node,
 * local step that reached it, depth) in typed arrays, so a trace is rebuilt on demand and the
 * search allocates next to nothing per transition. Monitors run through a `MonitorPlan` (only
 * where they can say something). With `por: true`, sleep sets prune transitions and states
 * equal up to the interleaving of senders in an inbox are identified (por.ts).
 */
import type { ControlledWorld, LocalStep, SemanticStep, WorldState } from '../runtime/controlled-world.ts';
import { fingerprintVec } from './fingerprint.ts';
import { MonitorPlan } from './monitor-plan.ts';
import { Dependence, SleepSets } from './por.ts';
import type { SearchOptions, SearchResult } from './search-types.ts';
import { ViolationLog } from './violation-log.ts';
import { VisitedSet } from './visited-set.ts';

/** Where to start: the initial state, or the end of a replayed trace ("continue from here"). */
export interface SearchStart {
  state: WorldState;
  trace: SemanticStep[];
}

/** Search nodes: parent, the local step that reached the node, depth; grown as needed. */
class Nodes {
  parent = new Int32Array(1 << 16);
  via = new Int32Array(1 << 16);
  depth = new Int32Array(1 << 16);
  count = 0;

  add(parent: number, via: number, depth: number): number {
    if (this.count === this.parent.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.parent = grow(this.parent);
      this.via = grow(this.via);
      this.depth = grow(this.depth);
    }
    this.parent[this.count] = parent;
    this.via[this.count] = via;
    this.depth[this.count] = depth;
    return this.count++;
  }
}

/** The frontier: fixed-size records (state vector, node) in one growable typed array. */
class Frontier {
  private buf: Int32Array;
  private head = 0;
  private tail = 0;

  constructor(
    private readonly width: number,
    private readonly fifo: boolean,
  ) {
    this.buf = new Int32Array(width * 4096);
  }

  get empty(): boolean {
    return this.head === this.tail;
  }

  push(vec: Int32Array, node: number): void {
    const w = this.width;
    if (this.tail + w > this.buf.length) {
      if (this.fifo && this.head * 2 >= this.buf.length) {
        this.buf.copyWithin(0, this.head, this.tail);
        this.tail -= this.head;
        this.head = 0;
      } else {
        const b = new Int32Array(this.buf.length * 2);
        b.set(this.buf.subarray(this.head, this.tail));
        this.tail -= this.head;
        this.head = 0;
        this.buf = b;
      }
    }
    const buf = this.buf;
    const at = this.tail;
    for (let k = 0; k < w - 1; k++) buf[at + k] = vec[k];
    buf[at + w - 1] = node;
    this.tail += w;
  }

  /** Pops into `vec`; returns the node. */
  pop(vec: Int32Array): number {
    const w = this.width;
    let at: number;
    if (this.fifo) {
      at = this.head;
      this.head += w;
    } else {
      this.tail -= w;
      at = this.tail;
    }
    const buf = this.buf;
    for (let k = 0; k < w - 1; k++) vec[k] = buf[at + k];
    return buf[at + w - 1];
  }
}

export function exhaustiveSearch(
  world: ControlledWorld,
  order: 'bfs' | 'dfs',
  opts: SearchOptions,
  start: SearchStart = { state: world.initial, trace: [] },
): SearchResult {
  const t0 = performance.now();
  const log = new ViolationLog(opts.monitors, { world });
  const plan = new MonitorPlan(world, opts.monitors, log);
  const dep = new Dependence(world, plan);
  const por = opts.por === true;
  // Room for maxStates at half load up front (growing rehashes the whole table), within 2^16..2^22 slots.
  const slots = Math.min(22, Math.max(16, Math.ceil(Math.log2(Math.min(opts.maxStates ?? 2 ** 19, 2 ** 21) * 2))));
  const visited = new VisitedSet(slots, por ? 2 : 0);
  const sleeps = new SleepSets();
  const n = world.actors.length;
  const fp = new Uint32Array(2);
  const canon = new Int32Array(n);
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY;
  const deadline = opts.timeLimit ? t0 + opts.timeLimit * 1000 : Number.POSITIVE_INFINITY;
  const startXstate = world.xstateSteps;
  let transitions = 0;
  let cutByDepth = false;
  let stopped = false;
  let maxDepthReached = 0;

  const hash = (vec: Int32Array): void => {
    if (por) {
      for (let i = 0; i < n; i++) canon[i] = world.canonical(i, vec[i]);
      fingerprintVec(canon, fp);
    } else {
      fingerprintVec(vec, fp);
    }
  };

  const nodes = new Nodes();
  const traceOf = (node: number, last = -1): SemanticStep[] => {
    const ids: number[] = last >= 0 ? [last] : [];
    for (let k = node; k > 0; k = nodes.parent[k]) ids.push(nodes.via[k]);
    const path = ids.reverse().map((id) => world.semantic(world.localSteps[id].record!));
    return start.trace.concat(path);
  };

  const frontier = new Frontier(n + 1, order === 'bfs');
  const cur = new Int32Array(n);
  const next = new Int32Array(n);
  const curState = world.stateOf(cur);
  const nextState = world.stateOf(next);
  let node = 0;
  let via = -1;
  const traceNow = () => traceOf(node, via);
  const traceHere = () => traceOf(node);
  /** POR: this expansion's sleep set plus the steps already taken from it (a sleep-set id). */
  let done = 0;
  const stepLists: LocalStep[][] = new Array(n);

  hash(start.state.vec);
  visited.addSlot(fp[0], fp[1]);
  frontier.push(start.state.vec, nodes.add(-1, -1, 0));
  let expanded = 0;

  outer: while (!frontier.empty) {
    node = frontier.pop(cur);
    const depth = nodes.depth[node];
    // Partial-order reduction: this state's sleep set, and what an earlier expansion covered.
    let sleep = 0;
    let prev = -1;
    if (por) {
      hash(cur);
      const slot = visited.addSlot(fp[0], fp[1]);
      const e = visited.values[slot * 2 + 1];
      if (e !== 0) {
        if ((e & 1) === 0) continue; // already expanded with its current sleep set
        prev = (e >> 1) - 1;
      }
      sleep = visited.values[slot * 2];
      visited.values[slot * 2 + 1] = (sleep + 1) * 2;
      done = sleep;
    }
    if (depth > maxDepthReached) maxDepthReached = depth;
    let any = false;
    for (let i = 0; i < n; i++) {
      const steps = world.stepsOf(i, cur[i]);
      stepLists[i] = steps;
      if (steps.length) any = true;
    }
    if (!any) {
      if (prev < 0 && log.terminal(curState, traceHere) && opts.stopOnFirst) stopped = true;
    } else if (depth >= maxDepth) {
      cutByDepth = true;
    } else {
      for (let i = 0; i < n; i++) {
        const steps = stepLists[i];
        for (let k = 0; k < steps.length; k++) {
          const ls = steps[k];
          let child = 0;
          let key = 0;
          if (por) {
            key = dep.note(ls);
            if (sleeps.has(sleep, key)) continue;
            if (prev >= 0 && !sleeps.has(prev, key)) continue;
            // Child's sleep set: what sleeps here or was done before, and commutes with this step.
            child = sleeps.independentOf(done, key, dep);
          }
          world.applyInto(cur, i, ls, next);
          transitions++;
          via = ls.id;
          if (plan.step(ls, curState, nextState, traceNow) && opts.stopOnFirst) {
            stopped = true;
            break outer;
          }
          hash(next);
          const slot = visited.addSlot(fp[0], fp[1]);
          if (visited.isNew) {
            if (por) {
              visited.values[slot * 2] = child;
              visited.values[slot * 2 + 1] = 0;
            }
            frontier.push(next, nodes.add(node, ls.id, depth + 1));
          } else if (por) {
            const was = visited.values[slot * 2];
            if (!sleeps.subset(was, child)) {
              visited.values[slot * 2] = sleeps.intersect(was, child);
              const e = visited.values[slot * 2 + 1];
              // Expanded before with more asleep: expand again for the steps it slept on.
              if (e !== 0 && (e & 1) === 0) {
                visited.values[slot * 2 + 1] = e | 1;
                frontier.push(next, nodes.add(node, ls.id, depth + 1));
              }
            }
          }
          if (por) done = sleeps.add(done, key);
        }
      }
    }
    if (stopped || visited.size >= maxStates) break;
    if ((++expanded & 1023) === 0) {
      const now = performance.now();
      if (now > deadline) break;
      if ((expanded & 65535) === 0) opts.onProgress?.(visited.size, now - t0);
    }
  }
  const frontierLeft = !frontier.empty;
  log.finish();
  const elapsedMs = performance.now() - t0;
  return {
    strategy: por ? `${order}+por` : order,
    violations: log.found,
    stats: {
      states: visited.size,
      transitions,
      schedules: 0,
      elapsedMs: Math.round(elapsedMs),
      complete: !frontierLeft && !cutByDepth && !stopped,
      statesPerSecond: Math.round(visited.size / Math.max(elapsedMs / 1000, 1e-6)),
      maxDepthReached,
      xstateSteps: world.xstateSteps - startXstate,
      visitedBytes: visited.bytes,
      omissionProbability: visited.omissionProbability(),
    },
  };
}
