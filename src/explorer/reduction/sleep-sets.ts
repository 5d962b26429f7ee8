/**
 * Sleep sets (Godefroid 1996) over the channel-canonical state space, as a `Reduction`
 * (reduction.ts): `reduction: 'sleep'` (`por: true`, `check --por`); the search fingerprints states
 * by their channel-canonical key (state-key.ts), as it does by default. Why steps commute, what monitors make dependent
 * and how a state's sleep set is cached with the visited set: por.ts.
 *
 * Per state, stored with its first search node (its home, which the visited set's value names,
 * times two, plus one if the sleep set is not empty: the revisit test needs no other memory when
 * it is empty): the sleep set (a `SleepArena` reference) and the expansion mark: 0 not expanded
 * yet; (sleep + 1) * 2 expanded with that sleep set; odd: expanded, but reached since with fewer
 * asleep, so due again for the steps it slept on.
 */
import type { ControlledWorld, LocalStep } from '../../runtime/controlled-world.ts';
import type { MonitorPlan } from '../search/monitor-plan.ts';
import { grow } from '../search/step-table.ts';
import type { VisitedSet } from '../visited/visited-set.ts';
import { Dependence, SleepArena } from './por.ts';
import type { Reduction } from './reduction.ts';
import type { ReturnFusion } from './returns.ts';

export class SleepSets implements Reduction {
  readonly name = 'por';
  readonly visitedValues = 1;
  private readonly dep: Dependence;
  private readonly sleeps = new SleepArena();
  private visited!: VisitedSet;
  /** Per search node: its state's home node; per home node: sleep set and expansion mark. */
  private home = new Int32Array(1 << 16);
  private sleep = new Int32Array(1 << 16);
  private mark = new Int32Array(1 << 16);
  /** The expansion begun: its sleep set, and the one an earlier expansion had (-1: none). */
  private now = 0;
  private prev = -1;
  /** This expansion's sleep set plus the steps taken so far. */
  private done = new Int32Array(64);
  private doneLen = 0;
  /** Each child's sleep set, in `kidSleep[kidSleepAt[c] .. kidSleepAt[c + 1])`. */
  private kidSleep = new Int32Array(256);
  private kidSleepAt = new Int32Array(65);
  private sleepTop = 0;
  private meet = new Int32Array(64);

  constructor(world: ControlledWorld, plan: MonitorPlan, fusion: ReturnFusion | null) {
    this.dep = new Dependence(world, plan, fusion);
  }

  learn(step: LocalStep): number {
    return this.dep.note(step);
  }

  start(visited: VisitedSet, root: number, slot: number): void {
    this.visited = visited;
    visited.setValue(slot, root * 2);
    this.home[root] = root;
  }

  begin(node: number): boolean {
    const home = this.home[node];
    const e = this.mark[home];
    this.prev = -1;
    if (e !== 0) {
      if ((e & 1) === 0) return false; // already expanded with its current sleep set
      this.prev = (e >> 1) - 1;
    }
    const sleep = this.sleep[home];
    this.now = sleep;
    this.mark[home] = (sleep + 1) * 2;
    const size = this.sleeps.size(sleep);
    if (this.done.length < size + 64) this.done = new Int32Array((size + 64) * 2);
    this.doneLen = this.sleeps.read(sleep, this.done);
    return true;
  }

  get repeat(): boolean {
    return this.prev >= 0;
  }

  prepare(count: number): void {
    const doneLen = this.doneLen;
    if (this.done.length < doneLen + count) {
      const more = new Int32Array((doneLen + count) * 2);
      more.set(this.done);
      this.done = more;
    }
    if (this.kidSleep.length < count * (doneLen + count)) this.kidSleep = new Int32Array(count * (doneLen + count) * 2);
    if (this.kidSleepAt.length < count + 1) this.kidSleepAt = new Int32Array((count + 1) * 2);
    this.sleepTop = 0;
  }

  take(key: number, kid: number): boolean {
    const sleeps = this.sleeps;
    if (sleeps.has(this.now, key)) return false;
    if (this.prev >= 0 && !sleeps.has(this.prev, key)) return false;
    // The child's sleep set: what sleeps here or was done before, and commutes with this step.
    const done = this.done;
    const kidSleep = this.kidSleep;
    let top = this.sleepTop;
    this.kidSleepAt[kid] = top;
    for (let d = 0; d < this.doneLen; d++) if (this.dep.independent(done[d], key)) kidSleep[top++] = done[d];
    this.sleepTop = top;
    done[this.doneLen++] = key;
    return true;
  }

  end(kids: number): void {
    this.kidSleepAt[kids] = this.sleepTop;
  }

  fresh(kid: number, child: number, slot: number): void {
    const from = this.kidSleepAt[kid];
    const asleep = this.sleeps.store(this.kidSleep, from, this.kidSleepAt[kid + 1] - from);
    this.visited.setValue(slot, child * 2 + (asleep === 0 ? 0 : 1));
    this.room(child);
    this.home[child] = child;
    this.sleep[child] = asleep;
    this.mark[child] = 0;
  }

  seen(kid: number, slot: number): number {
    const v = this.visited.value(slot);
    const h = v >> 1;
    const sleeps = this.sleeps;
    const was = (v & 1) === 0 ? 0 : this.sleep[h];
    const from = this.kidSleepAt[kid];
    const len = this.kidSleepAt[kid + 1] - from;
    if (sleeps.subsetOf(was, this.kidSleep, from, len)) return -1;
    if (this.meet.length < sleeps.size(was)) this.meet = new Int32Array(sleeps.size(was) * 2);
    const meets = sleeps.intersect(was, this.kidSleep, from, len, this.meet);
    this.sleep[h] = meets;
    if (meets === 0) this.visited.setValue(slot, h * 2);
    const e = this.mark[h];
    // Expanded before with more asleep: expand again for the steps it slept on.
    if (e !== 0 && (e & 1) === 0) {
      this.mark[h] = e | 1;
      return h;
    }
    return -1;
  }

  link(again: number, home: number): void {
    this.room(again);
    this.home[again] = home;
  }

  /** Grows the per-node arrays to hold node `node`. */
  private room(node: number): void {
    if (node < this.home.length) return;
    this.home = grow(this.home, node + 1);
    this.sleep = grow(this.sleep, node + 1);
    this.mark = grow(this.mark, node + 1);
  }
}
