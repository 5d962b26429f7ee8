/**
 * How big a scenario may be. Every actor, mapping, populated word and operation costs memory in
 * every explored state, and expansion (`repeat:`, `replicas:`, `--param`) multiplies them, so a
 * typo such as `times: 100000000` or `--param rounds=1e9` would otherwise run for hours or run
 * node out of memory before the search (and its `--time`) even starts. The caps sit far above
 * anything a model checker can explore (the biggest bundled scenario has 13 threads, 1 process
 * with 4 mappings, 4096 populated words and 30 ops a thread), and each error names the place,
 * the value, the cap and the fix.
 */
import { ScenarioError } from './parse.ts';
import type { Scenario } from './schema.ts';

/** The largest scenario file read: the biggest bundled one is 4 KiB. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
export const MAX_THREADS = 64;
export const MAX_PROCESSES = 32;
export const MAX_DEVICES = 32;
export const MAX_FENCES = 1024;
export const MAX_VMAS_PER_PROCESS = 256;
/** Operations of one thread after `repeat:` is expanded. */
export const MAX_OPS_PER_THREAD = 10_000;
/** Populated words of one process (each is one write at set-up). */
export const MAX_POPULATED_WORDS = 16_384;
/** Copies a `replicas:` entry stands for. */
export const MAX_REPLICAS = 256;

type Where = (path: (string | number)[]) => string;

function tooMany(at: string, what: string, got: number, cap: number, fix: string): never {
  throw new ScenarioError(`${at}: ${what} ${got} exceeds the cap of ${cap}: ${fix}`);
}

/** After the schema: the numbers of actors, mappings, words and ops are within their caps. */
export function checkSizes(s: Scenario, where: Where): void {
  const sections: [keyof Scenario & string, number, number][] = [
    ['threads', Object.keys(s.threads).length, MAX_THREADS],
    ['processes', Object.keys(s.processes).length, MAX_PROCESSES],
    ['devices', Object.keys(s.devices).length, MAX_DEVICES],
    ['fences', Object.keys(s.fences).length, MAX_FENCES],
  ];
  for (const [section, n, cap] of sections)
    if (n > cap)
      tooMany(
        where([section]),
        `the number of ${section}`,
        n,
        cap,
        'a model checker cannot explore that many; keep the few that race (lower replicas: or the param that sets it)',
      );
  for (const [p, proc] of Object.entries(s.processes)) {
    if (proc.vmas.length > MAX_VMAS_PER_PROCESS)
      tooMany(
        where(['processes', p, 'vmas']),
        `the number of mappings of process '${p}'`,
        proc.vmas.length,
        MAX_VMAS_PER_PROCESS,
        'map one larger range instead of many small ones',
      );
    let words = 0;
    proc.populate.forEach((w, k) => {
      words += w.count;
      if (words > MAX_POPULATED_WORDS)
        tooMany(
          where(['processes', p, 'populate', k, 'count']),
          `populated words of process '${p}' (so far)`,
          words,
          MAX_POPULATED_WORDS,
          'populate only the pages the threads touch',
        );
    });
  }
  for (const [t, thread] of Object.entries(s.threads))
    if (thread.ops.length > MAX_OPS_PER_THREAD)
      tooMany(
        where(['threads', t, 'ops']),
        `the number of ops of thread '${t}' (repeats expanded)`,
        thread.ops.length,
        MAX_OPS_PER_THREAD,
        'lower the repeat count (or the param that sets it)',
      );
}

/** Before a `repeat:` is expanded: `times` copies of `body` ops stay within the ops cap. */
export function checkRepeat(at: string, times: number, body: number): void {
  if (times * Math.max(body, 1) > MAX_OPS_PER_THREAD)
    throw new ScenarioError(
      `${at}: repeat times ${times} × ${body} op(s) exceeds the cap of ${MAX_OPS_PER_THREAD} ops a thread: lower times (or the param that sets it)`,
    );
}

/** Before `replicas:` is expanded. */
export function checkReplicas(at: string, name: string, n: number): void {
  if (n > MAX_REPLICAS)
    throw new ScenarioError(
      `${at}: '${name}' has replicas ${n}, above the cap of ${MAX_REPLICAS}: lower replicas (or the param that sets it)`,
    );
}
