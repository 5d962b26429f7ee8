/**
 * Fingerprints of world states up to a shift of the notifier sequence numbers.
 *
 * A scenario whose invalidations recur forever never revisits a state exactly: every epoch
 * moves the core's `seq` (and the subscriptions' and readers' copies) up by two. The machines
 * only compare sequence numbers with each other (equality, order), test their parity and make
 * new ones from the newest by adding one or setting the low bit (docs/kernel-semantics.md §1.2), so two
 * states whose sequence numbers differ by a renaming that keeps all of that behave alike, step
 * for step (data independence, Wolper 1986). The liveness graph identifies them, which makes
 * such scenarios finite; a cycle of that graph is an infinite run of the model.
 *
 * Sequence numbers are the numeric values of the fields named in `SEQ_FIELDS`, in contexts and
 * in messages (inboxes, timers, and the calls a chained message or a pending choice holds back:
 * delivery.ts). Everything else, the messages' threads of control included, must match exactly.
 */
import type { ControlledWorld } from '../../runtime/controlled-world.ts';
import type { Append } from '../../runtime/world-types.ts';
import { withoutSeqs } from './seq-free-json.ts';

export { SEQ_FIELDS, withoutSeqs } from './seq-free-json.ts';

/**
 * Gaps between sequence numbers kept exactly: the machines derive new numbers only from the
 * newest (`|= 1`, `+ 1`: at most 2 per epoch) and compare them by equality, order and parity,
 * so two numbers further apart than this behave alike whatever the distance.
 */
const EXACT_GAP = 4;

export class ShiftKeys {
  /** Per actor: local id → 1 + index of its shape (0: not computed yet). */
  private readonly shapeOf: Int32Array[];
  /** Per shape: interned id of its text, and where its sequence numbers sit in `pool`. */
  private shapeId = new Int32Array(256);
  private seqAt = new Int32Array(257);
  private pool = new Int32Array(1024);
  private shapes = 0;
  private readonly ids = new Map<string, number>();
  private readonly scratch: Int32Array;
  /**
   * The parts of a local situation, each written out once: per actor by snapshot id, and by
   * message and choice id. An id always names the same interned object, which nothing edits.
   */
  private readonly snapshotParts: Part[][];
  private readonly messageParts: Part[] = [];
  private readonly choiceParts: Part[] = [];
  private readonly partIds = new Map<string, number>();
  /** This state's sequence numbers, then sorted and distinct (`distinct`), with their new names. */
  private values = new Int32Array(64);
  private distinct = new Int32Array(64);
  private renamed = new Int32Array(64);

  constructor(protected readonly world: ControlledWorld) {
    this.shapeOf = world.actors.map(() => new Int32Array(64));
    this.scratch = new Int32Array(world.actors.length);
    this.snapshotParts = world.actors.map(() => []);
  }

