/** A world state of the controlled runtime (controlled-world.ts): a vector of local ids. */
import type { Local } from './world-types.ts';

/** What a state needs of its world: the interned local situation behind a local id. */
interface Locals {
  local(actor: number, id: number): Readonly<Local>;
}

/**
 * A world state: one local id per actor. The fields `locals`, `choices`, `timers` and
 * `inboxes` are computed views for readers off the hot path.
 *
 * @example
 * ```ts
 * import { worldFor, type WorldState } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const s: WorldState = world.initial;
 * world.snapshot(s, 'sub:gpu0').context.seq; // the subscription's sequence number
 * world.enabled(s).length; // how many steps can be taken here
 * ```
 */
export class WorldState {
  constructor(
    readonly vec: Int32Array,
    private readonly world: Locals,
  ) {}

  /** Snapshot id of each actor. */
  get locals(): Int32Array {
    return Int32Array.from(this.vec, (l, i) => this.world.local(i, l).snap);
  }

  get choices(): Int32Array {
    return Int32Array.from(this.vec, (l, i) => this.world.local(i, l).choice);
  }

  get timers(): readonly (readonly number[])[] {
    return Array.from(this.vec, (l, i) => this.world.local(i, l).timers);
  }

  get inboxes(): readonly (readonly number[])[] {
    return Array.from(this.vec, (l, i) => this.world.local(i, l).inbox);
  }
}
