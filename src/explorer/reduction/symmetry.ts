/**
 * Symmetry reduction (issue 12 item 2; `symmetry: true`, `--symmetry`): identical replicas are
 * interchangeable, so the visited set keys each state by a canonical member of its orbit under
 * the replica permutations (Emerson & Sistla 1996, "Symmetry and model checking"; Ip & Dill
 * 1996, "Better verification through symmetry").
 *
 * Why it is sound. If a permutation π of actor identities maps the transition relation onto
 * itself (σ → σ' iff π(σ) → π(σ')) and every monitor judges π-images alike, then the states
 * reachable from a π-fixed start are closed under π, and a search that visits one state per
 * orbit reaches a state of every reachable orbit: the same violation kinds. Only the visited-set
 * KEY is canonical; the search keeps the concrete state it reached, so every stored trace is a
 * concrete schedule of the full semantics (it replays as is; no inverse permutations to apply).
 *
 * What π does to a state: every string that names a replica (a whole `:`-separated part, as in
 * dev:gpu0 or thread:drv0) is renamed, in snapshots (context and value, object keys included),
 * messages (sender, thread, payload, and the chain's targets and messages), pending choices and
 * timers; the actor's local situation goes to the image actor's slot, re-interned there. Lists
 * keep their order: an order that is part of the state (the notifier core's subscription list,
 * walked in registration order) is renamed with it, which is what makes π act on the whole state.
 * The exception is a set a machine keeps sorted by name (`SORTED_SETS`): its image is sorted again.
 *
 * What is checked, since a renaming that misses an identity or a machine that compares names
 * would make the reduction unsound (never silently):
 *   - the group is the permutations (symmetry-group.ts) that fix the start state (a planted bug
 *     or a parameter on one replica only, a list that orders the replicas: refused with the
 *     actor whose state differs);
 *   - every monitor is one this checker ships and knows to judge actors by role, not name;
 *     lockdep's order graph, which spans schedules, is closed under the group at the end
 *     (`closeLockOrder`), with each image edge's witness renamed (still a concrete schedule);
 *   - for every local situation renamed, its image has the same enabled steps; for every local
 *     step the search takes, its image from the renamed situation has the renamed next
 *     situation, sends and observations (machines run on the images: twice the XState work at
 *     most, once per distinct local step). A string naming a replica inside a longer word, or a
 *     value the renaming cannot copy, also fails. A failure throws `SymmetryRefused`, and
 *     exhaustiveSearch runs again without symmetry, saying why in `stats.symmetry.refused`.
 * Sleep sets keep per-state step sets a permutation does not rename: with `por` it is refused.
 *
 * The canonical key of a state is the Zobrist fingerprint of the lexicographically least image
 * vector over the group; with at most 5 replicas every permutation is tried (5! = 120).
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { defaultMonitors } from '../../monitors/index.ts';
import { LockdepMonitor, type LockOrderEdge } from '../../monitors/lockdep.ts';
import type { Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld, LocalStep, Message, WorldState } from '../../runtime/controlled-world.ts';
import type { PendingChoice } from '../../runtime/interning.ts';
import { zobrist1, zobrist2 } from '../visited/fingerprint.ts';
import {
  permutations,
  type Renaming,
  renameName,
  renamingOf,
  replicaBlock,
  SymmetryRefused,
} from './symmetry-group.ts';

export { SymmetryRefused } from './symmetry-group.ts';

/**
 * What symmetry did in a search (`stats.symmetry`): the group used (its order and the actors it
 * moves), or why none was.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type SymmetryStats, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/bench/seq-retry.yaml', undefined, { ndrv: 2, rounds: 1 });
 * const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), symmetry: true });
 * const sym: SymmetryStats | undefined = r.stats.symmetry;
 * if (sym && 'refused' in sym) console.log(sym.refused); // the notifier's subscription order breaks it
 * ```
 */
export type SymmetryStats = { group: number; actors: string[] } | { refused: string };

/** Monitors this checker ships, which find actors by role (topology.ts), never by name. */
const SYMMETRIC_MONITORS = new Set(defaultMonitors().map((m) => m.name));

