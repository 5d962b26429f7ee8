/**
 * `--workers N` for the sampling strategies: N worker threads (node:worker_threads), each with
 * its own world built from the same scenario file, run the schedules k ≡ w (mod N) of the same
 * run (in shard i of n, `--shard`, the shard's class split again: k ≡ i−1 + n·w (mod n·N)).
 * Schedule k takes everything from its own seed (explorer/strategies/sampling-seeds.ts), so every
 * schedule runs exactly as it would on one thread, and the merge keeps, per violation kind, the
 * one from the lowest schedule index: the violations, their traces and schedules, the
 * transitions and the schedule count are those of a one-thread run, whatever N. What differs:
 * `states` is the sum of each worker's distinct states (fingerprints are per world, so the
 * union cannot be taken), and a conclusion drawn over all schedules at the end (lockdep's
 * `potential-deadlock`) is judged over the union of the workers' lock-order edges
 * (lock-order.ts), so it is found alike but may cite witness schedules of one worker's share.
 */
import { Worker } from 'node:worker_threads';
import { interruptFlag } from '../explorer/search/interrupt.ts';
import { scheduleShare } from '../explorer/search/shard.ts';
import type { FoundViolation, SearchLimits, SearchResult } from '../explorer/search-types.ts';
import type { SamplingStrategy } from '../explorer/strategies/sampling.ts';
import type { ParamValue } from '../scenario/expand.ts';
import { cycleAcrossShares, type LockOrderEdge, unionLockOrder } from './lock-order.ts';

/** A share's result with the lock-order edges its schedules showed (lock-order.ts). */
type ShareResult = SearchResult & { lockOrder?: LockOrderEdge[] };

/** What a worker needs to build the same world: the scenario file, driver module and params. */
export interface WorldRecipe {
  file: string;
  /** Path of a driver module standing in for each scenario's driver (`--driver`). */
  driver?: string;
  params?: Record<string, ParamValue>;
  allowDrivers?: readonly string[];
}

export interface WorkerTask {
  recipe: WorldRecipe;
  strategy: SamplingStrategy;
  limits: SearchLimits;
  share: { first: number; stride: number };
}

export async function sampleInWorkers(
  recipe: WorldRecipe,
  strategy: SamplingStrategy,
  limits: SearchLimits,
  workers: number,
): Promise<SearchResult & { lockOrder: LockOrderEdge[] }> {
  const t0 = performance.now();
  // Only the plain limits cross to the workers (the caller's options may hold a driver machine).
  const plain: SearchLimits = {
    maxDepth: limits.maxDepth,
    timeLimit: limits.timeLimit,
    maxMemoryMiB: limits.maxMemoryMiB,
    schedules: limits.schedules,
    seed: limits.seed,
    pctDepth: limits.pctDepth,
    checkMonitors: limits.checkMonitors,
  };
  const results = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      runWorker({ recipe, strategy, limits: { ...plain, workers: 1 }, share: scheduleShare(limits.shard, w, workers) }),
    ),
  );
  return mergeResults(results, strategy, performance.now() - t0);
}

function runWorker(task: WorkerTask): Promise<ShareResult> {
  // The worker module is TypeScript when this one is (run through tsx or vitest): the worker
  // registers tsx's loader before importing it (workers do not inherit loaders).
  const ts = import.meta.url.endsWith('.ts');
  const file = new URL(ts ? './sample-worker.ts' : './sample-worker.js', import.meta.url).href;
  const boot = ts
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`
    : `import(${JSON.stringify(file)})`;
  return new Promise((resolve, reject) => {
    // The interrupt flag is shared, so SIGINT stops every worker's share (explorer/search/interrupt.ts).
    const worker = new Worker(boot, { eval: true, workerData: { ...task, interrupt: interruptFlag() } });
    let done = false;
    worker.once('message', (m: { result?: ShareResult; error?: string }) => {
      done = true;
      if (m.result) resolve(m.result);
      else reject(new Error(m.error ?? 'sampling worker failed'));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`sampling worker exited (code ${code}) without a result`));
    });
  });
}

/**
 * One result from the workers' shares: per kind the violation of the lowest schedule index
 * (then the first worker's, for end-of-run conclusions), in the order one thread finds them,
 * and a lock-order cycle only the union of the shares' edges shows.
 */
export function mergeResults(
  results: ShareResult[],
  strategy: string,
  elapsedMs: number,
): SearchResult & { lockOrder: LockOrderEdge[] } {
  const scheduled: { v: FoundViolation; order: number }[] = [];
  const atEnd: FoundViolation[] = [];
  for (const r of results)
    r.violations.forEach((v, order) => {
      if (v.schedule) scheduled.push({ v, order });
      else atEnd.push(v);
    });
  scheduled.sort((a, b) => a.v.schedule!.index - b.v.schedule!.index || a.order - b.order);
  const kinds = new Set<string>();
  const violations: FoundViolation[] = [];
  for (const v of [...scheduled.map((s) => s.v), ...atEnd]) {
    if (kinds.has(v.kind)) continue;
    kinds.add(v.kind);
    violations.push(v);
  }
  const lockOrder = unionLockOrder(results.map((r) => r.lockOrder));
  const across = cycleAcrossShares(violations, lockOrder);
  if (across) violations.push(across);
  const sum = (f: (r: SearchResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const states = sum((r) => r.stats.states);
  const schedules = sum((r) => r.stats.schedules);
  const cut = results.find((r) => r.stats.stoppedBy !== 'schedules');
  return {
    strategy,
    violations,
    lockOrder,
    stats: {
      ...results[0].stats,
      states,
      transitions: sum((r) => r.stats.transitions),
      schedules,
      elapsedMs: Math.round(elapsedMs),
      complete: false,
      stoppedBy: cut?.stats.stoppedBy ?? 'schedules',
      statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
      schedulesPerSecond: Math.round(schedules / Math.max(elapsedMs / 1000, 1e-6)),
      maxDepthReached: Math.max(...results.map((r) => r.stats.maxDepthReached)),
      xstateSteps: sum((r) => r.stats.xstateSteps),
      workers: results.length,
      workerElapsedMs: results.map((r) => r.stats.elapsedMs),
    },
  };
}
