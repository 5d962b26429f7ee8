/**
 * Ctrl-C keeps results (issue 10 item 4). A search never yields to the event loop, so a signal
 * handler on its thread would run only after it ended. From the command line, `check` therefore
 * runs on a thread of its own (check-thread.ts) while this one waits for signals: the first
 * SIGINT or SIGTERM sets the shared interrupt flag (explorer/interrupt.ts), the search in
 * progress stops as if its time were up, and the command prints the partial result, saves the
 * traces found so far and exits 3 (or 1 when something already differs). A second signal quits
 * at once.
 */
import { Worker } from 'node:worker_threads';
import { interruptFlag, requestInterrupt } from '../explorer/interrupt.ts';
import { type FileWatch, SIGNAL_GRACE_SECONDS, STUCK_GRACE_SECONDS, stuckMessage } from './check-watchdog.ts';
import { EXIT_CODE, internalErrorReport } from './exit-codes.ts';

export function checkOffThread(argv: string[], out: (s: string) => void, debug: boolean): Promise<number> {
  // From the TypeScript sources (tsx, vitest) the thread registers tsx's loader first: workers do not inherit loaders.
  const ts = import.meta.url.endsWith('.ts');
  const file = new URL(ts ? './check-thread.ts' : './check-thread.js', import.meta.url).href;
  const boot = ts
    ? `globalThis.__mirrorlabTypeScript = true; import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`
    : `import(${JSON.stringify(file)})`;
  const worker = new Worker(boot, { eval: true, workerData: { argv, interrupt: interruptFlag() } });
  let signals = 0;
  // The file being checked and the timer that deems its thread stuck (check-watchdog.ts).
  let watching: FileWatch = null;
  let stuckTimer: NodeJS.Timeout | undefined;
  let stuck: string | null = null;
  const deemStuckAfter = (seconds: number, afterSignal: boolean) => {
    clearTimeout(stuckTimer);
    const w = watching;
    if (!w) return;
    stuckTimer = setTimeout(() => {
      stuck = stuckMessage(w.file, w.seconds, afterSignal);
      void worker.terminate();
    }, seconds * 1000);
    stuckTimer.unref();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    requestInterrupt();
    deemStuckAfter(SIGNAL_GRACE_SECONDS, true);
    process.stderr.write(
      `mirrorlab: ${signal}: stopping the search; the partial result follows (${signal} again quits at once)\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    let code: number | null = null;
    let failure: unknown = null;
    worker.on('message', (m: { line?: string; code?: number; watch?: FileWatch }) => {
      if (m.line !== undefined) out(m.line);
      if (m.code !== undefined) code = m.code;
      if (m.watch !== undefined) {
        watching = m.watch;
        if (signals === 0) deemStuckAfter(watching ? watching.seconds + STUCK_GRACE_SECONDS : 0, false);
      }
    });
    worker.once('error', (e) => {
      failure = e;
    });
    worker.once('exit', () => {
      clearTimeout(stuckTimer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (code !== null) return resolve(code);
      if (stuck) {
        process.stderr.write(`${stuck}\n`);
        return resolve(signals ? EXIT_CODE.inconclusive : EXIT_CODE.badInput);
      }
      process.stderr.write(
        `${internalErrorReport(failure ?? new Error('the check thread ended without a result'), argv.slice(2), debug)}\n`,
      );
      resolve(EXIT_CODE.internal);
    });
  });
}
