/** The search host on Node: the process's memory (memory-budget.ts) and a worker thread for the visited set. */

import { VisitedPipeline } from '../visited/visited-pipeline.ts';
import { MemoryBudget } from './memory-budget.ts';
import type { SearchHost } from './search-host.ts';

export const nodeHost: SearchHost = {
  memoryWatch: (maxMiB) => new MemoryBudget(maxMiB),
  secondThread: () => new VisitedPipeline(),
};
