/**
 * The last guard of `check` from the command line: a driver whose guard or action never returns
 * (`while (true) {}` inside an assign) blocks the check thread where no clock is read, so neither
 * `--time` nor the interrupt flag reaches it. The check thread says when each file starts and
 * what budget it has (`watchFile`); the main thread (interruptible.ts) terminates the check
 * thread once a file runs STUCK_GRACE_SECONDS past its budget, or SIGNAL_GRACE_SECONDS after a
 * signal, and says which file and why. Both are far beyond a healthy overrun: an interrupted
 * `--workers 2` check took 12 s from its signal to its result on this loaded 2-core machine.
 * Every file still gets its verdict: the main thread starts the check again on a fresh thread,
 * which reports each file found stuck so far as an error (`skipStuck`) and checks the others.
 */

/** How long past its budget a file may run before its thread is deemed stuck. */
export const STUCK_GRACE_SECONDS = 10;
/** How long after SIGINT/SIGTERM the check thread may take to stop (a second signal quits at once). */
export const SIGNAL_GRACE_SECONDS = 30;

/** What the check thread posts: a file starts with `seconds` of budget, or (null) it ended. */
export type FileWatch = { file: string; seconds: number } | null;

let post: ((w: FileWatch) => void) | undefined;

/** On the check thread: send each file's watch to the main thread (check-thread.ts). */
export function postFileWatches(to: (w: FileWatch) => void): void {
  post = to;
}

/** A file starts (with its budget) or ends (null); a no-op unless on the check thread. */
export function watchFile(w: FileWatch): void {
  post?.(w);
}

/** A file whose check was stopped as stuck, and why (reported as that file's error). */
export interface StuckFile {
  file: string;
  message: string;
}

let stuckFiles = new Map<string, string>();

/** On a restarted check thread: the files found stuck before, reported without checking them. */
export function skipStuck(files: readonly StuckFile[]): void {
  stuckFiles = new Map(files.map((f) => [f.file, f.message]));
}

/** Why `file` is not checked again (it was stuck on an earlier thread), or undefined. */
export function stuckBefore(file: string): string | undefined {
  return stuckFiles.get(file);
}

/** Why the check of `file` (a budget of `seconds`) was stopped as stuck. */
export function stuckReason(seconds: number, afterSignal: boolean): string {
  const when = afterSignal
    ? `did not stop within ${SIGNAL_GRACE_SECONDS} s of the interrupt`
    : `did not stop within ${STUCK_GRACE_SECONDS} s after its time budget of ${seconds} s (--time)`;
  return `the check ${when}: a driver's guard or action never returns (a loop in its code?), where no clock or interrupt reaches it: fix the driver, then check again (docs/reliability.md)`;
}

/** The message of a check thread stopped as stuck after a signal: nothing more is checked. */
export function stuckMessage(file: string, seconds: number): string {
  return `mirrorlab: ${file}: ${stuckReason(seconds, true)}; the check was stopped before printing any verdict (the files before it included)`;
}
