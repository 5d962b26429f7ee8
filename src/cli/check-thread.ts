/**
 * The thread `mirrorlab check` runs on when started from the command line (interruptible.ts):
 * the whole command, its output lines posted to the main thread, which owns the signals.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { adoptInterruptFlag } from '../explorer/search/interrupt.ts';
import { postFileWatches, type StuckFile, skipStuck } from './check-watchdog.ts';
import { main } from './main.ts';

const { argv, interrupt, stuck } = workerData as { argv: string[]; interrupt: Int32Array; stuck: StuckFile[] };
adoptInterruptFlag(interrupt);
skipStuck(stuck);
postFileWatches((watch) => parentPort!.postMessage({ watch }));
const code = await main(argv, (line) => parentPort!.postMessage({ line }));
parentPort!.postMessage({ code });
