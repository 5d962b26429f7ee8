/**
 * src/explorer/reduction/: state-space reductions of the exhaustive search, each behind the one
 * small interface here, so the search loop (search/state-search.ts) knows none of them by name.
 *   - state-key.ts: which reduction the options select ('none', 'canonical', 'sleep') and the
 *     key the visited set sees: the exact state, or the channel-canonical one (the default), a
 *     property of the fingerprint rather than of a `Reduction`, so every search mode shares it;
 *   - reduction.ts (this file): the interface a reduction that prunes steps implements;
 *   - por.ts: sleep sets' building blocks (`SleepArena`, `Dependence`: which steps commute);
 *   - sleep-sets.ts: sleep sets (Godefroid 1996) over the channel-canonical state space, the
 *     reduction 'sleep' (`por: true`) selects;
 *   - symmetry.ts, symmetry-group.ts: symmetry over interchangeable replicas (`symmetry: true`),
 *     another key of the visited set (the least image of a state), refused with the reason
 *     where the replicas are not interchangeable.
 * A new reduction (persistent or stubborn sets, say) is a class implementing `Reduction`,
 * chosen where `reductionFor` picks one.
 *
 * How the search calls a reduction, per state it pops (breadth-first or depth-first):
 *   1. `begin(node)`: may skip the node (its state was expanded already with nothing new);
 *   2. if the state has steps and is not cut by depth, `prepare(count)` with the number of
 *      enabled steps, then `take(key, kid)` for each enabled step in canonical order (actor
 *      order, then the actor's step list): whether the step is explored, as child `kid` (the
 *      children taken so far), and `end(kids)`;
 *   3. for each child taken, in order, after the monitors: `fresh(kid, child, slot)` when the
 *      visited set had not seen its state (search node `child`, visited `slot`), else
 *      `seen(kid, slot)`, which may ask for the state to be expanded again: the search then
 *      adds a node and calls `link(again, home)`.
 * A reduction keeps per-state data in the visited set's value (`visitedValues`), found again
 * through the slot, and per-node data in its own typed arrays indexed by search node: the
 * search's own arrays stay as they are without one.
 *
 * With a reduction the search probes the visited set child by child (no deferred verdicts,
 * visited/deferred-visits.ts) and cannot be sharded: `seen` needs the probe's answer at once.
 * The canonical key alone needs neither: it is not a `Reduction`.
 */
import type { ControlledWorld, LocalStep } from '../../runtime/controlled-world.ts';
import type { MonitorPlan } from '../search/monitor-plan.ts';
import type { VisitedSet } from '../visited/visited-set.ts';
import type { ReturnFusion } from './returns.ts';
import { SleepSets } from './sleep-sets.ts';
import type { ReductionMode } from './state-key.ts';

/** A state-space reduction the exhaustive search consults at each expansion (order of calls: above). */
export interface Reduction {
  /** Appended to the strategy's name in results: `bfs+por`. */
  readonly name: string;
  /** How many 32-bit values the visited set keeps per state for this reduction (0 or 1). */
  readonly visitedValues: number;
  /** A local step the step table learns (once per step): its key, which `take` receives. */
  learn(step: LocalStep): number;
  /** The search begins: the visited set it probes, the root's search node and visited slot. */
  start(visited: VisitedSet, root: number, slot: number): void;
  /** Search node `node` is about to be expanded: false when there is nothing to expand. */
  begin(node: number): boolean;
  /** Whether the expansion begun repeats an earlier one of the same state (judge a final state once). */
  readonly repeat: boolean;
  /** The expansion begun has `count` enabled steps (room for the calls that follow). */
  prepare(count: number): void;
  /** Whether to explore the enabled step with key `key`; if so it becomes child `kid`. */
  take(key: number, kid: number): boolean;
  /** Pass over the enabled steps done: `kids` children taken. */
  end(kids: number): void;
  /** Child `kid` is a new state: search node `child`, visited slot `slot`. */
  fresh(kid: number, child: number, slot: number): void;
  /**
   * Child `kid` is a state seen before, at visited slot `slot`: the search node that state is
   * kept under (its home) when it must be expanded again, else -1.
   */
  seen(kid: number, slot: number): number;
  /** Search node `again` expands again the state whose home node is `home`. */
  link(again: number, home: number): void;
}

/** The step-pruning reduction of a search's reduction mode (state-key.ts), or null for none. */
export function reductionFor(
  world: ControlledWorld,
  plan: MonitorPlan,
  mode: ReductionMode,
  fusion: ReturnFusion | null,
): Reduction | null {
  return mode === 'sleep' ? new SleepSets(world, plan, fusion) : null;
}
