/**
 * A 64-bit fingerprint of a world state (two independent 32-bit hashes), for the
 * hash-compacted visited set: Spin's hashcompact idea, 8 bytes a state.
 *
 * A world state is a vector of per-actor local ids (controlled-world.ts), each of which stands
 * for the actor's snapshot, pending choice, timers and inbox; so hashing the vector hashes all
 * of them.
 */
import type { WorldState } from '../runtime/controlled-world.ts';

export function fingerprint(state: WorldState, out: Uint32Array): void {
  fingerprintVec(state.vec, out);
}

export function fingerprintVec(vec: Int32Array, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const n = vec.length;
  for (let i = 0; i < n; i++) {
    const x = vec[i];
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ (x + 0x9e3779b9), 0x85ebca6b);
    h2 ^= h2 >>> 13;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}
