/**
 * Partial-order reduction for the exhaustive search: sleep sets (Godefroid 1996) over the
 * channel-canonical state space.
 *
 * Independence. Steps of two different actors commute in this runtime: a step changes only its
 * own actor's snapshot, choice, timers and inbox head, and appends messages at the tails of
 * (sender, receiver) channels. Appending never changes which message is first from a sender,
 * nor the receiver's snapshot (which decides deferral), so each step stays enabled and does the
 * same thing after the other. Two appends into one inbox from different senders do leave the
 * inbox in different orders, but delivery is FIFO per channel, so states that differ only in
 * how senders interleave in an inbox are bisimilar: the search identifies them
 * (`ControlledWorld.canonical`), which is also where the state count goes down.
 *
 * Visibility. Monitors judge steps, and a monitor that reads other actors' state (stale-spte,
 * lockdep, sleep-in-atomic, ...) could judge a step differently after reordering. So a step is
 * also dependent with any step that writes (moves, or sends into the inbox of) an actor that a
 * monitor reads at it (`Monitor.reads`; a global monitor that does not say reads everything).
 * Steps that only `local` monitors care about are judged the same in any order. Sleep sets
 * alone keep every reachable state (so state and terminal checks stay exact) and prune
 * transitions; the state count goes down only by the channel-canonical identification.
 *
 * State caching. A state's sleep set is stored with its fingerprint. A state reached again with
 * a sleep set that is not a superset of the stored one is expanded again for the steps it had
 * slept on (the classic fix for sleep sets with a visited set); the stored set becomes the
 * intersection.
 */
import type { ControlledWorld, LocalStep } from '../runtime/controlled-world.ts';
import { actorBit, type MonitorPlan } from './monitor-plan.ts';

/** Interned sleep sets: sorted arrays of step keys; id 0 is the empty set. */
export class SleepSets {
  private readonly sets: number[][] = [[]];
  private readonly ids = new Map<string, number>([['', 0]]);

  get(id: number): readonly number[] {
    return this.sets[id];
  }

  intern(keys: number[]): number {
    if (keys.length === 0) return 0;
    keys.sort((a, b) => a - b);
    const key = keys.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(keys);
      this.ids.set(key, id);
    }
    return id;
  }

  has(id: number, key: number): boolean {
    const s = this.sets[id];
    for (let k = 0; k < s.length; k++) if (s[k] === key) return true;
    return false;
  }

  intersect(a: number, b: number): number {
    if (a === b) return a;
    if (a === 0 || b === 0) return 0;
    const sb = this.sets[b];
    return this.intern(this.sets[a].filter((k) => sb.includes(k)));
  }

  private readonly addCache = new Map<number, number>();
  private readonly keepCache = new Map<number, number>();

  /** The set a ∪ {key} (cached). */
  add(a: number, key: number): number {
    const k = a * 2_097_152 + key;
    let id = this.addCache.get(k);
    if (id === undefined) {
      id = this.has(a, key) ? a : this.intern([...this.sets[a], key]);
      this.addCache.set(k, id);
    }
    return id;
  }

  /** The members of a independent of step `key` (cached). */
  independentOf(a: number, key: number, dep: Dependence): number {
    if (a === 0) return 0;
    const k = a * 2_097_152 + key;
    let id = this.keepCache.get(k);
    if (id === undefined) {
      id = this.intern(this.sets[a].filter((x) => dep.independent(x, key)));
      this.keepCache.set(k, id);
    }
    return id;
  }

  /** Whether every key of a is in b. */
  subset(a: number, b: number): boolean {
    if (a === b || a === 0) return true;
    const sb = this.sets[b];
    return this.sets[a].every((k) => sb.includes(k));
  }
}

/**
 * Dependence between two steps, by machine transition id (a step's identity across states:
 * while a step sleeps its actor does not move, so its transition stays the same). Two steps
 * depend when they are the same actor's, or when one writes (its actor, or an inbox it sends
 * to) what a monitor reads at the other (`MonitorPlan.reads`).
 */
export class Dependence {
  private readonly actor: number[] = [];
  private readonly write: number[] = [];
  private readonly read: number[] = [];

  constructor(
    private readonly world: ControlledWorld,
    private readonly plan: MonitorPlan,
  ) {}

  /** Registers the step's transition (once) and returns its id. */
  note(ls: LocalStep): number {
    const record = ls.record ?? this.world.resolve(ls);
    const id = record.transition;
    if (this.actor[id] === undefined) {
      const t = this.world.transitions[id];
      let w = actorBit(t.actor);
      for (const s of t.sends) w |= actorBit(s.to);
      this.actor[id] = t.actor;
      this.write[id] = w;
      this.read[id] = this.plan.reads(ls);
    }
    return id;
  }

  independent(a: number, b: number): boolean {
    return (
      this.actor[a] !== this.actor[b] && (this.write[a] & this.read[b]) === 0 && (this.write[b] & this.read[a]) === 0
    );
  }
}
