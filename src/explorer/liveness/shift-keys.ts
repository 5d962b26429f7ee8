/**
 * Fingerprints of world states up to a shift of the notifier sequence numbers.
 *
 * A scenario whose invalidations recur forever never revisits a state exactly: every epoch
 * moves the core's `seq` (and the subscriptions' and readers' copies) up by two. The machines
 * only compare sequence numbers with each other (equality, order), test their parity and make
 * new ones from the newest by adding one or setting the low bit (kernel-model §1.2), so two
 * states whose sequence numbers differ by a renaming that keeps all of that behave alike, step
 * for step (data independence, Wolper 1986). The liveness graph identifies them, which makes
 * such scenarios finite; a cycle of that graph is an infinite run of the model.
 *
 * Sequence numbers are the numeric values of the fields named in `SEQ_FIELDS`, in contexts and
 * in messages (inboxes and timers). Everything else must match exactly.
 */
import type { ControlledWorld } from '../../runtime/controlled-world.ts';

/**
 * Gaps between sequence numbers kept exactly: the machines derive new numbers only from the
 * newest (`|= 1`, `+ 1`: at most 2 per epoch) and compare them by equality, order and parity,
 * so two numbers further apart than this behave alike whatever the distance.
 */
const EXACT_GAP = 4;

/** The fields that hold notifier sequence numbers (docs/protocol.md). */
export const SEQ_FIELDS = new Set(['seq', 'curSeq', 'globalSeq', 'epochSeq', 'subSeq', 'waitSeq']);

/** One actor's local situation with its sequence numbers taken out. */
interface Shape {
  /** Interned id of the situation with each sequence number replaced by a placeholder. */
  id: number;
  /** The sequence numbers, in placeholder order. */
  seqs: number[];
}

/** Writes `value` as JSON with sequence numbers replaced by `#`, collecting them into `seqs`. */
export function withoutSeqs(value: unknown, seqs: number[]): string {
  return JSON.stringify(value, (key, v) => {
    if (typeof v === 'number' && SEQ_FIELDS.has(key)) {
      seqs.push(v);
      return '#';
    }
    return v;
  });
}

export class ShiftKeys {
  private readonly shapes: Shape[][];
  private readonly ids = new Map<string, number>();
  private readonly scratch: Int32Array;
  private readonly values: number[] = [];
  private readonly renamed = new Map<number, number>();

  constructor(private readonly world: ControlledWorld) {
    this.shapes = world.actors.map(() => []);
    this.scratch = new Int32Array(world.actors.length);
  }

  private shape(actor: number, local: number): Shape {
    const known = this.shapes[actor][local];
    if (known) return known;
    const w = this.world;
    const l = w.local(actor, local);
    this.scratch[actor] = local;
    const snap = w.snapshot(w.stateOf(this.scratch), actor);
    const seqs: number[] = [];
    const text = withoutSeqs(
      {
        value: snap.value,
        status: snap.status,
        context: snap.context,
        choice: l.choice,
        inbox: l.inbox.map((m) => w.message(m)),
        timers: l.timers.map((m) => w.message(m)),
      },
      seqs,
    );
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(text, id);
    }
    const s = { id, seqs };
    this.shapes[actor][local] = s;
    return s;
  }

  /**
   * The state's fingerprint up to a renaming of its sequence numbers that keeps their order,
   * their parity and every gap of up to `EXACT_GAP`; a wider gap (a stale number left in a
   * message or a waiting reader while the epochs move on) counts as `EXACT_GAP` + 1 or + 2,
   * whichever has its parity. Into `out[0..1]`.
   */
  key(vec: Int32Array, out: Int32Array): void {
    const n = vec.length;
    const values = this.values;
    values.length = 0;
    for (let i = 0; i < n; i++) for (const v of this.shape(i, vec[i]).seqs) values.push(v);
    values.sort((a, b) => a - b);
    const renamed = this.renamed;
    renamed.clear();
    let prev = 0;
    let now = 0;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (k === 0) now = 2 + (v & 1);
      else if (v === prev) continue;
      else {
        const gap = v - prev;
        now += gap <= EXACT_GAP ? gap : EXACT_GAP + 1 + ((gap - EXACT_GAP - 1) & 1);
      }
      renamed.set(v, now);
      prev = v;
    }
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    const mix = (x: number) => {
      h1 = Math.imul(h1 ^ x, 0x9e3779b1);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ x, 0x85ebca6b) ^ 0x2c1b3c6d;
      h2 ^= h2 >>> 13;
    };
    for (let i = 0; i < n; i++) {
      const s = this.shape(i, vec[i]);
      mix(s.id);
      for (const v of s.seqs) mix(renamed.get(v)!);
    }
    out[0] = h1;
    out[1] = h2;
  }
}
