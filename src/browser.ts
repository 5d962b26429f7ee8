/**
 * `mirrorlab/browser`: everything that runs in a page, with no Node built-in on any path, so a
 * bundler (Vite, esbuild, Rollup) builds it as it is. Scenarios come as text (there is no file
 * system), driver modules as machines (there is no module loader), and searches run on the
 * portable search host (the JS heap as memory, one thread). The machines are here too, as in
 * `mirrorlab/machines`.
 *
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, parseScenario, renderLadder, scenarioWorld } from 'mirrorlab/browser';
 * const { world } = await scenarioWorld(parseScenario(text, 'my.yaml'));
 * const result = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 200_000 });
 * for (const v of result.violations) console.log(v.kind, renderLadder(world, v.trace));
 * ```
 */

// Live actors: a parsed scenario as real XState actors.
export {
  createLiveWorld,
  type LiveSchedule,
  type LiveStep,
  LiveWorld,
  type LiveWorldOptions,
  // Renamed: a pending step of the live world, not the controlled world's.
  type Pending as LivePending,
} from '../actors/live-world.ts';
export { scenarioLiveWorld as createWorld, type WorldOptions } from '../actors/scenario-live-world.ts';
// The controlled world of a parsed scenario, and what a search's findings mean against its `expect:`.
export { type ScenarioWorld, scenarioWorld } from './check/scenario-world.ts';
export {
  coverage,
  judgeScenario,
  type LimitsUsed,
  type LivenessCoverage,
  type ScenarioFindings,
  type ScenarioJudgement,
  type ScenarioVerdict,
} from './check/verdict.ts';
export { type ReplayResult, replayTrace } from './explorer/counterexamples/replay.ts';
export type { ReductionMode } from './explorer/reduction/state-key.ts';
export type { SymmetryStats } from './explorer/reduction/symmetry.ts';
export type { MonitorAuditSummary } from './explorer/search/monitor-audit.ts';
export type { PileUp } from './explorer/search/pile-up.ts';
export { type MemoryWatch, portableHost, type SearchHost } from './explorer/search/search-host.ts';
export type { ShardSpec, ShardSplit } from './explorer/search/shard.ts';
export type { SearchStart } from './explorer/search/state-search.ts';
export type {
  FoundViolation,
  ProgressDetail,
  SearchLimit,
  SearchOptions,
  SearchResult,
  SearchStats,
} from './explorer/search-types.ts';
// The explorer on the portable host (search-host.ts).
export { exhaustiveSearch } from './explorer/strategies/exhaustive.ts';
export { type SamplingStrategy, samplingSearch } from './explorer/strategies/sampling.ts';
export * from './machines.ts';
export { defaultMonitors } from './monitors/index.ts';
export type { Interest, Monitor, MonitorContext, Violation } from './monitors/monitor.ts';
export { renderLadder } from './report/ladder.ts';
export {
  type ActorSpec,
  ControlledWorld,
  type SemanticStep,
  type Step,
  type StepRecord,
  type WorldState,
} from './runtime/controlled-world.ts';
// Renamed: a message in flight between actors (a thread's request is a ThreadMessage).
export type { Append, Message as WorldMessage } from './runtime/world-types.ts';
export { type CompiledScenario, type CompileOptions, compileScenario, type DriverLoader } from './scenario/compile.ts';
export { Deadline } from './scenario/deadline.ts';
export type { ParamValue } from './scenario/expand.ts';
export { type LoadedScenario, parseScenario, ScenarioError } from './scenario/parse.ts';
export type { Scenario } from './scenario/schema.ts';
export { settle } from './scenario/settle.ts';
