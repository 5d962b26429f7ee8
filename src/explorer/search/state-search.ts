/**
 * src/explorer/search/: the exhaustive search loop and what its hot loop reads.
 *   - state-search.ts (this file): the loop, breadth-first or depth-first, as `StateSearch`;
 *   - search-structures.ts: search nodes and the frontier, in typed arrays;
 *   - step-table.ts: each local step's next id, sends and fingerprint deltas, in flat arrays;
 *   - monitor-plan.ts, monitor-audit.ts: which monitors run at a step, and the mode that checks it;
 *   - limits and platform: interrupt.ts, memory-budget.ts, search-host.ts, node-host.ts;
 *   - shard.ts (`--shard i/n`), pile-up.ts (why a search cut short has no end).
 * The visited store is in ../visited/, reductions in ../reduction/, the strategies users call
 * (exhaustiveSearch, samplingSearch) in ../strategies/.
 *
 * The search, with a hash-compacted visited set (Spin's default shape): breadth-first gives
 * shortest counterexamples. The hot loop works on vectors of per-actor local ids
 * (controlled-world.ts). A frontier entry is the vector, its fingerprint, the set of actors that
 * have a step, and a search-node number; a search node is three integers (parent node, local step
 * that reached it, depth) in typed arrays, so a trace is rebuilt on demand and the search
 * allocates next to nothing per transition. `run` pops states until none is left or a limit
 * stops it; expanding a state (`expand`):
 *   1. looks only at the actors with a step (`enabled`: a bit set kept per entry, updated from
 *      the parent's for the actors a step changes);
 *   2. writes each child as its difference from the parent ((actor, local id) pairs) and gets
 *      its fingerprint from the parent's by XOR-ing the Zobrist keys of the changed entries
 *      (`children`; visited/fingerprint.ts): no copy of the vector and no full hash per transition;
 *   3. in step order, runs the monitors through a `MonitorPlan` (skipped at once for a step
 *      no monitor will ever look at again, and given the child's vector only when one runs),
 *      probes the visited set once, and pushes a new child straight from parent and difference
 *      (`judge`). Breadth-first search without sleep sets defers that probe instead
 *      (visited/deferred-visits.ts): children wait in order and are judged a batch at a time,
 *      with the same outcome.
 * The fingerprint is over each actor's key (reduction/state-key.ts): by default its
 * channel-canonical local id, so states equal up to how senders interleave in an inbox are one
 * state to the visited set, while the frontier keeps the concrete vector first reached
 * (`reduction: 'none'` keys the exact ids). A step-pruning reduction (reduction/reduction.ts;
 * `reduction: 'sleep'`: sleep sets) is asked which steps to take, and told of every child's
 * visited verdict. With `shard: { index, count }` (breadth-first, no sleep sets; shard.ts) the
 * search keeps, at the first level of at least
 * FRONTIER_PER_SHARD · count states, only the states that shard owns (`splitLevel`).
 *
 * Speed: `expand`, `children` and `judge` run once per state, not per transition, and copy the
 * fields they read into locals first; the per-transition loops inside `children` and `judge`
 * stay long on purpose: a call per transition there (e.g. one for the visited probe) is what
 * the flat arrays were built to avoid.
 */
