/**
 * The gate before a driver module is imported in-process (issue 10). An import runs the module's
 * top level on the importing thread, where no timer can interrupt a `while (true) {}`: the
 * command would hang past any `--time`. So each module file is first imported on a thread of its
 * own (PROBE_THREAD below) that is terminated at the deadline; only a module whose top level
 * finished there is imported for real (the machines must live on the caller's thread: the probe
 * is a gate, not a replacement). One probe per module file per thread, remembered once it passes.
 *
 * The probe imports only the file that already passed the scenario's module rules
 * (allowed-modules.ts), with the same TypeScript loader, so it can reach nothing the real import
 * could not. A module's top level therefore runs twice (once per thread): drivers are expected to
 * have no side effects at import (docs/driver-protocol.md).
 */
import { Worker } from 'node:worker_threads';
import { overBudget } from './deadline.ts';
import { ScenarioError } from './parse.ts';
import { ESM_TYPESCRIPT_HOOK_URL, PACKAGE_FALLBACK, TYPESCRIPT } from './typescript-loader.ts';

/**
 * What the probe thread posts: it is about to import (its start-up is done), its import finished
 * (or threw) after `ms`, or it ran out of work with the import still pending.
 */
type ProbeReport = { kind: 'ready' } | { kind: 'imported' | 'threw'; ms: number } | { kind: 'pending' };

/** How long the probe thread may take to start (tsx included) before it imports: far beyond the 0.1-1.5 s measured. */
const START_SECONDS = 60;

/** Module files whose top level finished on a probe thread, with how long it took (ms). */
const passed = new Map<string, number>();
let trusted = false;

/**
 * Skip the probe on this thread: for a worker whose parent already imported (so probed) every
 * driver module it will load, such as a sampling worker (check/sample-worker.ts).
 */
export function trustDriverImports(): void {
  trusted = true;
}

/**
 * The probe thread, plain JavaScript with built-in imports only so that it starts fast: it
 * registers the same TypeScript loader as the caller (typescript-loader.ts) only for a `.ts`
 * module, imports the module and posts a {@link ProbeReport}. A top level that loops posts
 * nothing (the caller terminates the thread at its deadline); a top-level await that nothing
 * resolves leaves the thread with no work, which `beforeExit` sees. The caller terminates the
 * thread on its report, so timers the module started do not keep it.
 */
const PROBE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const post = (report) => parentPort.postMessage(report);
process.once('beforeExit', () => post({ kind: 'pending' }));
(async () => {
  require('node:module').register(workerData.fallback.url, { data: { parentURL: workerData.fallback.parentURL } });
  if (workerData.tsx) {
    (await import(workerData.tsx)).register();
    require('node:module').register(workerData.hook);
  }
  post({ kind: 'ready' });
  const started = performance.now();
  try {
    await import(pathToFileURL(workerData.file).href);
    post({ kind: 'imported', ms: performance.now() - started });
  } catch {
    // The import in-process throws the same error and reports it with its usual message.
    post({ kind: 'threw', ms: performance.now() - started });
  }
})();
`;

const FIX_LOOP =
  'its top level never finished (a loop that never ends at import, or a top-level await on something that never comes?): fix the module, or raise --time';

/**
 * Import `abs` on a probe thread whose top level must finish within `seconds` (the thread's own
 * start-up, 0.1-1.5 s measured, is not charged to it); resolves with how long the top level took
 * (ms), or throws a located {@link ScenarioError} naming the file, what went wrong and the fix.
 */
export async function probeDriverImport(abs: string, seconds: number, where: string): Promise<number> {
  const known = trusted ? 0 : passed.get(abs);
  if (known !== undefined) return known;
  const report = await probe(abs, seconds);
  const what = `importing driver module ${abs}`;
  if (report === 'late') throw new ScenarioError(overBudget(where, what, seconds, FIX_LOOP));
  if (report === 'exited')
    throw new ScenarioError(
      `${where}: ${what} ended its thread before the import finished (process.exit at its top level?): a driver module must only define its machine`,
    );
  if (report.kind === 'pending')
    throw new ScenarioError(
      `${where}: ${what} never finishes: its top level awaits a promise that nothing resolves (the import was still pending with nothing left to run)`,
    );
  passed.set(abs, report.ms);
  return report.ms;
}

function probe(abs: string, seconds: number): Promise<Exclude<ProbeReport, { kind: 'ready' }> | 'late' | 'exited'> {
  // stdout/stderr are kept from the terminal: the module's top level runs again in-process.
  const tsx = TYPESCRIPT.test(abs) ? { tsx: import.meta.resolve('tsx/esm/api'), hook: ESM_TYPESCRIPT_HOOK_URL } : {};
  const worker = new Worker(PROBE_THREAD, {
    eval: true,
    workerData: { file: abs, fallback: PACKAGE_FALLBACK, ...tsx },
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise((resolve) => {
    const end = (r: Exclude<ProbeReport, { kind: 'ready' }> | 'late' | 'exited') => {
      clearTimeout(timer);
      resolve(r);
      // Not awaited: a thread that will not stop must not hold the command (unref lets the process end).
      worker.unref();
      void worker.terminate();
    };
    // The thread's start-up is ours, not the module's: the module's top level gets `seconds` from 'ready'.
    let timer = setTimeout(() => end('late'), START_SECONDS * 1000);
    worker.on('message', (m: ProbeReport) => {
      if (m.kind !== 'ready') return end(m);
      clearTimeout(timer);
      timer = setTimeout(() => end('late'), seconds * 1000);
    });
    // The start-up failing (it cannot, short of a broken install) is not the module's fault: the real import reports.
    worker.once('error', () => end({ kind: 'threw', ms: 0 }));
    worker.once('exit', () => end('exited'));
  });
}
