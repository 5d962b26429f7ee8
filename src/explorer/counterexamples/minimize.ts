/**
 * Interleaving-aware minimization of a counterexample (README, "Using it"): shrink a failing
 * schedule to the fewest steps, then to the fewest context switches, and keep only schedules
 * that still reach the same violation kind.
 *
 * A **context switch** is a place in a schedule where the actor taking a step differs from the
 * actor that took the step before. Every step is taken by exactly one actor (the receiver of a
 * delivery, the owner of a timer, the actor whose pending choice is resolved), so a switch is
 * "the scheduler ran somebody else now", whatever the sender was. Consecutive steps of one actor
 * cost nothing; a schedule of n steps has between 0 and n-1 switches.
 *
 * Steps cannot simply be deleted (a later step consumes what an earlier one sent), so every
 * candidate is a whole schedule, executed again from the initial state with steps matched
 * semantically as replay does, and kept only when it still reaches the violation kind:
 *   1. truncate: steps after the one at which the violation is reported are dropped;
 *   2. search: a breadth-first search bounded by that length looks for the fewest steps, then
 *      the fewest switches, among schedules with no more switches than the one in hand (so a
 *      shorter schedule never costs clarity). It runs over (world state, actor that took the last
 *      step, switches so far) and drops a node when another one of the same world state was
 *      reached in no more steps with no more switches, counting one more if its last actor
 *      differs (the next step can cost it at most that one switch). The first level at which the
 *      kind is reported gives the fewest steps, its hit with the fewest switches the rest
 *      (`optimal`), as long as the monitors judge steps and end states by what they see, not by
 *      what came before;
 *   3. when the state budget runs out first, local shrinking instead: delta debugging drops
 *      chunks of steps (dropping a step never adds a switch), then rescheduling moves a run of one
 *      actor's consecutive steps (or the first or last step of a run) next to another run of the
 *      same actor. A moved schedule is executed in "follow" mode (at each point the earliest
 *      listed step that can run, runs), so steps that depend on a moved step follow it. A change
 *      is kept when it lowers steps or switches and raises neither, until none helps.
 * Budgets count states and executions, never seconds, so the result is deterministic. The result
 * is checked once more with `replayTrace`; a schedule that does not replay to the kind is never
 * returned as minimized.
 */