  /** Index of the shape of actor `actor`'s local situation `local`. */
  private shape(actor: number, local: number): number {
    let of = this.shapeOf[actor];
    if (local >= of.length) {
      const more = new Int32Array(Math.max(local + 1, of.length * 2));
      more.set(of);
      this.shapeOf[actor] = of = more;
    }
    if (of[local] !== 0) return of[local] - 1;
    const { text, seqs } = this.situation(actor, local);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(text, id);
    }
    const k = this.shapes++;
    if (k + 1 >= this.shapeId.length) {
      this.shapeId = grown(this.shapeId, k + 2);
      this.seqAt = grown(this.seqAt, k + 3);
    }
    const at = this.seqAt[k];
    if (at + seqs.length > this.pool.length) this.pool = grown(this.pool, at + seqs.length);
    this.pool.set(seqs, at);
    this.shapeId[k] = id;
    this.seqAt[k + 1] = at + seqs.length;
    of[local] = k + 1;
    return k;
  }

  /**
   * Local situation `local` of actor `actor` with its sequence numbers taken out: a text equal
   * exactly when the situations are equal up to those numbers, and the numbers in a fixed order.
   * That is the JSON of value, status, context, choice, inbox and timers; as the JSON of an
   * object is its members' JSON in a fixed frame, the ids of the members' texts do as well,
   * and each part is written once.
   */
  protected situation(actor: number, local: number): { text: string; seqs: number[] } {
    const l = this.world.local(actor, local);
    const snap = this.snapshotPart(actor, l.snap, local);
    const choice = this.choicePart(actor, l.choice, local);
    const inbox = l.inbox.map((m) => this.messagePart(m));
    const timers = l.timers.map((m) => this.messagePart(m));
    return {
      text: `${snap.id}|${choice.id}|${inbox.map((p) => p.id).join(',')}|${timers.map((p) => p.id).join(',')}`,
      seqs: snap.seqs.concat(choice.seqs, ...inbox.map((p) => p.seqs), ...timers.map((p) => p.seqs)),
    };
  }

  /** Value, status and context of actor `actor`'s snapshot `snap`, where situation `local` has it. */
  private snapshotPart(actor: number, snap: number, local: number): Part {
    let p = this.snapshotParts[actor][snap];
    if (p === undefined) {
      this.scratch[actor] = local;
      const s = this.world.snapshot(this.world.stateOf(this.scratch), actor);
      this.snapshotParts[actor][snap] = p = this.part({ value: s.value, status: s.status, context: s.context });
    }
    return p;
  }

  /** Pending choice `id` (0: none) of situation `local` of actor `actor`. */
  private choicePart(actor: number, id: number, local: number): Part {
    let p = this.choiceParts[id];
    if (p === undefined) {
      const choice = this.world.choiceOfLocal(actor, local);
      this.choiceParts[id] = p = this.part(choice && { ...choice, next: this.chainOf(choice.next) });
    }
    return p;
  }

  private messagePart(id: number): Part {
    let p = this.messageParts[id];
    if (p === undefined) this.messageParts[id] = p = this.part(this.spelled(id));
    return p;
  }

  private part(value: unknown): Part {
    const seqs: number[] = [];
    const text = withoutSeqs(value, seqs);
    let id = this.partIds.get(text);
    if (id === undefined) {
      id = this.partIds.size;
      this.partIds.set(text, id);
    }
    return { id, seqs };
  }

  /**
   * Message `id` written out with the rest of its chain (delivery.ts): a chained message names
   * the calls that follow it by interned id, and ids differ wherever the sequence numbers in
   * those calls do, so the chain is spelled out for its numbers to be renamed with the rest.
   */
  protected spelled(id: number): unknown {
    const m = this.world.message(id);
    return m.next ? { ...m, next: this.chainOf(m.next) } : m;
  }

  protected chainOf(next: readonly Append[] | undefined): unknown {
    return next?.map((a) => ({ to: a.to, msg: this.spelled(a.msg) }));
  }

  /**
   * The state's fingerprint up to a renaming of its sequence numbers that keeps their order,
   * their parity and every gap of up to `EXACT_GAP`; a wider gap (a stale number left in a
   * message or a waiting reader while the epochs move on) counts as `EXACT_GAP` + 1 or + 2,
   * whichever has its parity. Into `out[0..1]`.
   */
  key(vec: Int32Array, out: Int32Array): void {
    const n = vec.length;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const k = this.shape(i, vec[i]);
      const to = this.seqAt[k + 1];
      if (m + to - this.seqAt[k] > this.values.length) this.values = grown(this.values, m + to - this.seqAt[k]);
      for (let p = this.seqAt[k]; p < to; p++) this.values[m++] = this.pool[p];
    }
    if (m > this.distinct.length) {
      this.distinct = grown(this.distinct, m);
      this.renamed = grown(this.renamed, m);
    }
    // Insertion sort (a state holds a handful of sequence numbers), keeping distinct values.
    const d = this.distinct;
    let dn = 0;
    for (let j = 0; j < m; j++) {
      const v = this.values[j];
      let p = dn;
      while (p > 0 && d[p - 1] > v) p--;
      if (p > 0 && d[p - 1] === v) continue;
      d.copyWithin(p + 1, p, dn);
      d[p] = v;
      dn++;
    }
    const r = this.renamed;
    for (let j = 0; j < dn; j++) {
      if (j === 0) r[0] = 2 + (d[0] & 1);
      else {
        const gap = d[j] - d[j - 1];
        r[j] = r[j - 1] + (gap <= EXACT_GAP ? gap : EXACT_GAP + 1 + ((gap - EXACT_GAP - 1) & 1));
      }
    }
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < n; i++) {
      const k = this.shapeOf[i][vec[i]] - 1;
      let x = this.shapeId[k] * 31 + i;
      for (let p = this.seqAt[k], to = this.seqAt[k + 1]; ; p++) {
        h1 = Math.imul(h1 ^ x, 0x9e3779b1);
        h1 ^= h1 >>> 15;
        h2 = Math.imul(h2 ^ x, 0x85ebca6b) ^ 0x2c1b3c6d;
        h2 ^= h2 >>> 13;
        if (p >= to) break;
        const v = this.pool[p];
        let lo = 0;
        while (d[lo] !== v) lo++;
        x = r[lo];
      }
    }
    out[0] = h1;
    out[1] = h2;
  }
}

/** A part of a local situation: the id of its text with sequence numbers taken out, and those. */
interface Part {
  id: number;
  seqs: number[];
}

function grown(a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
}
