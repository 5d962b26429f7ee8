/**
 * What a search asks of the platform it runs on: a memory watch (`maxMemoryMiB`, and the
 * engine's heap limit) and, for `threads: 2`, a second thread for the visited set. The explorer
 * imports no platform API; Node's host (node-host.ts) measures the process and starts worker
 * threads, and the portable host here, the default, serves a browser page.
 */
import type { SearchLimit } from '../search-types.ts';
import type { SecondThreadQueue } from '../visited/verdict-queue.ts';

/**
 * A search's memory budget as its host measures it: the search asks `exceeded()` as it goes and
 * stops with that limit (`memory` or `heap`) when it answers one.
 *
 * @example
 * ```ts
 * import { type MemoryWatch, portableHost } from 'mirrorlab';
 *
 * const watch: MemoryWatch = portableHost.memoryWatch(undefined); // no budget asked
 * watch.exceeded(); // null while the search may go on
 * ```
 */
export interface MemoryWatch {
  readonly maxMiB: number;
  /** Which wall the search has reached, if any: the budget or the engine's heap limit. */
  exceeded(): Extract<SearchLimit, 'memory' | 'heap'> | null;
}

/**
 * What a search needs of the platform it runs on (a memory watch, optionally a second thread for
 * the visited set); pass one as the `host` option to run a search somewhere other than Node or a
 * page.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type SearchHost, worldFor } from 'mirrorlab';
 *
 * // A host that watches nothing and has one thread: only maxStates and timeLimit bound a search.
 * const bare: SearchHost = {
 *   memoryWatch: (maxMiB) => ({ maxMiB: maxMiB ?? Number.POSITIVE_INFINITY, exceeded: () => null }),
 *   secondThread: null,
 * };
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 10_000, host: bare });
 * ```
 */
export interface SearchHost {
  memoryWatch(maxMiB: number | undefined): MemoryWatch;
  /** Starts a second thread for the visited set; null where the platform has none. */
  secondThread: (() => SecondThreadQueue) | null;
}

const MIB = 2 ** 20;
/** How full the heap may get before a search stops on its own (as memory-budget.ts does on Node). */
const HEAP_FILL = 0.85;

/** Chromium's `performance.memory` (non-standard): the JS heap used and its limit, in bytes. */
interface HeapReading {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

function heapReading(): (() => HeapReading) | null {
  const perf = globalThis.performance as unknown as { memory?: HeapReading } | undefined;
  return perf?.memory ? () => perf.memory as HeapReading : null;
}

/**
 * The portable host: the JS heap, where the engine tells it (Chromium), is the one memory a
 * page can watch; elsewhere only `maxStates` and `timeLimit` bound a search, and asking for a
 * memory budget is an error rather than a budget silently not kept.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, portableHost, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * // On Node, run as a page would: one thread, no process memory budget.
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), host: portableHost, timeLimit: 30 });
 * ```
 */
export const portableHost: SearchHost = {
  memoryWatch(maxMiB) {
    const read = heapReading();
    if (!read) {
      if (maxMiB !== undefined)
        throw new RangeError(
          `maxMemoryMiB ${maxMiB}: this platform does not report memory use, so the budget cannot be kept: bound the search with maxStates or timeLimit instead`,
        );
      return { maxMiB: Number.POSITIVE_INFINITY, exceeded: () => null };
    }
    if (maxMiB !== undefined && !(maxMiB > 0))
      throw new RangeError(`maxMemoryMiB takes a number of MiB > 0 (got ${maxMiB})`);
    const heapWall = HEAP_FILL * read().jsHeapSizeLimit;
    const budget = (maxMiB ?? Number.POSITIVE_INFINITY) * MIB;
    return {
      maxMiB: maxMiB ?? Math.floor(heapWall / MIB),
      exceeded: () => {
        const used = read().usedJSHeapSize;
        if (used > budget) return 'memory';
        return used > heapWall ? 'heap' : null;
      },
    };
  },
  secondThread: null,
};
