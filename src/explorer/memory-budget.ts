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

/** How close to V8's heap limit a search may go: V8 collects harder near it, then gives up. */
const HEAP_FILL = 0.9;

/**
 * The default budget: 3/4 of the smaller of V8's heap limit and half the machine's RAM. Below
 * the heap limit, so a search whose memory is mostly interned states stops before V8 aborts
 * (Node 20 here: 4144 MiB heap limit, 24 GiB RAM → 3108 MiB), and well below the RAM the
 * machine's other processes need.
 */
export function defaultMaxMemoryMiB(): number {
  const heapMiB = getHeapStatistics().heap_size_limit / MIB;
  return Math.floor(0.75 * Math.min(heapMiB, totalmem() / MIB / 2));
}

export class MemoryBudget {
  readonly maxMiB: number;
  private readonly maxBytes: number;
  private readonly heapBytes: number;

  constructor(maxMiB: number = defaultMaxMemoryMiB()) {
    if (!(maxMiB > 0)) throw new RangeError(`maxMemoryMiB takes a number of MiB > 0 (got ${maxMiB})`);
    this.maxMiB = maxMiB;
    this.maxBytes = maxMiB * MIB;
    this.heapBytes = getHeapStatistics().heap_size_limit * HEAP_FILL;
  }

  /** Which wall the search has reached, if any: the budget (resident memory) or V8's heap limit. */
  exceeded(): 'memory' | 'heap' | null {
    if (process.memoryUsage.rss() > this.maxBytes) return 'memory';
    return getHeapStatistics().used_heap_size > this.heapBytes ? 'heap' : null;
  }
}