/** One permutation: its renaming and the images computed so far (lazily, then cached). */
class Image {
  /** Per actor: local id → 1 + the image's local id (in the image actor), 0 when not computed yet. */
  readonly locals: Int32Array[];
  /** Per actor: snapshot id → the image's snapshot id, or undefined. */
  readonly snaps: (number | undefined)[][];
  /** The inverse permutation: image actor → the actor it is the image of. */
  readonly from: Int32Array;
  readonly msgs: (number | undefined)[] = [];
  private readonly strings = new Map<string, string>();
  private readonly word: RegExp;

  constructor(
    readonly r: Renaming,
    actors: number,
  ) {
    this.locals = Array.from({ length: actors }, () => new Int32Array(64));
    this.from = new Int32Array(actors);
    r.actors.forEach((j, i) => {
      this.from[j] = i;
    });
    this.snaps = Array.from({ length: actors }, () => []);
    // Any replica name standing as a word, to catch one the part-wise renaming would miss.
    const names = [...r.names.keys()].sort((a, b) => b.length - a.length);
    this.word = new RegExp(`(^|[^A-Za-z0-9_])(${names.join('|')})(?![A-Za-z0-9_])`);
  }

  str(s: string): string {
    let out = this.strings.get(s);
    if (out === undefined) {
      out = renameName(s, this.r.names);
      for (const part of s.split(':'))
        if (!this.r.names.has(part) && this.word.test(part))
          throw new SymmetryRefused(
            `'${s}' names a replica inside a longer word, which the renaming (whole ':'-separated names) would miss`,
          );
      this.strings.set(s, out);
    }
    return out;
  }

  /** A JSON-like value with every string renamed (object keys too, in their order). */
  value<T>(v: T): T {
    if (typeof v === 'string') return this.str(v) as T;
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new SymmetryRefused(
        `a ${proto?.constructor?.name ?? 'non-plain'} object in a state, which the renaming cannot copy`,
      );
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[this.str(k)] = this.value(x);
    return out as T;
  }
}

/** The symmetry of one search: canonical keys, the checks, and lockdep's closure. */
export class Symmetry {
  private readonly images: Image[];
  private readonly n: number;
  /** Scratch: a state being keyed, an image of it, the least image so far. */
  private readonly vec: Int32Array;
  private readonly img: Int32Array;
  private readonly best: Int32Array;
  /** A state whose one entry `probe` sets, to read a local situation's snapshot. */
  private readonly probe: Int32Array;
  private readonly probeState: WorldState;
  /** Local steps checked against their images (by local step id). */
  private checked = new Uint8Array(1024);
  private readonly out = new Int32Array(2);
  private readonly keyOf: (actor: number, local: number) => number;
  /** Keys are the local ids themselves (no reduction): the hot loop skips `keyOf`. */
  private readonly identity: boolean;

  constructor(
    private readonly world: ControlledWorld,
    renamings: Renaming[],
    /** The key the search hashes a local id by (a reduction's canonical form), or null for the id itself. */
    keyOf: ((actor: number, local: number) => number) | null,
  ) {
    this.identity = keyOf === null;
    this.keyOf = keyOf ?? ((_i, l) => l);
    const n = world.actors.length;
    this.n = n;
    this.images = renamings.map((r) => new Image(r, n));
    this.vec = new Int32Array(n);
    this.img = new Int32Array(n);
    this.best = new Int32Array(n);
    this.probe = new Int32Array(n);
    this.probeState = world.stateOf(this.probe);
  }

  /** The group's order (the identity included). */
  get order(): number {
    return this.images.length + 1;
  }

  /** The actors some permutation moves. */
  get moved(): string[] {
    const ids = this.world.actors.map((a) => a.id);
    return ids.filter((_, i) => this.images.some((im) => im.r.actors[i] !== i));
  }

  /** The image of actor `i`'s local situation `l` under the `k`-th permutation. */
  imageOf(k: number, i: number, l: number): number {
    return this.local(this.images[k], i, l);
  }

  /** The image of actor `i`'s local situation `l` under `im` (a local id of the image actor). */
  private local(im: Image, i: number, l: number): number {
    const cache = im.locals[i];
    if (l < cache.length && cache[l] !== 0) return cache[l] - 1;
    const { world } = this;
    const j = im.r.actors[i];
    const loc = world.local(i, l);
    const choice = world.choiceOfLocal(i, l);
    const id = world.internLocal(
      j,
      this.snap(im, i, l, loc.snap),
      choice ? this.choice(im, choice) : null,
      loc.timers.map((m) => this.msg(im, m)),
      loc.inbox.map((m) => this.msg(im, m)),
    );
    if (l >= cache.length) {
      const more = new Int32Array(Math.max(cache.length * 2, l + 1));
      more.set(cache);
      im.locals[i] = more;
    }
    im.locals[i][l] = id + 1;
    this.sameSteps(im, i, l, j, id);
    return id;
  }

