/**
 * Exhaustive stateful search, breadth-first or depth-first, with a hash-compacted visited set
 * (Spin's default shape). Breadth-first gives shortest counterexamples.
 *
 * Search nodes keep only a parent link and the step that reached them, so a trace is rebuilt
 * on demand; world states are dropped once expanded (breadth-first) or popped (depth-first).
 */
import type { ControlledWorld, SemanticStep, Step, WorldState } from '../runtime/controlled-world.ts';
import { fingerprint } from './fingerprint.ts';
import type { SearchOptions, SearchResult } from './search-types.ts';
import { ViolationLog } from './violation-log.ts';
import { VisitedSet } from './visited-set.ts';

interface PathNode {
  parent: PathNode | null;
  /** The semantic step that reached this node (null at the root). */
  step: SemanticStep | null;
  depth: number;
}

function traceOf(node: PathNode, last?: SemanticStep): SemanticStep[] {
  const out: SemanticStep[] = last ? [last] : [];
  for (let n: PathNode | null = node; n?.step; n = n.parent) out.push(n.step);
  return out.reverse();
}

/** Where to start: the initial state, or the end of a replayed trace ("continue from here"). */
export interface SearchStart {
  state: WorldState;
  trace: SemanticStep[];
}

export function exhaustiveSearch(
  world: ControlledWorld,
  order: 'bfs' | 'dfs',
  opts: SearchOptions,
  start: SearchStart = { state: world.initial, trace: [] },
): SearchResult {
  const t0 = performance.now();
  const log = new ViolationLog(opts.monitors, { world });
  const visited = new VisitedSet(20);
  const fp = new Uint32Array(2);
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY;
  const deadline = opts.timeLimit ? t0 + opts.timeLimit * 1000 : Number.POSITIVE_INFINITY;
  const startXstate = world.xstateSteps;
  let transitions = 0;
  let cutByDepth = false;
  let stopped = false;
  let maxDepthReached = 0;

  fingerprint(start.state, fp);
  visited.add(fp[0], fp[1]);
  let root: PathNode = { parent: null, step: null, depth: 0 };
  for (const step of start.trace) root = { parent: root, step, depth: 0 };

  // Breadth-first: a FIFO of (state, node); depth-first: a LIFO of the same.
  const states: (WorldState | null)[] = [start.state];
  const nodes: PathNode[] = [root];
  let head = 0;
  let expanded = 0;

  while (order === 'bfs' ? head < states.length : states.length > 0) {
    let state: WorldState;
    let node: PathNode;
    if (order === 'bfs') {
      state = states[head]!;
      node = nodes[head];
      states[head] = null;
      head++;
      if (head > 65536 && head * 2 > states.length) {
        states.splice(0, head);
        nodes.splice(0, head);
        head = 0;
      }
    } else {
      state = states.pop()!;
      node = nodes.pop()!;
    }
    if (node.depth > maxDepthReached) maxDepthReached = node.depth;
    const steps: Step[] = world.enabled(state);
    if (steps.length === 0) {
      if (log.terminal(state, () => traceOf(node)) && opts.stopOnFirst) stopped = true;
    } else if (node.depth >= maxDepth) {
      cutByDepth = true;
    } else {
      for (const step of steps) {
        const { state: next, record } = world.apply(state, step);
        transitions++;
        const semantic = world.semantic(record);
        if (log.step(record, state, next, () => traceOf(node, semantic)) && opts.stopOnFirst) {
          stopped = true;
          break;
        }
        fingerprint(next, fp);
        if (!visited.add(fp[0], fp[1])) continue;
        states.push(next);
        nodes.push({ parent: node, step: semantic, depth: node.depth + 1 });
      }
    }
    if (stopped || visited.size >= maxStates) break;
    if ((++expanded & 1023) === 0) {
      const now = performance.now();
      if (now > deadline) break;
      if ((expanded & 65535) === 0) opts.onProgress?.(visited.size, now - t0);
    }
  }
  const frontierLeft = order === 'bfs' ? head < states.length : states.length > 0;
  log.finish();
  const elapsedMs = performance.now() - t0;
  return {
    strategy: order,
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
