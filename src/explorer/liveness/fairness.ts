/**
 * Fairness units: what a fair scheduler must not neglect forever. A unit is one channel into
 * one actor (the messages from one sender, and from one thread of control of a concurrent
 * sender such as a driver, taken in order: src/runtime/delivery.ts), one actor's timers, or one actor's
 * pending choice. A step belongs to exactly one unit; a unit is enabled in a state when one of
 * its steps is. Spin's weak fairness (`-f`) is per process; channels are the finer grain here,
 * since one actor serves several threads of control (the mm serves every thread's requests).
 */
import type { ControlledWorld, LocalStep } from '../../runtime/controlled-world.ts';

export class FairnessUnits {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private unitOfStep = new Int32Array(256).fill(-1);
  private readonly enabledCache: Int32Array[][];

  constructor(private readonly world: ControlledWorld) {
    this.enabledCache = world.actors.map(() => []);
  }

  /** The unit of local step `id`. */
  unit(id: number): number {
    if (id >= this.unitOfStep.length) {
      const more = new Int32Array(Math.max(id + 1, this.unitOfStep.length * 2)).fill(-1);
      more.set(this.unitOfStep);
      this.unitOfStep = more;
    }
    let u = this.unitOfStep[id];
    if (u < 0) {
      u = this.intern(this.nameOf(this.world.localSteps[id]));
      this.unitOfStep[id] = u;
    }
    return u;
  }

  /** Readable name of a unit, e.g. `mm:p1 ← drv:gpu0`. */
  name(unit: number): string {
    return this.names[unit];
  }

  /** The units enabled in the state `vec`, each once. */
  enabled(vec: Int32Array, into: Set<number>): void {
    for (let i = 0; i < vec.length; i++) for (const u of this.enabledOf(i, vec[i])) into.add(u);
  }

  /** Whether unit `u` is enabled in the state `vec`. */
  isEnabled(vec: Int32Array, u: number): boolean {
    for (let i = 0; i < vec.length; i++) if (this.enabledOf(i, vec[i]).includes(u)) return true;
    return false;
  }

  private enabledOf(actor: number, local: number): Int32Array {
    const known = this.enabledCache[actor][local];
    if (known) return known;
    const units = [...new Set(this.world.stepsOf(actor, local).map((ls) => this.unit(ls.id)))];
    const list = Int32Array.from(units);
    this.enabledCache[actor][local] = list;
    return list;
  }

  private nameOf(ls: LocalStep): string {
    const record = ls.record ?? this.world.resolve(ls);
    const actor = this.world.actors[ls.actor].id;
    if (ls.step.kind === 'deliver') {
      // The channel the message came by (delivery.ts): per sender, and per thread of control
      // for a concurrent sender (a driver) unless the message was posted to a device's ring.
      const m = record.message;
      const sender = this.world.index.get(m.from);
      const perThread = sender !== undefined && this.world.actors[sender].concurrent === true && !m.ring;
      return perThread ? `${actor} ← ${m.from} (${m.thread})` : `${actor} ← ${m.from}`;
    }
    return `${actor} ${ls.step.kind}`;
  }

  private intern(name: string): number {
    let u = this.ids.get(name);
    if (u === undefined) {
      u = this.names.length;
      this.ids.set(name, u);
      this.names.push(name);
    }
    return u;
  }
}
