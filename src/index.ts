/**
 * mirrorlab's public API: the machines, the two runtimes, the explorer and the checker.
 *
 * ```ts
 * import { createWorld, checkScenario } from 'mirrorlab';
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml'); // live XState actors
 * world.run();
 * const outcome = await checkScenario('scenarios/seeds/missing-set-seq.yaml'); // every interleaving
 * outcome.violations.map((v) => v.kind); // ['stale-spte', 'use-after-free']
 * ```
 */

// Everything a page has (mirrorlab/browser, which holds mirrorlab/machines), and the file-based
// API of Node. Where a name is in both (createWorld, exhaustiveSearch, samplingSearch,
// compileScenario), the Node one (scenario files, driver modules, Node's search host) is
// exported: a named export hides a star one.
export { createWorld, type WorldOptions } from '../actors/world.ts';
export * from './browser.ts';
export { type Charge, type ChargeInput, chargeViolation } from './check/charge.ts';
export {
  type CheckedViolation,
  type CheckOptions,
  type CheckOutcome,
  checkScenario,
  type Strategy,
} from './check/check-scenario.ts';
export { type LoadedTrace, readTrace, type SavedTrace, type TraceProvenance, writeTrace } from './check/trace-file.ts';
export { type WorldSource, worldFor } from './check/world-for.ts';
export type { Fairness } from './explorer/liveness/fair-cycles.ts';
export type { LivenessStats } from './explorer/liveness/livelock-search.ts';
export { exhaustiveSearch, samplingSearch } from './explorer/node-search.ts';
export type { LockOrderEdge } from './monitors/lockdep.ts';
// The machines as diagrams and data: Mermaid, SCXML, JSON (re-created by machineFromJson), Stately source.
export {
  EXPORT_FORMATS,
  type ExportFormat,
  exportMachine,
  machineFromJson,
  toJsonConfig,
  toMermaid,
  toScxml,
  toStatelySource,
} from './report/machine-export.ts';
export { compileScenario, type DriverModuleOptions, loadDriverModule } from './scenario/driver-module.ts';
export { loadScenario } from './scenario/load.ts';
export type { EnvironmentFault } from './scenario/schema.ts';