  /** The image of actor `i`'s snapshot `snap` (of its local situation `l`), as a snapshot id of the image actor. */
  private snap(im: Image, i: number, l: number, snap: number): number {
    const known = im.snaps[i][snap];
    if (known !== undefined) return known;
    this.probe[i] = l;
    const s = this.world.snapshot(this.probeState, i);
    const context = resorted(this.world.actors[i].machine.id, im.value(s.context));
    const image = { ...s, value: im.value(s.value), context } as AnyMachineSnapshot;
    const id = this.world.internSnapshot(im.r.actors[i], image);
    im.snaps[i][snap] = id;
    return id;
  }

  private choice(im: Image, c: PendingChoice): PendingChoice {
    const { next, ...rest } = c;
    const out = im.value(rest) as PendingChoice;
    return next ? { ...out, next: next.map((a) => ({ to: im.r.actors[a.to], msg: this.msg(im, a.msg) })) } : out;
  }

  private msg(im: Image, m: number): number {
    const known = im.msgs[m];
    if (known !== undefined) return known;
    const { next, ...rest } = this.world.message(m);
    const renamed = im.value(rest) as Message;
    const image: Message = next
      ? { ...renamed, next: next.map((a) => ({ to: im.r.actors[a.to], msg: this.msg(im, a.msg) })) }
      : renamed;
    const id = this.world.internMessage(image);
    im.msgs[m] = id;
    return id;
  }

  /** The image of a situation must offer the same steps (deliveries by inbox index, timers, options). */
  private sameSteps(im: Image, i: number, l: number, j: number, image: number): void {
    const a = this.world.stepsOf(i, l);
    const b = this.world.stepsOf(j, image);
    const same =
      a.length === b.length && a.every((s, k) => s.step.kind === b[k].step.kind && stepIndex(s) === stepIndex(b[k]));
    if (!same)
      throw new SymmetryRefused(
        `${this.world.actors[i].id} and its image ${this.world.actors[j].id} under ${im.r.label} offer different steps`,
      );
  }

  /** A step the search takes must commute with every permutation: same next situation, sends and observations. */
  private check(ls: LocalStep): void {
    if (ls.id < this.checked.length && this.checked[ls.id] === 1) return;
    const { world } = this;
    const record = ls.record ?? world.resolve(ls);
    for (const im of this.images) {
      const j = im.r.actors[ls.actor];
      const from = this.local(im, ls.actor, ls.from);
      const mirror = world.stepsOf(j, from).find((s) => s.step.kind === ls.step.kind && stepIndex(s) === stepIndex(ls));
      const image = mirror && (mirror.record ?? world.resolve(mirror));
      let same =
        mirror !== undefined &&
        image !== undefined &&
        mirror.next === this.local(im, ls.actor, ls.next) &&
        mirror.sends.length === ls.sends.length &&
        image.policy === record.policy &&
        JSON.stringify(im.value(record.observations)) === JSON.stringify(image.observations);
      for (let k = 0; same && k < ls.sends.length; k += 2)
        same = mirror!.sends[k] === im.r.actors[ls.sends[k]] && mirror!.sends[k + 1] === this.msg(im, ls.sends[k + 1]);
      if (!same) {
        const event = (record.message.event as EventObject).type;
        throw new SymmetryRefused(
          `${record.actor}'s step ${event} does not commute with ${im.r.label}: its image from the renamed state does something else`,
        );
      }
    }
    if (ls.id >= this.checked.length) {
      const more = new Uint8Array(Math.max(this.checked.length * 2, ls.id + 1));
      more.set(this.checked);
      this.checked = more;
    }
    this.checked[ls.id] = 1;
  }