import type { ControlledWorld, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import { ViolationLog } from '../counterexamples/violation-log.ts';
import type { Reduction } from '../reduction/reduction.ts';
import { reductionFor } from '../reduction/reduction.ts';
import { applyTakingReturns, ReturnFusion, stepsTakingReturns } from '../reduction/returns.ts';
import { type ReductionMode, reductionMode, stateKeyOf } from '../reduction/state-key.ts';
import { type Symmetry, type SymmetryStats, symmetryFor } from '../reduction/symmetry.ts';
import type { ExpansionRecorder, SearchLimit, SearchOptions, SearchResult } from '../search-types.ts';
import { DeferredVisits } from '../visited/deferred-visits.ts';
import { zobristVec } from '../visited/fingerprint.ts';
import { omissionProbability, VisitedSet } from '../visited/visited-set.ts';
import { interrupted } from './interrupt.ts';
import { finishAudit, MonitorPlan } from './monitor-plan.ts';
import { worstPileUp } from './pile-up.ts';
import type { MemoryWatch } from './search-host.ts';
import { portableHost } from './search-host.ts';
import { Frontier, Nodes } from './search-structures.ts';
import { FRONTIER_PER_SHARD, ownsState, type ShardSplit } from './shard.ts';
import { grow, QUIET, StepTable } from './step-table.ts';

/**
 * With `threads: 2`, when a breadth-first search moves its visited set to a second thread
 * (visited/visited-pipeline.ts): the worker starts at a quarter of this many states and takes the
 * table at this many. The gain is small next to the in-thread batches (visited/visited-batch.ts)
 * and only shows on big searches (seq-retry 2×3, 22.6 M states: 1.22–1.27 against 1.20–1.25 M
 * states/s), so it is not the default.
 */
const PIPELINE_FROM = 1 << 21;

/**
 * Deferred verdicts let a search overshoot `maxStates` by the children still waiting (up to a
 * few thousand states); below this limit a search probes child by child and stops within one
 * expansion of it.
 */
const DEFER_FROM_MAX_STATES = 1 << 16;

/**
 * Where to start: the initial state, or the end of a replayed trace ("continue from here").
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, replayTrace, type SearchStart, worldFor } from 'mirrorlab';
 *
 * // Explore from the end of a schedule rather than from the initial state.
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const trace = [world.describe(world.initial, world.enabled(world.initial)[0])];
 * const start: SearchStart = { state: replayTrace(world, trace, []).state, trace };
 * exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }, start);
 * ```
 */
export interface SearchStart {
  state: WorldState;
  trace: SemanticStep[];
}

/** One exhaustive search: construct, `run()`, then `result()`. */
export class StateSearch {
  private readonly t0 = performance.now();
  private readonly shard: NonNullable<SearchOptions['shard']> | null;
  private readonly log: ViolationLog;
  private readonly plan: MonitorPlan;
  /** What the visited set's key identifies, and the step-pruning reduction ('sleep'), if any. */
  private readonly mode: ReductionMode;
  private readonly reduction: Reduction | null;
  /** `symmetry: true`: visited keys are canonical under replica permutations (reduction/symmetry.ts). */
  private readonly symmetry: Symmetry | null;
  private readonly symmetryStats: SymmetryStats | undefined;
  private readonly visited: VisitedSet;
  private readonly n: number;
  private readonly maxDepth: number;
  private readonly maxStates: number;
  private readonly deadline: number;
  private readonly memory: MemoryWatch;
  private readonly startXstate: number;
  private readonly table: StepTable;
  /** Each actor's fingerprint key for a local id (state-key.ts). */
  private readonly keyOf: (actor: number, local: number) => number;
  private readonly nodes: Nodes;
  private readonly frontier: Frontier;
  /** Without sleep sets or a shard: told of each state expanded (SearchOptions.recorder). */
  private readonly recorder: ExpansionRecorder | null;
  /** Breadth-first without sleep sets: children wait for their visited verdict (deferred-visits.ts). */
  private readonly deferred: DeferredVisits | null;

  // What the search has found out so far.
  private transitions = 0;
  private returnsTaken = 0;
  private cutByDepth = false;
  /** Stopped at the first violation (`stopOnFirst`). */
  private stopped = false;
  /** The limit that ended the loop early, if one did. */
  private limit: SearchLimit | null = null;
  private maxDepthReached = 0;
  private expanded = 0;
  /** Sharded: the level whose states are all on the frontier, and the split once made. */
  private level = 0;
  private split: ShardSplit | null = null;

  // The state being expanded: its vector, search node, depth, fingerprint and active actors.
  private readonly cur: Int32Array;
  /** A child's vector, written only when a monitor needs it (`fillNext`). */
  private readonly next: Int32Array;
  private readonly fp = new Int32Array(3);
  private readonly curState: WorldState;
  private readonly nextState: WorldState;
  private node = 0;
  /** The step being judged, for the trace of a violation (`traceNow`). */
  private via = -1;
  /**
   * Which actors have a step, as a bit set, kept per frontier entry and updated from the
   * parent's for the actors a step changes: expanding a state looks only at those actors.
   * Past 31 actors every actor is looked at.
   */
  private readonly masked: boolean;
  /** The actors with a step in the state being expanded, in actor order (the canonical step order). */
  private readonly actorList: Int32Array;
  /** Per actor being expanded: where its step list starts in `table.list`. */
  private readonly stepLists: Int32Array;
  // The children of the state being expanded, each as its difference from the parent: the
  // (actor, local id) pairs `changes[kidAt[c] .. kidAt[c + 1])`, plus fingerprint and step.
  private kidCap = 64;
  private changes = new Int32Array(this.kidCap * 4);
  private kidAt = new Int32Array(this.kidCap + 1);
  private kidFp = new Int32Array(this.kidCap * 2);
  private kidStep = new Int32Array(this.kidCap);
  /** The child whose vector `fillNext` writes into `next` (for the monitors). */
  private kidNow = 0;
  /**
   * Returns taken at once (reduction/returns.ts; null: none): child c's are the local steps
   * `took[tookAt[c] .. tookAt[c + 1])`, in the order they ran after its step.
   */
  private readonly fusion: ReturnFusion | null;
  private tookAt = new Int32Array(this.kidCap + 1);
  private took = new Int32Array(64);
  /**
   * Of each return taken (as `took`) that a monitor may judge: the child's changes as they
   * stood just before it, `preChanges[preFrom[k] .. preTo[k])`, so the monitors judge it from
   * the state it was taken in (reduction/returns.ts), not from the parent's. Empty for the quiet.
   */
  private preFrom = new Int32Array(64);
  private preTo = new Int32Array(64);
  private preChanges = new Int32Array(256);
  private preTop = 0;
  /** The state a return was taken in, as `preChanges` give it (judge). */
  private readonly preVec: Int32Array;
  private readonly preState: WorldState;
  /** Of the child being judged, how many of its returns the trace of a violation includes. */
  private viaTook = 0;
  /** Fingerprint delta of the returns `takeReturns` took (two halves). */
  private readonly tookFp = new Int32Array(2);

  // Bound once: handed to the monitor plan and the log at every call.
  private readonly traceNow = (): SemanticStep[] => this.traceOf(this.node, this.via, this.viaTook);
  private readonly traceHere = (): SemanticStep[] => this.traceOf(this.node);
  private readonly fillNext = (): void => {
    const { n, next, cur, changes, kidAt, kidNow } = this;
    for (let j = 0; j < n; j++) next[j] = cur[j];
    for (let k = kidAt[kidNow]; k < kidAt[kidNow + 1]; k += 2) next[changes[k]] = changes[k + 1];
  };

  constructor(
    private readonly world: ControlledWorld,
    private readonly order: 'bfs' | 'dfs',
    private readonly opts: SearchOptions,
    private readonly start: SearchStart = { state: world.initial, trace: [] },
  ) {
    const shard = opts.shard ?? null;
    this.shard = shard;
    const mode = reductionMode(opts);
    this.mode = mode;
    if (shard !== null && (order !== 'bfs' || mode === 'sleep'))
      throw new Error('a sharded exhaustive search is breadth-first without sleep sets');
    this.log = new ViolationLog(opts.monitors, { world });
    this.plan = new MonitorPlan(world, opts.monitors, this.log, opts.checkMonitors === true);
    // A return is no scheduling point (returns.ts): on the canonical states, sleep sets included
    // (a step that sends a reply taken at once reads its receiver: por.ts's `Dependence`), and
    // under symmetry (each return taken is checked against its images like any step).
    const fusion = mode !== 'none' ? ReturnFusion.for(world, opts.monitors) : null;
    this.fusion = fusion;
    const reduction = reductionFor(world, this.plan, mode, fusion);
    this.reduction = reduction;
    // Fingerprints are Zobrist sums (fingerprint.ts) over each actor's key (state-key.ts).
    this.keyOf = stateKeyOf(world, mode);
    const sym = symmetryFor(
      world,
      opts,
      this.start.state,
      mode === 'none' ? null : this.keyOf,
      (reduction?.visitedValues ?? 0) > 0,
    );
    this.symmetry = sym.symmetry;
    this.symmetryStats = sym.stats;
    // Symmetry keys a state by its orbit: the recorded graph would need the orbit's renaming
    // to judge fairness, so the liveness pass builds its own graph then.
    this.recorder = reduction === null && shard === null && this.symmetry === null ? (opts.recorder ?? null) : null;
    // Start small and grow at three-quarters load (visited-set.ts): a table sized for
    // `maxStates` up front (often 10^8, a bound rather than an estimate) is mostly empty, and an
    // emptier table costs more cache and TLB misses per probe (seq-retry 2×2: 2^24 slots were
    // ~10 % slower than 2^22), while growing rehashes in slot order, nearly sequentially.
    // 2^12 slots (8 bytes each, 32 KB) to begin with: a table that starts larger than the search
    // needs stays emptier than the half to three-quarters load growth keeps, more bytes per state
    // than issue 12 allows (2^16 slots for seq-retry 2×2's 14,001 states: 37.4 B/state; from 2^12:
    // at most 16 from 3,072 states on). The early growths copy a few kilobytes.
    const slots = 12;
    this.visited = new VisitedSet(slots, reduction?.visitedValues ?? 0);
    const n = world.actors.length;
    this.n = n;
    this.maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
    this.maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY;
    this.deadline = opts.timeLimit ? this.t0 + opts.timeLimit * 1000 : Number.POSITIVE_INFINITY;
    const host = opts.host ?? portableHost;
    this.memory = host.memoryWatch(opts.maxMemoryMiB);
    const twoThreads = (opts.threads ?? 1) > 1;
    if (twoThreads && !host.secondThread)
      throw new RangeError(
        `threads: ${opts.threads} needs a second thread for the visited set, which this platform's search host does not start: leave threads at 1`,
      );
    this.startXstate = world.xstateSteps;
    // Step lists, next ids, sends, fingerprint deltas and appends, in flat arrays (step-table.ts).
    this.table = new StepTable(world, this.keyOf, reduction !== null ? (ls) => reduction.learn(ls) : null, this.fusion);
    this.nodes = new Nodes(Math.min(opts.maxStates ?? 0, 2 ** 20));
    this.frontier = new Frontier(n, order === 'bfs');
    this.cur = new Int32Array(n);
    this.next = new Int32Array(n);
    this.curState = world.stateOf(this.cur);
    this.nextState = world.stateOf(this.next);
    this.preVec = new Int32Array(this.n);
    this.preState = world.stateOf(this.preVec);
    this.masked = n <= 31;
    this.actorList = new Int32Array(n);
    this.stepLists = new Int32Array(n);
    const rootSlot = this.pushRoot();
    this.deferred =
      order === 'bfs' && reduction === null && this.maxStates >= DEFER_FROM_MAX_STATES
        ? new DeferredVisits(
            n,
            this.visited,
            this.frontier,
            this.nodes,
            twoThreads ? host.secondThread : null,
            opts.pipelineFrom ?? PIPELINE_FROM,
            this.recorder,
          )
        : null;
    if (this.recorder !== null && fusion !== null)
      this.recorder.stepsOfEdges?.((vec, step) => stepsTakingReturns(world, fusion, vec, step));
    // Recording the liveness graph: the visited set also says which state an old child is, so
    // every edge learns its target on the way (on one thread).
    if (this.recorder !== null && this.deferred?.numberStates(rootSlot, 0)) this.recorder.everyTargetTold();
  }

  /**
   * The start state: fingerprint, active actors, search node 0, into the visited set and onto
   * the frontier. Returns its slot in the visited set.
   */
  private pushRoot(): number {
    const { n, nodes, reduction, fp } = this;
    const root = nodes.add(-1, -1, 0);
    const vec = this.start.state.vec;
    let active = 0;
    for (let i = 0; i < n; i++) active |= this.activeBit(i, vec[i]);
    zobristVec(vec, fp, this.keyOf);
    let h1 = fp[0];
    let h2 = fp[1];
    if (this.symmetry !== null) [h1, h2] = this.symmetry.rootKey(vec);
    const slot = this.visited.addSlot(h1, h2);
    reduction?.start(this.visited, root, slot);
    this.frontier.push(vec, h1, h2, active, root);
    return slot;
  }

  private get statesSoFar(): number {
    return this.deferred !== null ? this.deferred.states : this.visited.size;
  }

  /** Explores until no state is left, a limit is hit or (`stopOnFirst`) a violation is found. */
  run(): void {
    const { frontier, deferred, nodes } = this;
    try {
      while (!frontier.empty || deferred?.pending) {
        if (frontier.empty) {
          deferred!.drain();
          continue;
        }
        if (this.shard !== null && this.split === null && nodes.depth[frontier.headNode()] > this.level) {
          if (this.splitLevel()) continue;
        }
        this.node = frontier.pop(this.cur, this.fp);
        if (this.reduction !== null && !this.reduction.begin(this.node)) continue;
        // A violation found by a step's monitors (`stopOnFirst`) stops the search at once.
        if (this.expand()) break;
        deferred?.afterExpansion(this.expanded);
        if (this.stopped || this.overLimit()) break;
      }
      // Every verdict in, so the state count is exact and the frontier tells whether any is left.
      deferred?.finish();
    } finally {
      deferred?.stop();
    }
  }

  /**
   * Sharded, at the start of a new level: with the children still waiting for a verdict moved
   * on, the frontier holds the whole level. Wide enough: keep this shard's part of it. True when
   * nothing of it is left to this shard.
   */
  private splitLevel(): boolean {
    const shard = this.shard!;
    const frontier = this.frontier;
    this.deferred?.finish();
    this.level = this.nodes.depth[frontier.headNode()];
    const levelStates = frontier.length;
    if (levelStates < (shard.frontierPerShard ?? FRONTIER_PER_SHARD) * shard.count) return false;
    frontier.filter((h1, h2) => ownsState(shard, h1, h2));
    this.split = {
      index: shard.index,
      count: shard.count,
      prefixStates: this.statesSoFar,
      level: this.level,
      levelStates,
      kept: frontier.length,
    };
    return frontier.empty;
  }

  /** Whether a limit ends the search after this expansion (and which: `limit`). */
  private overLimit(): boolean {
    if (this.statesSoFar >= this.maxStates) {
      this.limit = 'max-states';
      return true;
    }
    const expanded = ++this.expanded;
    if ((expanded & 1023) !== 0) return false;
    const now = performance.now();
    if (now > this.deadline || interrupted()) {
      this.limit = now > this.deadline ? 'time' : 'interrupted';
      return true;
    }
    // Memory is dearer to read than the clock (about 10 µs): every 4096 expansions.
    if ((expanded & 4095) === 0) {
      this.limit = this.memory.exceeded();
      if (this.limit !== null) return true;
    }
    if ((expanded & 8191) === 0)
      this.opts.onProgress?.(this.statesSoFar, now - this.t0, {
        depth: this.maxDepthReached,
        frontier: this.frontier.length,
      });
    return false;
  }

  /**
   * Expands the state just popped: a final state is judged, a deep one cut, else its children.
   * True when a step's violation stops the search at once.
   */
  private expand(): boolean {
    const depth = this.nodes.depth[this.node];
    if (depth > this.maxDepthReached) this.maxDepthReached = depth;
    const count = this.enabled();
    if (count === 0) {
      const repeat = this.reduction?.repeat === true;
      if (!repeat && this.log.terminal(this.curState, this.traceHere) && this.opts.stopOnFirst) this.stopped = true;
    } else if (depth >= this.maxDepth) {
      this.cutByDepth = true;
    } else {
      if (count > this.kidCap) this.growKids(count);
      this.reduction?.prepare(count);
      const kids = this.children();
      this.symmetry?.rekey(this.cur, this.changes, this.kidAt, this.kidFp, this.kidStep, kids, this.took, this.tookAt);
      // The liveness graph, recorded on the way (liveness/graph-recorder.ts).
      const edge = this.recorder?.expanded(this.cur, this.fp[0], this.fp[1], this.kidFp, this.kidStep, kids) ?? -1;
      // Breadth-first, state k of the recording is search node k, so an edge can say which state
      // it leads to (`target`); depth-first expands in another order.
      this.firstEdge = this.order === 'bfs' ? edge : -1;
      return this.judge(kids, depth);
    }
    this.recorder?.expanded(this.cur, this.fp[0], this.fp[1], this.kidFp, this.kidStep, 0);
    return false;
  }

  /** The actors with a step and where their step lists start (`actorList`, `stepLists`); returns how many steps. */
  private enabled(): number {
    const { table, cur, stepLists, actorList } = this;
    let actors = 0;
    let count = 0;
    if (this.masked) {
      for (let m = this.fp[2]; m !== 0; m &= m - 1) {
        const i = 31 - Math.clz32(m & -m);
        const off = table.listOf(i, cur[i]);
        stepLists[i] = off;
        count += table.list[off];
        actorList[actors++] = i;
      }
    } else {
      const n = this.n;
      for (let i = 0; i < n; i++) {
        const off = table.listOf(i, cur[i]);
        stepLists[i] = off;
        count += table.list[off];
        if (table.list[off] > 0) actorList[actors++] = i;
      }
    }
    this.actors = actors;
    return count;
  }

  /** How many entries of `actorList` `enabled` filled. */
  private actors = 0;

  /** The recorded number of the first edge of the expansion being judged, or -1 (`expand`). */
  private firstEdge = -1;

  private growKids(count: number): void {
    while (this.kidCap < count) this.kidCap *= 2;
    this.kidAt = new Int32Array(this.kidCap + 1);
    this.kidFp = new Int32Array(this.kidCap * 2);
    this.kidStep = new Int32Array(this.kidCap);
    this.tookAt = new Int32Array(this.kidCap + 1);
  }

  /**
   * Pass 1: every child's difference from the state being expanded and its fingerprint
   * (Zobrist: XOR out the old and in the new key of each actor that changed), in step order;
   * with a reduction, only the steps it takes. Returns how many children.
   */
  private children(): number {
    const { table, actorList, stepLists, kidAt, kidFp, kidStep, reduction } = this;
    const ph1 = this.fp[0];
    const ph2 = this.fp[1];
    const actors = this.actors;
    let changes = this.changes;
    let kids = 0;
    let w = 0;
    this.tookTop = 0;
    this.preTop = 0;
    const list = table.list;
    for (let x = 0; x < actors; x++) {
      const i = actorList[x];
      const off = stepLists[i];
      const end = off + 1 + list[off];
      for (let k = off + 1; k < end; k++) {
        const id = list[k];
        if (!table.learned(id)) table.learn(id);
        if (reduction !== null && !reduction.take(table.key[id], kids)) continue;
        const sends = table.sends;
        const sendsFrom = table.sendAt[id] + 1;
        const sendsEnd = sendsFrom + sends[sendsFrom - 1];
        if (w + 2 + sendsEnd - sendsFrom > changes.length) changes = this.roomForChanges(w + 2 + sendsEnd - sendsFrom);
        const from = w;
        kidAt[kids] = from;
        this.tookAt[kids] = this.tookTop;
        changes[w] = i;
        changes[w + 1] = table.next[id];
        w += 2;
        let h1 = ph1 ^ table.d1[id];
        let h2 = ph2 ^ table.d2[id];
        for (let s = sendsFrom; s < sendsEnd; s += 2) {
          // A step never sends to its own actor: the targets' entries follow the step's own.
          w = this.sendChange(changes, from + 2, w, sends[s], sends[s + 1]);
          h1 ^= table.appendD1;
          h2 ^= table.appendD2;
        }
        if (this.fusion !== null && sendsEnd > sendsFrom) {
          // The returns its sends reach, taken at once once all of them are in (returns.ts).
          w = this.takeReturns(id, from, w);
          changes = this.changes;
          h1 ^= this.tookFp[0];
          h2 ^= this.tookFp[1];
        }
        kidFp[kids * 2] = h1;
        kidFp[kids * 2 + 1] = h2;
        kidStep[kids] = id;
        kids++;
      }
    }
    kidAt[kids] = w;
    this.tookAt[kids] = this.tookTop;
    reduction?.end(kids);
    return kids;
  }

  /**
   * One send of a child: the target's entry in the child's changes from `first` on (changed by an
   * earlier send, else the parent's) gets message `msg`; returns the new end of the changes. The
   * fingerprint delta is the table's `appendD1`, `appendD2`.
   */
  private sendChange(changes: Int32Array, first: number, w: number, to: number, msg: number): number {
    let p = first;
    while (p < w && changes[p] !== to) p += 2;
    const now = this.table.append(to, p < w ? changes[p + 1] : this.cur[to], msg);
    if (p === w) {
      changes[w] = to;
      w += 2;
    }
    changes[p + 1] = now;
    return w;
  }

  /** The children's change list, grown to hold at least `size` entries. */
  private roomForChanges(size: number): Int32Array<ArrayBuffer> {
    if (size > this.changes.length) this.changes = grow(this.changes, size);
    return this.changes;
  }

  /** How many entries of `took` the children so far filled. */
  private tookTop = 0;

  /**
   * The returns that step `id`'s sends reached (all of them appended already), taken at once
   * in the order it sent them (reduction/returns.ts `sendAll` does the same): each is noted, its
   * receiver's entry in the child's changes from `from` moves past it, and its own sends go in,
   * then the returns those reach. The fingerprint delta goes to `tookFp`; returns the new end of
   * the changes.
   */
  private takeReturns(id: number, from: number, w: number): number {
    const { table } = this;
    let h1 = 0;
    let h2 = 0;
    const at = table.sendAt[id];
    const end = at + 1 + table.sends[at];
    for (let s = at + 1; s < end; s += 2) {
      const to = table.sends[s];
      let p = from;
      while (this.changes[p] !== to) p += 2;
      const t = table.takeAt(to, this.changes[p + 1]);
      if (t < 0 || table.delivers[t] !== table.sends[s + 1]) continue;
      this.noteTaken(t, from, w);
      this.changes[p + 1] = table.next[t];
      h1 ^= table.d1[t];
      h2 ^= table.d2[t];
      const tAt = table.sendAt[t];
      const tEnd = tAt + 1 + table.sends[tAt];
      for (let u = tAt + 1; u < tEnd; u += 2) {
        // A return may send to the step's own actor: look from the child's first entry.
        w = this.sendChange(this.roomForChanges(w + 2), from, w, table.sends[u], table.sends[u + 1]);
        h1 ^= table.appendD1;
        h2 ^= table.appendD2;
      }
      if (tEnd > tAt + 1) {
        w = this.takeReturns(t, from, w);
        h1 ^= this.tookFp[0];
        h2 ^= this.tookFp[1];
      }
    }
    this.tookFp[0] = h1;
    this.tookFp[1] = h2;
    return w;
  }

  /** Notes return `t` taken, with the child's changes `changes[from .. w)` it was taken after, unless it is quiet. */
  private noteTaken(t: number, from: number, w: number): void {
    const k = this.tookTop++;
    if (k === this.took.length) {
      this.took = grow(this.took, k + 1);
      this.preFrom = grow(this.preFrom, k + 1);
      this.preTo = grow(this.preTo, k + 1);
    }
    this.took[k] = t;
    const at = this.preTop;
    this.preFrom[k] = at;
    if ((this.table.flags[t] & QUIET) === 0) {
      if (at + w - from > this.preChanges.length) this.preChanges = grow(this.preChanges, at + w - from);
      // A loop, not `set(subarray(..))`: no view allocated per return.
      const { preChanges, changes } = this;
      for (let j = from; j < w; j++) preChanges[at + j - from] = changes[j];
      this.preTop = at + w - from;
    }
    this.preTo[k] = this.preTop;
  }

  /**
   * Pass 2, in step order: the monitors judge each child's step, then the visited set says
   * whether its state is new; new ones go onto the frontier with a search node of their own.
   * True when a violation stops the search (`stopOnFirst`).
   */
  private judge(kids: number, depth: number): boolean {
    const { table, plan, cur, kidAt, kidFp, kidStep, changes, deferred, visited, nodes, frontier, reduction } = this;
    const node = this.node;
    const parentActive = this.fp[2];
    const stopOnFirst = this.opts.stopOnFirst;
    this.transitions += kids;
    this.returnsTaken += this.tookAt[kids];
    for (let c = 0; c < kids; c++) {
      const id = kidStep[c];
      // Most occurrences of a monitored step repeat a combination its monitors have judged:
      // the step's gate, probed from flat arrays, settles those without calling the plan.
      let gate = table.gate[id];
      let stop =
        (table.flags[id] & QUIET) === 0 &&
        (gate === 0 || plan.passGate(gate, id, cur)) &&
        this.judgeStep(c, id, id, 0, gate) &&
        stopOnFirst;
      // The returns taken at once with it, each judged as the step it is, from the state it was
      // taken in.
      for (let k = this.tookAt[c]; k < this.tookAt[c + 1] && !stop; k++) {
        const t = this.took[k];
        if ((table.flags[t] & QUIET) !== 0) continue;
        const pre = this.stateBefore(k);
        gate = table.gate[t];
        stop =
          (gate === 0 || plan.passGate(gate, t, pre)) &&
          this.judgeStep(c, id, t, k - this.tookAt[c] + 1, gate, this.preState) &&
          stopOnFirst;
      }
      if (stop) {
        this.stopped = true;
        // The children after this one were not judged.
        this.transitions -= kids - c - 1;
        this.returnsTaken -= this.tookAt[kids] - this.tookAt[c + 1];
        return true;
      }
      const h1 = kidFp[c * 2];
      const h2 = kidFp[c * 2 + 1];
      if (deferred !== null) {
        const edge = this.firstEdge < 0 ? -1 : this.firstEdge + c;
        if (deferred.admit(h1, h2, edge)) {
          deferred.records.pushChild(cur, changes, kidAt[c], kidAt[c + 1], h1, h2, this.activeOf(c, parentActive), 0);
          deferred.submit(h1, h2, node, id, depth + 1, edge);
        }
        continue;
      }
      const slot = visited.addSlot(h1, h2);
      if (visited.isNew) {
        const child = nodes.add(node, id, depth + 1);
        if (this.firstEdge >= 0) this.recorder!.target(this.firstEdge + c, child);
        reduction?.fresh(c, child, slot);
        frontier.pushChild(cur, changes, kidAt[c], kidAt[c + 1], h1, h2, this.activeOf(c, parentActive), child);
      } else if (reduction !== null) {
        const home = reduction.seen(c, slot);
        if (home >= 0) {
          const again = nodes.add(node, id, depth + 1);
          reduction.link(again, home);
          frontier.pushChild(cur, changes, kidAt[c], kidAt[c + 1], h1, h2, this.activeOf(c, parentActive), again);
        }
      }
    }
    return false;
  }

  /**
   * The monitors judge local step `id` of child `c` (its step `via`, or one of the returns taken
   * with it: the trace then includes the first `took` of them), its gate (`gate`, 0: none) passed.
   * True when one found a violation.
   */
  private judgeStep(
    c: number,
    via: number,
    id: number,
    took: number,
    gate: number,
    before: WorldState = this.curState,
  ): boolean {
    const { table, plan, world } = this;
    const ls = world.localSteps[id];
    this.kidNow = c;
    this.via = via;
    this.viaTook = took;
    const found = plan.step(ls, before, this.nextState, this.traceNow, this.fillNext, gate !== 0);
    if (plan.quiet(ls)) table.flags[id] |= QUIET;
    else if (gate === 0) table.gate[id] = plan.gate(ls);
    return found;
  }

  /** The state the k-th return taken was taken in, written into `preVec` (`noteTaken`). */
  private stateBefore(k: number): Int32Array {
    const { preVec, preChanges } = this;
    preVec.set(this.cur);
    for (let j = this.preFrom[k]; j < this.preTo[k]; j += 2) preVec[preChanges[j]] = preChanges[j + 1];
    return preVec;
  }

  /** Actor `i`'s bit in the active set when its local id `local` has a step. */
  private activeBit(i: number, local: number): number {
    if (!this.masked) return 0;
    const off = this.table.listOf(i, local); // may grow `table.list`: read it after
    return this.table.list[off] > 0 ? 1 << i : 0;
  }

  /** The actors with a step after child `c`'s changes, from its parent's set. */
  private activeOf(c: number, parent: number): number {
    if (!this.masked) return -1;
    const { changes, kidAt } = this;
    let active = parent;
    for (let k = kidAt[c]; k < kidAt[c + 1]; k += 2) {
      const i = changes[k];
      active = (active & ~(1 << i)) | this.activeBit(i, changes[k + 1]);
    }
    return active;
  }

  /**
   * The semantic trace to search node `node`, then step `last` if given (with the first
   * `lastTook` returns taken at once with it), after the start's trace.
   */
  private traceOf(node: number, last = -1, lastTook = 0): SemanticStep[] {
    const { nodes, world } = this;
    const ids: number[] = last >= 0 ? [last] : [];
    for (let k = node; k > 0; k = nodes.parent[k]) ids.push(nodes.via[k]);
    ids.reverse();
    const semantic = (id: number) => world.semantic(world.localSteps[id].record!);
    if (this.fusion === null) return this.start.trace.concat(ids.map(semantic));
    // Returns taken at once are steps of the trace too: replay the path to list them.
    let vec = Int32Array.from(this.start.state.vec);
    let out = new Int32Array(vec.length);
    const path: SemanticStep[] = [];
    ids.forEach((id, k) => {
      const took: number[] = [];
      applyTakingReturns(world, this.fusion, vec, id, out, took);
      [vec, out] = [out, vec];
      path.push(semantic(id));
      for (const t of last >= 0 && k === ids.length - 1 ? took.slice(0, lastTook) : took) path.push(semantic(t));
    });
    return this.start.trace.concat(path);
  }

  /** What the search found and what it covered; call once, after `run`. */
  result(): SearchResult {
    const { frontier, nodes, world, shard, deferred, plan, log } = this;
    const frontierLeft = !frontier.empty;
    const stopped = this.stopped;
    // Cut short by a limit: say whether messages piling up make the space endless (pile-up.ts).
    const fp = this.fp;
    const pileUp =
      frontierLeft && !stopped
        ? worstPileUp(world, this.cur, (vec) => (frontier.empty ? null : nodes.depth[frontier.pop(vec, fp)]))
        : null;
    const states = this.statesSoFar;
    this.symmetry?.closeLockOrder(this.opts.monitors);
    finishAudit(plan, log);
    log.finish();
    const elapsedMs = performance.now() - this.t0;
    const complete = !frontierLeft && !this.cutByDepth && !stopped;
    const stoppedBy = complete
      ? undefined
      : stopped
        ? 'first-violation'
        : frontierLeft
          ? (this.limit ?? 'max-states')
          : 'max-depth';
    return {
      // Sleep sets keep the name `--por` results always had (`bfs+por`); `stats.reduction` names the mode.
      strategy: this.reduction !== null ? `${this.order}+${this.reduction.name}` : this.order,
      violations: log.found,
      stats: {
        states,
        transitions: this.transitions,
        schedules: 0,
        elapsedMs: Math.round(elapsedMs),
        complete,
        stoppedBy,
        statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
        maxDepthReached: this.maxDepthReached,
        reduction: this.mode,
        ...(this.fusion !== null ? { returnsTaken: this.returnsTaken } : {}),
        threads: deferred?.threads ?? 1,
        xstateSteps: world.xstateSteps - this.startXstate,
        visitedBytes: deferred?.bytes ?? this.visited.bytes,
        omissionProbability: omissionProbability(states),
        ...(plan.audit ? { monitorChecks: plan.audit.summary } : {}),
        ...(pileUp ? { pileUp } : {}),
        ...(this.symmetryStats ? { symmetry: this.symmetryStats } : {}),
        ...(shard !== null
          ? {
              shard: this.split ?? {
                index: shard.index,
                count: shard.count,
                prefixStates: states,
                level: -1,
                levelStates: 0,
                kept: 0,
              },
            }
          : {}),
      },
    };
  }
}
