/**
 * Ctrl-C keeps results (issue 10 item 4). A search never yields to the event loop, so a signal
 * handler on its thread would run only after it ended. From the command line, `check` therefore
 * runs on a thread of its own (check-thread.ts) while this one waits for signals: the first
 * SIGINT or SIGTERM sets the shared interrupt flag (explorer/search/interrupt.ts), the search in
 * progress stops as if its time were up, and the command prints the partial result, saves the
 * traces found so far and exits 3 (or 1 when something already differs). A second signal quits
 * at once.
 */
import { Worker } from 'node:worker_threads';
import { interruptFlag, requestInterrupt } from '../explorer/search/interrupt.ts';
import {
  type FileWatch,
  SIGNAL_GRACE_SECONDS,
  STUCK_GRACE_SECONDS,
  type StuckFile,
  stuckMessage,
  stuckReason,
} from './check-watchdog.ts';
import { EXIT_CODE, internalErrorReport } from './exit-codes.ts';

export async function checkOffThread(argv: string[], out: (s: string) => void, debug: boolean): Promise<number> {
  let signals = 0;
  let onSignalNow: (signal: NodeJS.Signals) => void = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    requestInterrupt();
    onSignalNow(signal);
    process.stderr.write(
      `mirrorlab: ${signal}: stopping the search; the partial result follows (${signal} again quits at once)\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // A file whose check never returns costs its thread; the next thread reports it as that
    // file's error and checks the others (at most one new thread per file).
    const stuck: StuckFile[] = [];
    for (;;) {
      const r = await oneCheckThread(
        argv,
        stuck,
        () => signals,
        (f) => (onSignalNow = f),
      );
      if ('code' in r) {
        for (const line of r.lines) out(line);
        return r.code;
      }
      if ('failure' in r) {
        process.stderr.write(`${internalErrorReport(r.failure, argv.slice(2), debug)}\n`);
        return EXIT_CODE.internal;
      }
      if (signals) {
        process.stderr.write(`${stuckMessage(r.stuck.file, r.stuck.seconds)}\n`);
        return EXIT_CODE.inconclusive;
      }
      stuck.push({ file: r.stuck.file, message: stuckReason(r.stuck.seconds, false) });
      process.stderr.write(
        `mirrorlab: ${r.stuck.file}: its check never returned (${STUCK_GRACE_SECONDS} s past its budget); checking again without it\n`,
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

type ThreadResult =
  | { code: number; lines: string[] }
  | { stuck: { file: string; seconds: number } }
  | { failure: unknown };

/** One check thread: its output lines and exit code, or the file it got stuck on. */
function oneCheckThread(
  argv: string[],
  stuck: readonly StuckFile[],
  signalsSoFar: () => number,
  onSignal: (f: (signal: NodeJS.Signals) => void) => void,
): Promise<ThreadResult> {
  // From the TypeScript sources (tsx, vitest) the thread registers tsx's loader first: workers do not inherit loaders.
  const ts = import.meta.url.endsWith('.ts');
  const file = new URL(ts ? './check-thread.ts' : './check-thread.js', import.meta.url).href;
  const boot = ts
    ? `globalThis.__mirrorlabTypeScript = true; import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`
    : `import(${JSON.stringify(file)})`;
  const worker = new Worker(boot, { eval: true, workerData: { argv, interrupt: interruptFlag(), stuck } });
  // The file being checked and the timer that deems its thread stuck (check-watchdog.ts).
  let watching: FileWatch = null;
  let stuckTimer: NodeJS.Timeout | undefined;
  let stuckOn: { file: string; seconds: number } | null = null;
  const deemStuckAfter = (seconds: number) => {
    clearTimeout(stuckTimer);
    const w = watching;
    if (!w) return;
    stuckTimer = setTimeout(() => {
      stuckOn = w;
      void worker.terminate();
    }, seconds * 1000);
    stuckTimer.unref();
  };
  onSignal(() => deemStuckAfter(SIGNAL_GRACE_SECONDS));
  // Lines wait for the thread's end: a thread found stuck prints nothing, its successor all.
  const lines: string[] = [];
  return new Promise((resolve) => {
    let code: number | null = null;
    let failure: unknown = null;
    worker.on('message', (m: { line?: string; code?: number; watch?: FileWatch }) => {
      if (m.line !== undefined) lines.push(m.line);
      if (m.code !== undefined) code = m.code;
      if (m.watch !== undefined) {
        watching = m.watch;
        if (signalsSoFar() === 0) deemStuckAfter(watching ? watching.seconds + STUCK_GRACE_SECONDS : 0);
      }
    });
    worker.once('error', (e) => {
      failure = e;
    });
    worker.once('exit', () => {
      clearTimeout(stuckTimer);
      if (code !== null) return resolve({ code, lines });
      if (stuckOn) return resolve({ stuck: stuckOn });
      resolve({ failure: failure ?? new Error('the check thread ended without a result') });
    });
  });
}
