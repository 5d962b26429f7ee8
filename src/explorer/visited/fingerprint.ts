/**
 * A 64-bit fingerprint of a world state (two independent 32-bit hashes), for the
 * hash-compacted visited set: Spin's hashcompact idea, 8 bytes a state.
 *
 * A world state is a vector of per-actor local ids (controlled-world.ts), each of which stands
 * for the actor's snapshot, pending choice, timers and inbox; so hashing the vector hashes all
 * of them.
 *
 * Two flavours:
 *   - `fingerprintVec`: a sequential hash of the whole vector (sampling, one-off uses);
 *   - Zobrist (`zobristVec`, `zobrist1`, `zobrist2`): the XOR over actors of a pseudo-random
 *     64-bit key per (actor, local id). A step changes only a few actors' entries, so the
 *     exhaustive search gets a child's fingerprint from its parent's by XOR-ing out the old and
 *     in the new keys of the actors that moved: O(changed actors) instead of O(actors).
 *     Within one actor the map from local id to key is a bijection (an odd multiply, an XOR,
 *     and murmur3's finaliser), and actors get unrelated seeds, so no two entries cancel by
 *     construction; collisions are as likely as for random 64-bit keys.
 */
import type { WorldState } from '../../runtime/controlled-world.ts';

export function fingerprint(state: WorldState, out: Uint32Array): void {
  fingerprintVec(state.vec, out);
}

export function fingerprintVec(vec: Int32Array, out: Uint32Array): void {
  hashEntries(0x811c9dc5, 0x9747b28c, vec, null, 0, vec.length, out);
}

/**
 * Two independent 32-bit hashes, started from (`h1`, `h2`), of `vec[picks[from + k]]` for k <
 * `count` (or of `vec[from .. from + count)` when `picks` is null), written to `out`.
 */
export function hashEntries(
  h1: number,
  h2: number,
  vec: Int32Array,
  picks: Int32Array | null,
  from: number,
  count: number,
  out: Int32Array | Uint32Array,
): void {
  for (let k = from; k < from + count; k++) {
    const x = vec[picks === null ? k : picks[k]];
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ (x + 0x9e3779b9), 0x85ebca6b);
    h2 ^= h2 >>> 13;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  out[0] = h1;
  out[1] = h2;
}

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** Per-actor seed of the first key half. */
function seed1(actor: number): number {
  return fmix(Math.imul(actor + 1, 0x27d4eb2f) ^ 0x165667b1);
}

/** Per-actor seed of the second key half (unrelated to the first). */
function seed2(actor: number): number {
  return fmix(Math.imul(actor + 1, 0x61c88647) ^ 0x7feb352d);
}

/** First 32 bits of the Zobrist key of (actor, local id); a signed 32-bit integer. */
export function zobrist1(actor: number, local: number): number {
  return fmix(Math.imul(local + 1, 0x9e3779b1) ^ seed1(actor));
}

/** Second 32 bits of the Zobrist key of (actor, local id). */
export function zobrist2(actor: number, local: number): number {
  return fmix(Math.imul(local + 1, 0x85ebca77) ^ seed2(actor));
}

/**
 * The Zobrist fingerprint of a whole vector into `out` (as signed 32-bit halves), over the keys
 * `keyOf` gives the local ids (a reduction's key, reduction/state-key.ts), or the ids themselves.
 */
export function zobristVec(vec: Int32Array, out: Int32Array, keyOf?: (actor: number, local: number) => number): void {
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < vec.length; i++) {
    const key = keyOf ? keyOf(i, vec[i]) : vec[i];
    h1 ^= zobrist1(i, key);
    h2 ^= zobrist2(i, key);
  }
  out[0] = h1;
  out[1] = h2;
}
