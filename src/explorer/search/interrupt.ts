/**
 * SIGINT/SIGTERM during a search (issue 10 item 4): the signal sets a flag that every search
 * reads where it reads the clock, and the search ends as if its time were up, with the partial
 * result (`stoppedBy: 'interrupted'`). The flag lives in shared memory so that the thread that
 * receives the signal (the CLI's main thread, cli/interruptible.ts) can stop searches running
 * on other threads (the check thread and its sampling workers), which never yield to their
 * event loops while they search.
 */
// A page that is not cross-origin isolated has no SharedArrayBuffer (nor threads to share with).
let flag: Int32Array = new Int32Array(
  typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : new ArrayBuffer(4),
);

/** The shared flag, to hand to a worker thread (`adoptInterruptFlag` there). */
export function interruptFlag(): Int32Array {
  return flag;
}

/** In a worker thread: read the flag its parent sets. */
export function adoptInterruptFlag(shared: Int32Array | undefined): void {
  if (shared) flag = shared;
}

export function requestInterrupt(): void {
  Atomics.store(flag, 0, 1);
}

/**
 * Lower the flag again: for a process that goes on searching after an interrupt it asked for
 * itself (a test of interruption; the CLI exits instead).
 */
export function clearInterrupt(): void {
  Atomics.store(flag, 0, 0);
}

export function interrupted(): boolean {
  return Atomics.load(flag, 0) !== 0;
}
