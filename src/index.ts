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

// Live actors.
export { createLiveWorld, LiveWorld, type LiveWorldOptions } from '../actors/live-world.ts';
export { createWorld, type WorldOptions } from '../actors/world.ts';
// Scenarios and checking.
export { type Charge, chargeViolation } from './check/charge.ts';
export { type CheckOutcome, checkScenario } from './check/check-scenario.ts';
export { readTrace, writeTrace } from './check/trace-file.ts';
export { worldFor } from './check/world-for.ts';
export { exhaustiveSearch, samplingSearch } from './explorer/node-search.ts';
export { replayTrace } from './explorer/replay.ts';
export type { FoundViolation, SearchOptions, SearchResult } from './explorer/search-types.ts';
// Machines (pure; one definition for both runtimes): the whole of mirrorlab/machines.
export * from './machines.ts';
export { defaultMonitors } from './monitors/index.ts';
export type { Monitor, Violation } from './monitors/monitor.ts';
export { renderLadder } from './report/ladder.ts';
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
// Controlled runtime, explorer, monitors.
export {
  type ActorSpec,
  ControlledWorld,
  type SemanticStep,
  type Step,
  type WorldState,
} from './runtime/controlled-world.ts';
export { compileScenario, loadDriverModule } from './scenario/driver-module.ts';
export { loadScenario } from './scenario/load.ts';
export { parseScenario, ScenarioError } from './scenario/parse.ts';
export type { EnvironmentFault } from './scenario/schema.ts';
export { settle } from './scenario/settle.ts';
