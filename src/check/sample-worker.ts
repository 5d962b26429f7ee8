/** A sampling worker thread (sample-workers.ts): builds the world, runs its share, posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { samplingSearch } from '../explorer/node-search.ts';
import { adoptInterruptFlag } from '../explorer/search/interrupt.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';
import { trustDriverImports } from '../scenario/driver-probe.ts';
import { lockOrderShown } from './lock-order.ts';
import type { WorkerTask } from './sample-workers.ts';
import { worldFor } from './world-for.ts';

const task = workerData as WorkerTask & { interrupt?: Int32Array };
adoptInterruptFlag(task.interrupt);
// The check thread built this world before us, so every driver module it names passed its probe there.
trustDriverImports();
try {
  const { recipe } = task;
  const driver = recipe.driver
    ? { machine: await loadDriverModule(recipe.driver, `--driver ${recipe.driver}`), name: recipe.driver }
    : undefined;
  const { world } = await worldFor(recipe.file, driver, recipe.params ?? {}, { allowDrivers: recipe.allowDrivers });
  const monitors = defaultMonitors();
  const result = samplingSearch(world, task.strategy, { ...task.limits, monitors }, task.share);
  parentPort!.postMessage({ result: { ...result, lockOrder: lockOrderShown(monitors) } });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
}
