/**
 * A 64-bit fingerprint of a world state (two independent 32-bit hashes), for the
 * hash-compacted visited set: Spin's hashcompact idea, 8 bytes a state.
 */
import type { WorldState } from '../runtime/controlled-world.ts';

export function fingerprint(state: WorldState, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const mix = (x: number) => {
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ (x + 0x9e3779b9), 0x85ebca6b);
    h2 ^= h2 >>> 13;
  };
  const n = state.locals.length;
  for (let i = 0; i < n; i++) {
    mix(state.locals[i]);
    mix(state.choices[i]);
    const timers = state.timers[i];
    mix(timers.length + 0x4000_0000);
    for (let k = 0; k < timers.length; k++) mix(timers[k]);
    const inbox = state.inboxes[i];
    mix(inbox.length + 0x2000_0000);
    for (let k = 0; k < inbox.length; k++) mix(inbox[k]);
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}