  /** Writes into `out[at], out[at + 1]` the fingerprint of the least image of `vec` (which it may not keep). */
  key(vec: Int32Array, out: Int32Array, at: number): void {
    const { n, img, best, keyOf, identity } = this;
    for (let i = 0; i < n; i++) best[i] = identity ? vec[i] : keyOf(i, vec[i]);
    // The image's entry j is the image of actor from[j]: build it in index order and drop the
    // permutation at the first entry where it is already greater than the least so far.
    for (const im of this.images) {
      const from = im.from;
      let smaller = false;
      let j = 0;
      for (; j < n; j++) {
        const i = from[j];
        const cache = im.locals[i];
        const l = vec[i];
        const known = l < cache.length ? cache[l] - 1 : -1;
        let v = known >= 0 ? known : this.local(im, i, l);
        if (!identity) v = keyOf(j, v);
        if (!smaller) {
          if (v > best[j]) break;
          if (v < best[j]) smaller = true;
        }
        img[j] = v;
      }
      if (smaller && j === n) best.set(img);
    }
    let h1 = 0;
    let h2 = 0;
    for (let i = 0; i < n; i++) {
      h1 ^= zobrist1(i, best[i]);
      h2 ^= zobrist2(i, best[i]);
    }
    out[at] = h1;
    out[at + 1] = h2;
  }

  /** The root's fingerprint. */
  rootKey(vec: Int32Array): [number, number] {
    this.key(vec, this.out, 0);
    return [this.out[0], this.out[1]];
  }

  /**
   * Children of the state `cur` being expanded, each the (actor, local id) pairs
   * `changes[kidAt[c] .. kidAt[c + 1])` reached by local step `kidStep[c]` and the returns taken
   * with it, `took[tookAt[c] .. tookAt[c + 1])`: checks each of those steps against its images
   * and overwrites the child's fingerprint `kidFp[2c ..]` with its canonical one.
   */
  rekey(
    cur: Int32Array,
    changes: Int32Array,
    kidAt: Int32Array,
    kidFp: Int32Array,
    kidStep: Int32Array,
    kids: number,
    took: Int32Array,
    tookAt: Int32Array,
  ): void {
    const { vec, n } = this;
    const steps = this.world.localSteps;
    // The state being expanded: every actor's image is computed (and so its steps compared with
    // its image's, `sameSteps`), which `key` may skip when it drops a permutation early.
    for (const im of this.images) for (let i = 0; i < n; i++) this.local(im, i, cur[i]);
    for (let c = 0; c < kids; c++) {
      this.check(steps[kidStep[c]]);
      for (let k = tookAt[c]; k < tookAt[c + 1]; k++) this.check(steps[took[k]]);
      for (let i = 0; i < n; i++) vec[i] = cur[i];
      for (let k = kidAt[c]; k < kidAt[c + 1]; k += 2) vec[changes[k]] = changes[k + 1];
      this.key(vec, kidFp, c * 2);
    }
  }

  /**
   * Lockdep's order graph spans schedules: an edge a reduced search showed stands for its images
   * too (their schedules are the renamed witness, concrete schedules of the full semantics), so
   * add them before the graph is judged.
   */
  closeLockOrder(monitors: readonly Monitor[]): void {
    for (const m of monitors) {
      if (!(m instanceof LockdepMonitor)) continue;
      const shown = m.shown();
      for (const im of this.images)
        for (const e of shown) {
          const image: LockOrderEdge = {
            ...e,
            from: im.str(e.from),
            to: im.str(e.to),
            tid: im.str(e.tid),
            witness: e.witness.map((s) => im.value(s)),
            ...(e.by !== undefined ? { by: im.str(e.by) } : {}),
          };
          m.note(image);
        }
    }
  }
}

/**
 * Sets the kernel machines keep sorted by name, so that equal sets are equal states: the notifier
 * core's `started` (tids inside an invalidation, machines/notifier-core-steps.ts) and a lock's
 * `holders` (by tid, machines/pt-lock.machine.ts). Renamed, such a set comes out of order; its
 * image is the renamed set sorted again, as the machine itself would keep it. (A list that is not
 * a set keeps its order: re-sorting it would be no image at all, and the step check would refuse.)
 */
const SORTED_SETS: Record<string, { field: string; by?: string }[]> = {
  notifierCore: [{ field: 'started' }],
  ptLock: [{ field: 'holders', by: 'tid' }],
};

