/**
 * What the exhaustive search's hot loop reads about local situations and local steps, kept in
 * flat typed arrays rather than read from the world's objects.
 *
 * The world (controlled-world.ts) holds a `Local` object per interned situation and a
 * `LocalStep` object per step, each with its own arrays: reading one step's next local id and
 * sends costs several dependent loads from scattered heap objects, and once a search has tens of
 * thousands of them (seq-retry 1×10: 27 k situations, 27 k steps) those loads miss the cache as
 * often as the visited table does. Here the same facts are a few integers each in arrays indexed
 * by id, filled once from the world and never changed:
 *   - per actor and local id, where its step list starts in `list` (`list[at]` is the count,
 *     the step ids follow);
 *   - per local step id, the actor's next local id, where its sends start in `sends`
 *     (`sends[at]` is 2 × the count, the (target, message) pairs follow), its fingerprint delta
 *     (d1, d2), its partial-order key, and flags (learned; no monitor will ever be called);
 *   - appending a message to a situation's inbox, in an open-addressing table keyed by (actor,
 *     local id, message), with the fingerprint delta of that change (`appendD1`, `appendD2`), so
 *     a send costs the search no key and no hash.
 * Fingerprints are over the key `keyOf` gives each local id: the id, or its channel-canonical
 * form (explorer/reduction/state-key.ts).
 */
import type { ControlledWorld, LocalStep } from '../../runtime/controlled-world.ts';
import type { ReturnFusion } from '../reduction/returns.ts';
import { zobrist1, zobrist2 } from '../visited/fingerprint.ts';

/** `flags` bits of a local step. */
export const LEARNED = 1;
export const QUIET = 2;

/** Int32 values per append-cache slot. */
const SLOT = 6;

export class StepTable {
  /** Per actor: local id → start of its step list in `list` (0: not listed yet). */
  private at: Int32Array[];
  list = new Int32Array(64);
  private listTop = 1;
  flags = new Uint8Array(64);
  next = new Int32Array(64);
  sendAt = new Int32Array(64);
  d1 = new Int32Array(64);
  d2 = new Int32Array(64);
  key = new Int32Array(64);
  /** The message the step delivers (-1: none). */
  delivers = new Int32Array(64);
  /** The step's monitor gate (`MonitorPlan.gate`) once known; 0: none, or not known yet. */
  gate = new Int32Array(64);
  /** `sends[0]` is the empty list every step without sends points at. */
  sends = new Int32Array(64);
  private sendsTop = 1;
  /** Append cache: per slot (actor + 1, local id, message, result, fingerprint delta d1, d2). */
  private appends = new Int32Array(SLOT * 64);
  private appendMask = 63;
  private appendCount = 0;

  /** The fingerprint delta of the latest `append`: XOR it into the state's two halves. */
  appendD1 = 0;
  appendD2 = 0;
  /**
   * Per actor: local id → 2 + the step taken at once in that situation (a return:
   * reduction/returns.ts), 1 when none is, 0 when not asked yet.
   */
  private takes: Int32Array[];

  /**
   * `keyOf(actor, local)`: the key the fingerprint uses for a local id (the id, or its
   * channel-canonical form: reduction/state-key.ts); `porKey(ls)`: the step's key for the reduction
   * (`Reduction.learn`, reduction/reduction.ts), or null without one.
   */
  constructor(
    private readonly world: ControlledWorld,
    private readonly keyOf: (actor: number, local: number) => number,
    private readonly porKey: ((ls: LocalStep) => number) | null,
    private readonly fusion: ReturnFusion | null = null,
  ) {
    this.at = world.actors.map(() => new Int32Array(16));
    this.takes = world.actors.map(() => new Int32Array(16));
  }

  /** Start of the step list of actor `actor` in situation `local` (listed on first use). */
  listOf(actor: number, local: number): number {
    const at = this.at[actor];
    if (local < at.length) {
      const off = at[local];
      if (off !== 0) return off;
    }
    return this.listNow(actor, local);
  }

  private listNow(actor: number, local: number): number {
    let at = this.at[actor];
    if (local >= at.length) {
      at = grow(at, local + 1);
      this.at[actor] = at;
    }
    const steps = this.world.stepsOf(actor, local);
    const off = this.listTop;
    if (off + 1 + steps.length > this.list.length) this.list = grow(this.list, off + 1 + steps.length);
    this.list[off] = steps.length;
    for (let k = 0; k < steps.length; k++) this.list[off + 1 + k] = steps[k].id;
    this.listTop = off + 1 + steps.length;
    at[local] = off;
    return off;
  }

  /** Whether the step `id` has been learned (its next, sends and deltas are filled in). */
  learned(id: number): boolean {
    return id < this.flags.length && this.flags[id] !== 0;
  }

