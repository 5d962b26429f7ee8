/**
 * The worker side of visited-pipeline.ts: owns the visited table and judges fingerprints in the
 * order the search submitted them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  DONE,
  FAILED,
  IDLE,
  type PipelineShared,
  READY,
  RING,
  SIZE,
  SLOTS,
  STOP,
  WRITTEN,
} from './visited-pipeline.ts';
import { VisitedSet, type VisitedTable } from './visited-set.ts';

const { ctl, prints, verdicts } = workerData as PipelineShared;

/** Publish progress this often while catching up, so the search thread can go on early. */
const BATCH = 1024;

function serve(visited: VisitedSet): void {
  let done = Atomics.load(ctl, DONE);
  for (;;) {
    const written = Atomics.load(ctl, WRITTEN);
    if (done === written) {
      if (Atomics.load(ctl, STOP) === 1) return;
      // Idle: poll a while (the search thread publishes every few dozen fingerprints), then
      // sleep until it publishes again (it wakes us when IDLE is set).
      let polls = 0;
      while (Atomics.load(ctl, WRITTEN) === done && polls < 200_000) polls++;
      if (Atomics.load(ctl, WRITTEN) === done) {
        Atomics.store(ctl, IDLE, 1);
        if (Atomics.load(ctl, WRITTEN) === done && Atomics.load(ctl, STOP) === 0) Atomics.wait(ctl, WRITTEN, done, 50);
        Atomics.store(ctl, IDLE, 0);
      }
      continue;
    }
    while (done < written) {
      const at = done & (RING - 1);
      visited.addSlot(prints[at * 2], prints[at * 2 + 1]);
      verdicts[at] = visited.isNew ? 1 : 0;
      done++;
      if ((done & (BATCH - 1)) === 0) report(visited, done);
    }
    report(visited, done);
  }
}

function report(visited: VisitedSet, done: number): void {
  Atomics.store(ctl, SIZE, visited.size);
  Atomics.store(ctl, SLOTS, visited.capacity);
  Atomics.store(ctl, DONE, done);
  Atomics.notify(ctl, DONE);
}

parentPort!.once('message', (table: VisitedTable) => {
  try {
    serve(VisitedSet.adopt(table));
  } catch (e) {
    Atomics.store(ctl, FAILED, 1);
    Atomics.notify(ctl, DONE);
    throw e;
  }
});
Atomics.store(ctl, READY, 1);
