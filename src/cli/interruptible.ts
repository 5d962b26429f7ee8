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
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    requestInterrupt();
    process.stderr.write(
      `mirrorlab: ${signal}: stopping the search; the partial result follows (${signal} again quits at once)\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    let code: number | null = null;
    let failure: unknown = null;
    worker.on('message', (m: { line?: string; code?: number }) => {
      if (m.line !== undefined) out(m.line);
      if (m.code !== undefined) code = m.code;
    });
    worker.once('error', (e) => {
      failure = e;
    });
    worker.once('exit', () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (code !== null) return resolve(code);
      process.stderr.write(
        `${internalErrorReport(failure ?? new Error('the check thread ended without a result'), argv.slice(2), debug)}\n`,
      );
      resolve(EXIT_CODE.internal);
    });
  });
}