import type { Monitor, MonitorContext, Violation } from '../../monitors/monitor.ts';
import type { ControlledWorld, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import type { FoundViolation } from '../search-types.ts';
import { replayTrace } from './replay.ts';
import { runSchedule } from './run-schedule.ts';

export interface MinimizeOptions {
  /** Fresh monitors for one execution (monitors may keep state across a run). */
  monitors: () => Monitor[];
  /** (state, last actor) pairs the bounded search may keep (default 200 000). */
  maxStates?: number;
  /** Schedule executions local shrinking may spend (default 2 000). */
  maxRuns?: number;
}

export interface MinimizedTrace {
  kind: string;
  /** The minimized schedule (the original one when `reproduced` is false). */
  trace: SemanticStep[];
  steps: number;
  contextSwitches: number;
  original: { steps: number; contextSwitches: number };
  /** The violation as reported when the minimized schedule is replayed. */
  violation: FoundViolation | null;
  /** False when the original schedule does not replay to `kind` on its own: nothing was changed. */
  reproduced: boolean;
  /** True when the bounded search proved it: no schedule reaching `kind` has fewer steps, or as few steps and fewer switches. */
  optimal: boolean;
  /** Schedule executions spent. */
  runs: number;
}

/** Number of adjacent step pairs taken by different actors. */
export function contextSwitches(trace: readonly SemanticStep[]): number {
  let n = 0;
  for (let i = 1; i < trace.length; i++) if (trace[i].actor !== trace[i - 1].actor) n++;
  return n;
}

/** A shorter, then less switching, schedule that replays to the same violation kind. */
export function minimizeTrace(
  world: ControlledWorld,
  trace: readonly SemanticStep[],
  kind: string,
  options: MinimizeOptions,
): MinimizedTrace {
  const m = new Minimizer(world, kind, options);
  const original = { steps: trace.length, contextSwitches: contextSwitches(trace) };
  const unchanged = (): MinimizedTrace => ({
    kind,
    trace: trace.slice(),
    ...original,
    original,
    violation: null,
    reproduced: false,
    optimal: false,
    runs: m.runs,
  });
  const start = m.attempt(trace, 'strict');
  if (!start) return unchanged();
  const searched = m.optimalWithin(start.length, contextSwitches(start));
  const best = searched ?? m.reschedule(m.deltaDebug(start));
  // The last word belongs to replay itself.
  for (const candidate of [best, start]) {
    const r = replayTrace(world, candidate, options.monitors());
    const violation = r.divergence ? undefined : r.violations.find((v) => v.kind === kind);
    if (!violation) continue;
    return {
      kind,
      trace: candidate,
      steps: candidate.length,
      contextSwitches: contextSwitches(candidate),
      original,
      violation,
      reproduced: true,
      optimal: searched !== null && candidate === best,
      runs: m.runs,
    };
  }
  return unchanged();
}

/** Fewer steps or fewer switches, and more of neither. */
function smaller(a: readonly SemanticStep[], b: readonly SemanticStep[]): boolean {
  const sa = contextSwitches(a);
  const sb = contextSwitches(b);
  return a.length <= b.length && sa <= sb && (a.length < b.length || sa < sb);
}

/** A search node: a world state reached in `depth` steps, the last one taken by actor `last`. */
interface Node {
  state: WorldState;
  depth: number;
  last: number;
  switches: number;
  parent: Node | null;
  step: SemanticStep | null;
  /** Dominated by a node of the same level found later. */
  dropped: boolean;
}

/** `a` is at least as good as `b` for every continuation from their (equal) world state. */
function dominates(a: Node, b: Node): boolean {
  return a.depth <= b.depth && a.switches + (a.last === b.last ? 0 : 1) <= b.switches;
}

function pathTo(node: Node, then?: SemanticStep): SemanticStep[] {
  const out: SemanticStep[] = then ? [then] : [];
  for (let n: Node | null = node; n?.step; n = n.parent) out.push(n.step);
  return out.reverse();
}

/** An exact key of a world state (the search is small and must not confuse two states). */
function stateKey(s: WorldState): string {
  return `${s.locals.join(',')}|${s.choices.join(',')}|${s.timers.map((t) => t.join('.')).join(',')}|${s.inboxes.map((q) => q.join('.')).join(',')}`;
}

class Minimizer {
  runs = 0;
  private readonly maxRuns: number;

  constructor(
    private readonly world: ControlledWorld,
    private readonly kind: string,
    private readonly options: MinimizeOptions,
  ) {
    this.maxRuns = options.maxRuns ?? 2_000;
  }

  get exhausted(): boolean {
    return this.runs >= this.maxRuns;
  }

  /** Execute a candidate; the executed schedule, cut at the violation, or null if it does not reach it. */
  attempt(trace: readonly SemanticStep[], mode: 'strict' | 'follow'): SemanticStep[] | null {
    this.runs++;
    const r = runSchedule(this.world, trace, this.options.monitors(), { mode, kind: this.kind, stop: true });
    return r.reachedAt === null ? null : r.executed.slice(0, r.reachedAt);
  }

  /**
   * Level-by-level search to `depth` steps and `maxSwitches` switches, watching only this kind
   * (step and end-state checks: inferences over a whole search say nothing about one schedule).
   * Returns the verified optimal schedule, or null when the budget ran out or nothing was found.
   */
  optimalWithin(depth: number, maxSwitches: number): SemanticStep[] | null {
    const { world, kind } = this;
    const maxStates = this.options.maxStates ?? 200_000;
    const ctx: MonitorContext = { world };
    const monitors = this.options.monitors();
    for (const m of monitors) m.reset?.(ctx);
    const reports = (v: Violation | null | undefined) => v?.kind === kind;
    const root: Node = {
      state: world.initial,
      depth: 0,
      last: -1,
      switches: 0,
      parent: null,
      step: null,
      dropped: false,
    };
    // Per world state, the nodes kept so far that no other kept node dominates.
    const kept = new Map<string, Node[]>([[stateKey(world.initial), [root]]]);
    let count = 1;
    let level: Node[] = [root];
    for (let d = 0; level.length > 0; d++) {
      // The hit with the fewest switches on the first level that has one.
      let best: Node | null = null;
      let bestThen: SemanticStep | undefined;
      let bestSwitches = maxSwitches + 1;
      const enabled = level.map((node) => world.enabled(node.state));
      for (let k = 0; k < level.length; k++) {
        const node = level[k];
        if (enabled[k].length > 0 || node.switches >= bestSwitches) continue;
        if (monitors.some((m) => reports(m.onTerminal?.(ctx, node.state)))) {
          best = node;
          bestSwitches = node.switches;
        }
      }
      if (best || d >= depth) return best ? this.verified(pathTo(best), depth) : null;
      const next: Node[] = [];
      for (let k = 0; k < level.length; k++) {
        const node = level[k];
        for (const step of enabled[k]) {
          const switches = node.switches + (node.last >= 0 && node.last !== step.actor ? 1 : 0);
          if (switches > maxSwitches) continue;
          const { state, record } = world.apply(node.state, step);
          const semantic = world.semantic(record);
          const trace = () => pathTo(node, semantic);
          if (monitors.some((m) => reports(m.onStep?.(ctx, record, node.state, state, trace)))) {
            if (switches < bestSwitches) {
              best = node;
              bestThen = semantic;
              bestSwitches = switches;
            }
            continue;
          }
          const child: Node = {
            state,
            depth: d + 1,
            last: step.actor,
            switches,
            parent: node,
            step: semantic,
            dropped: false,
          };
          const key = stateKey(state);
          const there = kept.get(key) ?? [];
          if (there.some((n) => dominates(n, child))) continue;
          for (const n of there) if (dominates(child, n)) n.dropped = true;
          kept.set(key, [...there.filter((n) => !n.dropped), child]);
          next.push(child);
        }
      }
      if (best) return this.verified(pathTo(best, bestThen), depth);
      level = next.filter((n) => !n.dropped);
      count += level.length;
      if (count > maxStates) return null;
    }
    return null;
  }

  /** A schedule from the search, executed as a schedule (it must reach the kind within `depth`). */
  private verified(trace: SemanticStep[], depth: number): SemanticStep[] | null {
    const checked = this.attempt(trace, 'strict');
    return checked && checked.length <= depth ? checked : null;
  }

  /** Delta debugging over steps: drop chunks, halving the chunk size when nothing can go. */
  deltaDebug(trace: SemanticStep[]): SemanticStep[] {
    let chunk = Math.max(1, Math.floor(trace.length / 2));
    while (!this.exhausted) {
      let removed = false;
      for (let at = 0; at < trace.length && !this.exhausted; at += chunk) {
        const candidate = trace.slice(0, at).concat(trace.slice(at + chunk));
        if (candidate.length === 0) continue;
        const r = this.attempt(candidate, 'strict');
        if (r && smaller(r, trace)) {
          trace = r;
          removed = true;
          break;
        }
      }
      if (removed) continue;
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
    return trace;
  }

  /** Move runs next to runs of the same actor while that makes the schedule smaller. */
  reschedule(trace: SemanticStep[]): SemanticStep[] {
    const tried = new Set<string>();
    for (let improved = true; improved && !this.exhausted; ) {
      improved = false;
      for (const candidate of moves(trace)) {
        if (this.exhausted) break;
        const key = JSON.stringify(candidate);
        if (tried.has(key)) continue;
        tried.add(key);
        const r = this.attempt(candidate, 'follow');
        if (r && smaller(r, trace)) {
          trace = r;
          improved = true;
          break;
        }
      }
    }
    return trace;
  }
}

/**
 * Candidate reschedulings of `trace`, most promising first: each run of consecutive steps of one
 * actor, and the first and the last step of a longer run, moved just before or just after another
 * run of the same actor. Only moves that would lower the switches as listed are proposed.
 */
function moves(trace: SemanticStep[]): SemanticStep[][] {
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < trace.length; i++) {
    if (i > 0 && trace[i].actor === trace[i - 1].actor) runs[runs.length - 1].end = i + 1;
    else runs.push({ start: i, end: i + 1 });
  }
  const blocks: { start: number; end: number }[] = [];
  for (const r of runs) {
    blocks.push(r);
    if (r.end - r.start > 1) blocks.push({ start: r.start, end: r.start + 1 }, { start: r.end - 1, end: r.end });
  }
  const now = contextSwitches(trace);
  const out: { switches: number; order: number; trace: SemanticStep[] }[] = [];
  for (const b of blocks) {
    const actor = trace[b.start].actor;
    for (const r of runs) {
      if (trace[r.start].actor !== actor || (r.start <= b.start && b.end <= r.end)) continue;
      for (const at of [r.start, r.end]) {
        const moved = moveBlock(trace, b.start, b.end, at);
        const switches = contextSwitches(moved);
        if (switches < now) out.push({ switches, order: out.length, trace: moved });
      }
    }
  }
  out.sort((a, b) => a.switches - b.switches || a.order - b.order);
  return out.map((c) => c.trace);
}

/** `trace` with steps [start, end) moved to just before index `at` of the original. */
function moveBlock(trace: SemanticStep[], start: number, end: number, at: number): SemanticStep[] {
  const block = trace.slice(start, end);
  if (at <= start) return [...trace.slice(0, at), ...block, ...trace.slice(at, start), ...trace.slice(end)];
  return [...trace.slice(0, start), ...trace.slice(end, at), ...block, ...trace.slice(at)];
}