  /** Resolves local step `id` in the world (once) and records what the search needs of it. */
  learn(id: number): void {
    const ls = this.world.localSteps[id];
    if (ls.record === null) this.world.resolve(ls);
    if (id >= this.flags.length) {
      const size = Math.max(this.flags.length * 2, id + 1);
      this.flags = grow(this.flags, size);
      this.next = grow(this.next, size);
      this.sendAt = grow(this.sendAt, size);
      this.d1 = grow(this.d1, size);
      this.d2 = grow(this.d2, size);
      this.key = grow(this.key, size);
      this.delivers = grow(this.delivers, size);
      this.gate = grow(this.gate, size);
    }
    const i = ls.actor;
    const a = this.keyOf(i, ls.from);
    const b = this.keyOf(i, ls.next);
    this.next[id] = ls.next;
    this.d1[id] = zobrist1(i, a) ^ zobrist1(i, b);
    this.d2[id] = zobrist2(i, a) ^ zobrist2(i, b);
    this.key[id] = this.porKey ? this.porKey(ls) : 0;
    this.delivers[id] = ls.record!.msg;
    const pairs = ls.sends;
    if (pairs.length === 0) {
      this.sendAt[id] = 0;
    } else {
      const off = this.sendsTop;
      if (off + 1 + pairs.length > this.sends.length) this.sends = grow(this.sends, off + 1 + pairs.length);
      this.sends[off] = pairs.length;
      this.sends.set(pairs, off + 1);
      this.sendsTop = off + 1 + pairs.length;
      this.sendAt[id] = off;
    }
    this.flags[id] = LEARNED;
  }

  /**
   * Local id of `actor`'s situation `local` with message `msg` appended to its inbox; the
   * fingerprint delta of that change goes to `appendD1`, `appendD2`.
   */
  append(actor: number, local: number, msg: number): number {
    const t = this.appends;
    const tag = actor + 1;
    let slot = appendHash(tag, local, msg) & this.appendMask;
    for (;;) {
      const p = slot * SLOT;
      const a = t[p];
      if (a === 0) break;
      if (a === tag && t[p + 1] === local && t[p + 2] === msg) {
        this.appendD1 = t[p + 4];
        this.appendD2 = t[p + 5];
        return t[p + 3];
      }
      slot = (slot + 1) & this.appendMask;
    }
    const result = this.world.append(actor, local, msg);
    const a = this.keyOf(actor, local);
    const b = this.keyOf(actor, result);
    this.appendD1 = zobrist1(actor, a) ^ zobrist1(actor, b);
    this.appendD2 = zobrist2(actor, a) ^ zobrist2(actor, b);
    this.remember(t, slot, tag, local, msg, result);
    return result;
  }

  /**
   * The step actor `actor` would take at once in situation `local`, which a message reached (a
   * return: reduction/returns.ts), learned; -1 when none. The caller takes it if it `delivers`
   * the message just sent; its delta is its own (`d1`, `d2`), its sends the caller's to make.
   */
  takeAt(actor: number, local: number): number {
    let takes = this.takes[actor];
    if (local < takes.length && takes[local] !== 0) return takes[local] - 2;
    if (local >= takes.length) {
      takes = grow(takes, local + 1);
      this.takes[actor] = takes;
    }
    const took = this.fusion === null ? -1 : this.fusion.takeNow(actor, local);
    if (took >= 0 && !this.learned(took)) this.learn(took);
    takes[local] = took + 2;
    return took;
  }

  /** Stores an append (with the delta and step just computed) at `slot` of table `t`, then grows at half load. */
  private remember(t: Int32Array, slot: number, tag: number, local: number, msg: number, result: number): void {
    const p = slot * SLOT;
    t[p] = tag;
    t[p + 1] = local;
    t[p + 2] = msg;
    t[p + 3] = result;
    t[p + 4] = this.appendD1;
    t[p + 5] = this.appendD2;
    if (++this.appendCount * 2 <= this.appendMask + 1) return;
    const mask = this.appendMask * 2 + 1;
    const more = new Int32Array((mask + 1) * SLOT);
    for (let q = 0; q < t.length; q += SLOT) {
      if (t[q] === 0) continue;
      let s = appendHash(t[q], t[q + 1], t[q + 2]) & mask;
      while (more[s * SLOT] !== 0) s = (s + 1) & mask;
      more.set(t.subarray(q, q + SLOT), s * SLOT);
    }
    this.appends = more;
    this.appendMask = mask;
  }
}

function appendHash(tag: number, local: number, msg: number): number {
  let h = Math.imul(tag, 0x9e3779b1) ^ Math.imul(local, 0x85ebca6b) ^ Math.imul(msg, 0xc2b2ae35);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

/** A copy of `a` at least `atLeast` long, doubling (the search's typed arrays grow this way). */
export function grow<T extends Int32Array | Uint8Array>(a: T, atLeast: number): T {
  let size = Math.max(a.length, 1);
  while (size < atLeast) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