/** The context with its sorted-set fields sorted, as a new object (the given one is left as it is). */
function resorted<T>(machine: string, context: T): T {
  const sets = SORTED_SETS[machine];
  if (!sets || context === null || typeof context !== 'object') return context;
  let out: Record<string, unknown> | null = null;
  for (const { field, by } of sets) {
    const list = (context as Record<string, unknown>)[field];
    if (!Array.isArray(list) || list.length < 2) continue;
    const name = (x: unknown) => String(by === undefined ? x : (x as Record<string, unknown>)[by]);
    out ??= { ...(context as Record<string, unknown>) };
    out[field] = [...list].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  }
  return (out ?? context) as T;
}

function stepIndex(ls: LocalStep): number {
  return ls.step.kind === 'choose' ? ls.step.option : ls.step.index;
}

/**
 * The symmetry a search asked for (`symmetry: true`), or why there is none. `start` is the state
 * the search starts from; `keyOf` the key it hashes local ids by (null: the ids); `sleepSets` whether a reduction
 * keeps per-state step sets.
 */
export function symmetryFor(
  world: ControlledWorld,
  opts: { symmetry?: boolean; monitors: readonly Monitor[] },
  start: WorldState,
  keyOf: ((actor: number, local: number) => number) | null,
  sleepSets: boolean,
): { symmetry: Symmetry | null; stats?: SymmetryStats } {
  if (opts.symmetry !== true) return { symmetry: null };
  const refuse = (why: string) => ({ symmetry: null, stats: { refused: why } });
  if (sleepSets) return refuse('sleep sets keep per-state step sets that a permutation does not rename: drop --por');
  const odd = opts.monitors.find((m) => !SYMMETRIC_MONITORS.has(m.name));
  if (odd) return refuse(`monitor '${odd.name}' is not one known to judge replicas alike`);
  const ids = world.actors.map((a) => a.id);
  const block = replicaBlock(ids);
  if (typeof block === 'string') return refuse(block);
  const renamings: Renaming[] = [];
  let why = '';
  try {
    for (const perm of permutations(block.count)) {
      const r = renamingOf(block, perm, ids);
      if (typeof r === 'string') return refuse(r);
      const bad = r.actors.findIndex((j, i) => !alike(world, i, j));
      if (bad >= 0) return refuse(`${ids[bad]} and its image ${ids[r.actors[bad]]} are different kinds of actor`);
      const moved = fixes(world, r, start, keyOf);
      if (moved === null) renamings.push(r);
      else why ||= `${r.label} does not fix the start state: ${moved}`;
    }
  } catch (e) {
    if (e instanceof SymmetryRefused) return refuse(e.message);
    throw e;
  }
  if (renamings.length === 0) return refuse(why);
  const symmetry = new Symmetry(world, renamings, keyOf);
  return { symmetry, stats: { group: symmetry.order, actors: symmetry.moved } };
}

/** Same machine, same delivery (a driver's threads of control, a device's ring). */
function alike(world: ControlledWorld, i: number, j: number): boolean {
  const a = world.actors[i];
  const b = world.actors[j];
  return a.machine === b.machine && !!a.concurrent === !!b.concurrent && !!a.asynchronous === !!b.asynchronous;
}

/** null when `r` maps the start state onto itself, else what differs (the first actor, and the field). */
function fixes(
  world: ControlledWorld,
  r: Renaming,
  start: WorldState,
  keyOf: ((actor: number, local: number) => number) | null,
): string | null {
  const probe = new Symmetry(world, [r], keyOf);
  const key = keyOf ?? ((_i: number, l: number) => l);
  const image = new Int32Array(start.vec.length);
  const to = r.actors;
  for (let i = 0; i < image.length; i++) image[to[i]] = probe.imageOf(0, i, start.vec[i]);
  const j = image.findIndex((l, k) => key(k, l) !== key(k, start.vec[k]));
  if (j < 0) return null;
  const mine = world.snapshot(start, j).context as Record<string, unknown>;
  const theirs = world.snapshot(world.stateOf(image), j).context as Record<string, unknown>;
  const field = Object.keys(mine).find((k) => JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]));
  const what = field
    ? `${world.actors[j].id}'s ${field} would be ${clip(JSON.stringify(theirs[field]))}, not ${clip(JSON.stringify(mine[field]))}`
    : `${world.actors[j].id}'s state (inbox, timers or control state) differs`;
  return what;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
