/**
 * The memory budget of a search (`--max-memory`, `maxMemoryMiB`): past it a search stops with
 * a partial result instead of running node out of memory. Two walls matter. The process as a
 * whole (resident memory: the visited table, search nodes and frontier are typed arrays) must
 * stay below the budget; the V8 heap, which holds the interned actor states, must stay below
 * V8's own limit whatever the budget, since passing that one aborts node (exit 134) with no
 * report. Reading both costs about 10 µs, so searches ask every few thousand expansions.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

const MIB = 2 ** 20;

/**
 * How close to V8's heap limit a search may go. `heap_size_limit` counts the young generation's
 * reserve too (48 MiB on Node 20), which never fills, so the old space, where the interned states
 * live, ends below it; and near its end V8 spends seconds per collection before it gives up.
 * Measured: with --max-old-space-size=256 (limit 304 MiB) node aborted at 254 MiB used.
 */
const YOUNG_RESERVE = 64 * MIB;
const HEAP_FILL = 0.85;

/** The V8 heap use at which a search stops whatever its budget. */
export function heapWall(): number {
  const limit = getHeapStatistics().heap_size_limit;
  return Math.max(0.5 * limit, HEAP_FILL * (limit - YOUNG_RESERVE));
}

/**
 * The default budget: 3/4 of half the machine's RAM (24 GiB here → 9216 MiB), well below what
 * the machine's other processes need. It bounds resident memory, most of which a large search
 * keeps outside V8's heap (the visited table, search nodes, frontier and liveness recording are
 * typed arrays); the heap, which holds the interned actor states, has its own wall (`heapWall`),
 * checked whatever the budget. (It was 3/4 of the smaller of this and V8's heap limit, 3108 MiB
 * here, from before that wall: then a third of it, the liveness recording's share, could not hold
 * seq-retry 2×4's graph, and the liveness pass explored the 34 M states a second time.)
 */
export function defaultMaxMemoryMiB(): number {
  return Math.floor((0.75 * totalmem()) / MIB / 2);
}

export class MemoryBudget {
  readonly maxMiB: number;
  private readonly maxBytes: number;
  private readonly heapBytes: number;

  constructor(maxMiB: number = defaultMaxMemoryMiB()) {
    if (!(maxMiB > 0)) throw new RangeError(`maxMemoryMiB takes a number of MiB > 0 (got ${maxMiB})`);
    this.maxMiB = maxMiB;
    this.maxBytes = maxMiB * MIB;
    this.heapBytes = heapWall();
  }

  /** Which wall the search has reached, if any: the budget (resident memory) or V8's heap limit. */
  exceeded(): 'memory' | 'heap' | null {
    if (process.memoryUsage.rss() > this.maxBytes) return 'memory';
    return getHeapStatistics().used_heap_size > this.heapBytes ? 'heap' : null;
  }
}
