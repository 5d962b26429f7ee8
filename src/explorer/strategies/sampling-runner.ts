/**
 * Runs sampled schedules fast. One `ScheduleRunner` per search (per worker thread) keeps what
 * the exhaustive search keeps (step-table.ts, monitor-plan.ts, fingerprint.ts) and reuses it
 * across schedules, so after the first few schedules a step costs a few typed-array reads:
 *   - the enabled steps come from the step table's flat lists, each learned once, with its
 *     thread of control (the choosers' unit) interned to a small integer;
 *   - the next state is written into a second vector (no `WorldState` or `Step` objects per
 *     step), its fingerprint XOR-ed from the Zobrist deltas;
 *   - the monitors run through the monitor plan's gates, as in the exhaustive search: a step
 *     no monitor looks at again costs one flag test, a repeated (step, situations read)
 *     combination one probe;
 *   - the schedule is a list of local step ids; its semantic trace is built only when a
 *     monitor asks for it.
 * A schedule is a function of its seed alone (sampling-seeds.ts), whatever ran before it on this runner.
 */

import type { ControlledWorld, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import { ViolationLog } from '../counterexamples/violation-log.ts';
import { interrupted } from '../search/interrupt.ts';
import { finishAudit, MonitorPlan } from '../search/monitor-plan.ts';
import { type MemoryWatch, portableHost } from '../search/search-host.ts';
import { QUIET, StepTable } from '../search/step-table.ts';
import type { FoundViolation, SearchLimit, SearchOptions } from '../search-types.ts';
import { zobrist1, zobrist2 } from '../visited/fingerprint.ts';
import { VisitedSet } from '../visited/visited-set.ts';
import {
  type Chooser,
  configText,
  drawConfig,
  makeChooser,
  type SamplingStrategy,
  type ScenarioShape,
  type StrategyOptions,
} from './choosers.ts';
import { Random } from './random.ts';

/** Pilot schedules (uniform random, fixed seeds, no monitors) that measure a scenario's shape. */
const PILOTS = 16;
const PILOT_SEED = 0x5eed;

export class ScheduleRunner {
  readonly log: ViolationLog;
  private readonly plan: MonitorPlan;
  private readonly table: StepTable;
  private readonly n: number;
  readonly seen = new VisitedSet(16);
  private readonly memory: MemoryWatch;
  private readonly deadline: number;
  private readonly maxDepth: number;
  /** Thread of control of each learned local step, interned (-1: not learned). */
  private threadOf = new Int32Array(256).fill(-1);
  private readonly threadIds = new Map<string, number>();
  private cur: Int32Array;
  private next: Int32Array;
  private curState: WorldState;
  private nextState: WorldState;
  private path = new Int32Array(1024);
  private len = 0;
  private candId = new Int32Array(64);
  private candActor = new Int32Array(64);
  private candThread = new Int32Array(64);
  private readonly h0: [number, number];
  private readonly traceNow = (): SemanticStep[] => this.trace();
  transitions = 0;
  maxDepthReached = 0;
  /** The limit that cut the run short, if one did (`time`, `memory`, `heap`, `first-violation`). */
  stoppedBy: SearchLimit | null = null;
  private scenarioShape: ScenarioShape | null = null;

  constructor(
    private readonly world: ControlledWorld,
    private readonly opts: SearchOptions,
    t0 = performance.now(),
  ) {
    this.log = new ViolationLog(opts.monitors, { world });
    this.plan = new MonitorPlan(world, opts.monitors, this.log, opts.checkMonitors === true);
    this.table = new StepTable(world, (_i, l) => l, null);
    this.n = world.actors.length;
    this.cur = new Int32Array(this.n);
    this.next = new Int32Array(this.n);
    this.curState = world.stateOf(this.cur);
    this.nextState = world.stateOf(this.next);
    this.memory = (opts.host ?? portableHost).memoryWatch(opts.maxMemoryMiB);
    this.deadline = opts.timeLimit ? t0 + opts.timeLimit * 1000 : Number.POSITIVE_INFINITY;
    this.maxDepth = opts.maxDepth ?? 10_000;
    let h1 = 0;
    let h2 = 0;
    const vec = world.initial.vec;
    for (let i = 0; i < this.n; i++) {
      h1 ^= zobrist1(i, vec[i]);
      h2 ^= zobrist2(i, vec[i]);
    }
    this.h0 = [h1, h2];
  }

  /**
   * How long a schedule runs and how many threads of control it has: the mean length and the
   * most threads over a few uniform random schedules with fixed seeds, run without monitors.
   * The same for every worker and every base seed, so it keeps schedules a function of their seed.
   */
  shape(): ScenarioShape {
    if (this.scenarioShape) return this.scenarioShape;
    let steps = 0;
    let threads = 0;
    for (let p = 0; p < PILOTS; p++) {
      const rng = new Random(PILOT_SEED + p);
      const seen = new Set<number>();
      steps += this.walk({ pick: (_t, count) => rng.int(count) }, false, seen);
      threads = Math.max(threads, seen.size);
    }
    this.scenarioShape = { steps: Math.max(1, Math.round(steps / PILOTS)), threads };
    return this.scenarioShape;
  }

  /**
   * Runs schedule `index` of a run with its own seed (sampling-seeds.ts): draws its configuration, then
   * its steps. Violations new to this runner are tagged with the schedule. False when a limit
   * or `stopOnFirst` ended the run.
   */
  schedule(index: number, seed: number, strategy: SamplingStrategy, so: StrategyOptions): boolean {
    const shape = strategy === 'random' ? { steps: 0, threads: 0 } : this.shape();
    const rng = new Random(seed);
    const config = drawConfig(strategy, rng, shape, so);
    const before = this.log.found.length;
    this.walk(makeChooser(config, rng), true, null);
    const found = this.log.found;
    for (let k = before; k < found.length; k++) found[k].schedule = { index, seed, config: configText(config) };
    if (this.stoppedBy === null && this.opts.stopOnFirst && found.length > before) this.stoppedBy = 'first-violation';
    return this.stoppedBy === null;
  }

  /** The end of a run: the monitors' conclusions over every schedule (lockdep's cycles). */
  finish(): FoundViolation[] {
    finishAudit(this.plan, this.log);
    this.log.finish();
    return this.log.found;
  }

  /** The schedule so far, as semantic steps. */
  private trace(): SemanticStep[] {
    const out: SemanticStep[] = new Array(this.len);
    const steps = this.world.localSteps;
    for (let k = 0; k < this.len; k++) out[k] = this.world.semantic(steps[this.path[k]].record!);
    return out;
  }

  private learn(id: number): void {
    const table = this.table;
    table.learn(id);
    if (id >= this.threadOf.length) {
      const more = new Int32Array(Math.max(this.threadOf.length * 2, id + 1)).fill(-1);
      more.set(this.threadOf);
      this.threadOf = more;
    }
    const thread = this.world.localSteps[id].record!.message.thread;
    let t = this.threadIds.get(thread);
    if (t === undefined) {
      t = this.threadIds.size;
      this.threadIds.set(thread, t);
    }
    this.threadOf[id] = t;
  }

  /** One schedule from the initial state; returns its length. */
  private walk(chooser: Chooser, monitored: boolean, threads: Set<number> | null): number {
    const world = this.world;
    const table = this.table;
    const plan = this.plan;
    const n = this.n;
    let cur = this.cur;
    let next = this.next;
    cur.set(world.initial.vec);
    let h1 = this.h0[0];
    let h2 = this.h0[1];
    this.len = 0;
    for (;;) {
      // The enabled steps, in canonical order (actor, then the actor's step list).
      let count = 0;
      for (let i = 0; i < n; i++) {
        const off = table.listOf(i, cur[i]); // may grow `table.list`: read it after
        const list = table.list;
        const m = list[off];
        if (m === 0) continue;
        if (count + m > this.candId.length) this.growCandidates(count + m);
        for (let k = 1; k <= m; k++) {
          const id = list[off + k];
          if (!table.learned(id)) this.learn(id);
          this.candId[count] = id;
          this.candActor[count] = i;
          this.candThread[count] = this.threadOf[id];
          count++;
        }
      }
      if (count === 0) {
        if (monitored) this.log.terminal(this.curState, this.traceNow);
        break;
      }
      if (this.len >= this.maxDepth) break;
      const c = chooser.pick(this.candThread, count, this.len + 1);
      const id = this.candId[c];
      const actor = this.candActor[c];
      if (threads) threads.add(this.candThread[c]);
      // The next state and its fingerprint.
      next.set(cur);
      next[actor] = table.next[id];
      h1 ^= table.d1[id];
      h2 ^= table.d2[id];
      const sends = table.sends;
      const from = table.sendAt[id] + 1;
      const end = from + sends[from - 1];
      for (let s = from; s < end; s += 2) {
        const to = sends[s];
        const old = next[to];
        const now = table.append(to, old, sends[s + 1]);
        next[to] = now;
        h1 ^= zobrist1(to, old) ^ zobrist1(to, now);
        h2 ^= zobrist2(to, old) ^ zobrist2(to, now);
      }
      if (this.len >= this.path.length) {
        const more = new Int32Array(this.path.length * 2);
        more.set(this.path);
        this.path = more;
      }
      this.path[this.len++] = id;
      if (monitored) {
        this.transitions++;
        if ((table.flags[id] & QUIET) === 0) {
          const gate = table.gate[id];
          if (gate === 0 || plan.passGate(gate, id, cur)) {
            const ls = world.localSteps[id];
            if (
              plan.step(ls, this.curState, this.nextState, this.traceNow, null, gate !== 0) &&
              this.opts.stopOnFirst
            ) {
              this.stoppedBy = 'first-violation';
            }
            if (plan.quiet(ls)) table.flags[id] |= QUIET;
            else if (gate === 0) table.gate[id] = plan.gate(ls);
          }
        }
        this.seen.add(h1, h2);
        if ((this.transitions & 4095) === 0) {
          this.stoppedBy ??=
            performance.now() > this.deadline ? 'time' : interrupted() ? 'interrupted' : this.memory.exceeded();
        }
      }
      // The next state becomes the current one (the vectors and their state views swap).
      const t = cur;
      cur = next;
      next = t;
      const s = this.curState;
      this.curState = this.nextState;
      this.nextState = s;
      this.cur = cur;
      this.next = next;
      if (this.stoppedBy !== null) break;
    }
    if (monitored && this.len > this.maxDepthReached) this.maxDepthReached = this.len;
    return this.len;
  }

  private growCandidates(atLeast: number): void {
    const size = Math.max(this.candId.length * 2, atLeast);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.candId = grow(this.candId);
    this.candActor = grow(this.candActor);
    this.candThread = grow(this.candThread);
  }
}
