/**
 * Exhaustive stateful search, breadth-first or depth-first, with a hash-compacted visited set
 * (Spin's default shape). Breadth-first gives shortest counterexamples.
 *
 * The hot loop works on vectors of per-actor local ids (controlled-world.ts). A frontier entry
 * is the vector, its fingerprint, the set of actors that have a step, and a search-node number;
 * a search node is three integers (parent node, local step that reached it, depth) in typed
 * arrays, so a trace is rebuilt on demand and the search allocates next to nothing per
 * transition. Expanding a state:
 *   1. looks only at the actors with a step (a bit set kept per entry, updated from the
 *      parent's for the actors a step changes);
 *   2. writes each child as its difference from the parent ((actor, local id) pairs) and gets
 *      its fingerprint from the parent's by XOR-ing the Zobrist keys of the changed entries
 *      (fingerprint.ts): no copy of the vector and no full hash per transition;
 *   3. in step order, runs the monitors through a `MonitorPlan` (skipped at once for a step
 *      no monitor will ever look at again, and given the child's vector only when one runs),
 *      probes the visited set once, and pushes a new child straight from parent and difference.
 *      Breadth-first search without POR defers that probe instead (deferred-visits.ts): children
 *      wait in order and are judged a batch at a time, with the same outcome.
 * With `por: true`, sleep sets prune transitions and states equal up to the interleaving of
 * senders in an inbox are identified (por.ts); a state's sleep set and expansion mark live with
 * its first search node, which the visited set maps its fingerprint to, so a pop needs no probe.
 * With `shard: { index, count }` (breadth-first, no POR; shard.ts) the search keeps, at the
 * first level of at least FRONTIER_PER_SHARD · count states, only the states that shard owns.
 */

import type { ControlledWorld, SemanticStep, WorldState } from '../../runtime/controlled-world.ts';
import { ViolationLog } from '../counterexamples/violation-log.ts';
import { Dependence, SleepArena } from '../reduction/por.ts';
import { interrupted } from '../search/interrupt.ts';
import { finishAudit, MonitorPlan } from '../search/monitor-plan.ts';
import { worstPileUp } from '../search/pile-up.ts';
import { portableHost } from '../search/search-host.ts';
import { Frontier, Nodes } from '../search/search-structures.ts';
import { FRONTIER_PER_SHARD, ownsState, type ShardSplit } from '../search/shard.ts';
import { QUIET, StepTable } from '../search/step-table.ts';
import type { SearchLimit, SearchOptions, SearchResult } from '../search-types.ts';
import { DeferredVisits } from '../visited/deferred-visits.ts';
import { zobrist1, zobrist2 } from '../visited/fingerprint.ts';
import { omissionProbability, VisitedSet } from '../visited/visited-set.ts';

/**
 * With `threads: 2`, when a breadth-first search moves its visited set to a second thread
 * (visited-pipeline.ts): the worker starts at a quarter of this many states and takes the table
 * at this many. The gain is small next to the in-thread batches (visited-batch.ts) and only
 * shows on big searches (seq-retry 2×3, 22.6 M states: 1.22–1.27 against 1.20–1.25 M states/s),
 * so it is not the default.
 */
const PIPELINE_FROM = 1 << 21;

/**
 * Deferred verdicts let a search overshoot `maxStates` by the children still waiting (up to a
 * few thousand states); below this limit a search probes child by child and stops within one
 * expansion of it.
 */
const DEFER_FROM_MAX_STATES = 1 << 16;

/** Where to start: the initial state, or the end of a replayed trace ("continue from here"). */
export interface SearchStart {
  state: WorldState;
  trace: SemanticStep[];
}

/**
 * Explore every interleaving of a world, breadth-first (shortest counterexamples) or depth-first,
 * visiting each state once (64-bit fingerprints), with the monitors watching every step. Limits cut
 * it short; `stats.complete` says whether the whole space was covered.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const result = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates: 100_000 });
 * result.violations.map((v) => `${v.kind} in ${v.steps} steps`);
 * result.stats.complete; // true
 * ```
 */
export function exhaustiveSearch(
  world: ControlledWorld,
  order: 'bfs' | 'dfs',
  opts: SearchOptions,
  start: SearchStart = { state: world.initial, trace: [] },
): SearchResult {
  const t0 = performance.now();
  const shard = opts.shard ?? null;
  if (shard !== null && (order !== 'bfs' || opts.por === true))
    throw new Error('a sharded exhaustive search is breadth-first without POR');
  const log = new ViolationLog(opts.monitors, { world });
  const plan = new MonitorPlan(world, opts.monitors, log, opts.checkMonitors === true);
  const dep = new Dependence(world, plan);
  const por = opts.por === true;
  // Start small and double at half load: a table sized for `maxStates` up front (often 10^8, a
  // bound rather than an estimate) is mostly empty, and an emptier table costs more cache and TLB
  // misses per probe (seq-retry 2×2: 2^24 slots were ~10 % slower than 2^22), while doubling
  // rehashes in slot order, nearly sequentially. 2^16..2^20 slots to begin with (8 bytes each).
  const slots = Math.min(20, Math.max(16, Math.ceil(Math.log2(Math.min(opts.maxStates ?? 2 ** 19, 2 ** 19) * 2))));
  // With POR a slot also holds the state's first search node, times two, plus one if the
  // state's sleep set is not empty: the revisit test needs no other memory when it is empty.
  const visited = new VisitedSet(slots, por ? 1 : 0);
  const sleeps = new SleepArena();
  const n = world.actors.length;
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY;
  const deadline = opts.timeLimit ? t0 + opts.timeLimit * 1000 : Number.POSITIVE_INFINITY;
  const host = opts.host ?? portableHost;
  const memory = host.memoryWatch(opts.maxMemoryMiB);
  const twoThreads = (opts.threads ?? 1) > 1;
  if (twoThreads && !host.secondThread)
    throw new RangeError(
      `threads: ${opts.threads} needs a second thread for the visited set, which this platform's search host does not start: leave threads at 1`,
    );
  const startXstate = world.xstateSteps;
  let transitions = 0;
  let cutByDepth = false;
  let stopped = false;
  /** The limit that ended the loop early, if one did. */
  let limit: SearchLimit | null = null;
  let maxDepthReached = 0;

  // Fingerprints are Zobrist sums (fingerprint.ts) over the local ids, or, with POR, over their
  // channel-canonical forms (states equal up to how senders interleave in an inbox hash alike).
  const keyId = por ? (i: number, l: number) => world.canonical(i, l) : (_i: number, l: number) => l;
  // Step lists, next ids, sends, fingerprint deltas and appends, in flat arrays (step-table.ts).
  const table = new StepTable(world, keyId, por ? (ls) => dep.note(ls) : null);

  const nodes = new Nodes(por, Math.min(opts.maxStates ?? 0, 2 ** 20));
  const traceOf = (node: number, last = -1): SemanticStep[] => {
    const ids: number[] = last >= 0 ? [last] : [];
    for (let k = node; k > 0; k = nodes.parent[k]) ids.push(nodes.via[k]);
    const path = ids.reverse().map((id) => world.semantic(world.localSteps[id].record!));
    return start.trace.concat(path);
  };

  const frontier = new Frontier(n, order === 'bfs');
  const cur = new Int32Array(n);
  const next = new Int32Array(n);
  const fp = new Int32Array(3);
  // Which actors have a step, as a bit set, kept per frontier entry and updated from the
  // parent's for the actors a step changes: expanding a state looks only at those actors.
  // Past 31 actors every actor is looked at.
  const masked = n <= 31;
  const activeBit = (i: number, local: number): number => {
    if (!masked) return 0;
    const off = table.listOf(i, local); // may grow `table.list`: read it after
    return table.list[off] > 0 ? 1 << i : 0;
  };
  const actorList = new Int32Array(n);
  const curState = world.stateOf(cur);
  const nextState = world.stateOf(next);
  let node = 0;
  let via = -1;
  const traceNow = () => traceOf(node, via);
  const traceHere = () => traceOf(node);
  /** Per actor being expanded: where its step list starts in `table.list`. */
  const stepLists = new Int32Array(n);
  // The children of the state being expanded, each as its difference from the parent: the
  // (actor, local id) pairs `changes[kidAt[c] .. kidAt[c + 1])`, plus fingerprint, step, sleep set.
  let kidCap = 64;
  let changes = new Int32Array(kidCap * 4);
  let kidAt = new Int32Array(kidCap + 1);
  let kidFp = new Int32Array(kidCap * 2);
  let kidStep = new Int32Array(kidCap);
  // POR: this expansion's sleep set plus the steps taken so far (`done`), and each child's sleep
  // set, in `kidSleep[kidSleepAt[c] .. kidSleepAt[c + 1])`.
  let done = new Int32Array(64);
  let kidSleep = new Int32Array(256);
  let kidSleepAt = new Int32Array(kidCap + 1);
  let meet = new Int32Array(64);
  /** The child whose vector `fillNext` writes into `next` (for the monitors). */
  let kidNow = 0;
  /** The actors with a step after child `c`'s changes, from its parent's set. */
  const activeOf = (c: number, parent: number): number => {
    if (!masked) return -1;
    let active = parent;
    for (let k = kidAt[c]; k < kidAt[c + 1]; k += 2) {
      const i = changes[k];
      active = (active & ~(1 << i)) | activeBit(i, changes[k + 1]);
    }
    return active;
  };
  const fillNext = (): void => {
    for (let j = 0; j < n; j++) next[j] = cur[j];
    for (let k = kidAt[kidNow]; k < kidAt[kidNow + 1]; k += 2) next[changes[k]] = changes[k + 1];
  };

  {
    const root = nodes.add(-1, -1, 0);
    const vec = start.state.vec;
    let h1 = 0;
    let h2 = 0;
    let active = 0;
    for (let i = 0; i < n; i++) {
      h1 ^= zobrist1(i, keyId(i, vec[i]));
      h2 ^= zobrist2(i, keyId(i, vec[i]));
      active |= activeBit(i, vec[i]);
    }
    const slot = visited.addSlot(h1, h2);
    if (por) {
      visited.setValue(slot, root * 2);
      nodes.home[root] = root;
    }
    frontier.push(vec, h1, h2, active, root);
  }
  let expanded = 0;

  // Breadth-first without POR: children wait for their visited verdict (deferred-visits.ts).
  const deferred =
    order === 'bfs' && !por && maxStates >= DEFER_FROM_MAX_STATES
      ? new DeferredVisits(
          n,
          visited,
          frontier,
          nodes,
          twoThreads ? host.secondThread : null,
          opts.pipelineFrom ?? PIPELINE_FROM,
        )
      : null;
  const statesSoFar = (): number => (deferred !== null ? deferred.states : visited.size);
  // Sharded: the level whose states are all on the frontier, and the split once made.
  let level = 0;
  let split: ShardSplit | null = null;

  try {
    outer: while (!frontier.empty || deferred?.pending) {
      if (frontier.empty) {
        deferred!.drain();
        continue;
      }
      if (shard !== null && split === null && nodes.depth[frontier.headNode()] > level) {
        // A new level begins: with the children still waiting for a verdict moved on, the
        // frontier holds the whole level. Wide enough: keep this shard's part of it.
        deferred?.finish();
        level = nodes.depth[frontier.headNode()];
        const levelStates = frontier.length;
        if (levelStates >= (shard.frontierPerShard ?? FRONTIER_PER_SHARD) * shard.count) {
          frontier.filter((h1, h2) => ownsState(shard, h1, h2));
          split = {
            index: shard.index,
            count: shard.count,
            prefixStates: statesSoFar(),
            level,
            levelStates,
            kept: frontier.length,
          };
          if (frontier.empty) continue;
        }
      }
      node = frontier.pop(cur, fp);
      const ph1 = fp[0];
      const ph2 = fp[1];
      const parentActive = fp[2];
      const depth = nodes.depth[node];
      // Partial-order reduction: this state's sleep set, and what an earlier expansion covered.
      // `mark` of a state's first node: 0 not expanded yet; (sleep + 1) * 2 expanded with that
      // sleep set; odd: expanded, but reached since with fewer asleep, so due again.
      let sleep = 0;
      let prev = -1;
      let doneLen = 0;
      if (por) {
        const home = nodes.home[node];
        const e = nodes.mark[home];
        if (e !== 0) {
          if ((e & 1) === 0) continue; // already expanded with its current sleep set
          prev = (e >> 1) - 1;
        }
        sleep = nodes.sleep[home];
        nodes.mark[home] = (sleep + 1) * 2;
        const size = sleeps.size(sleep);
        if (done.length < size + 64) done = new Int32Array((size + 64) * 2);
        doneLen = sleeps.read(sleep, done);
      }
      if (depth > maxDepthReached) maxDepthReached = depth;
      // The actors with a step, in actor order (the canonical step order).
      let actors = 0;
      let count = 0;
      if (masked) {
        for (let m = fp[2]; m !== 0; m &= m - 1) {
          const i = 31 - Math.clz32(m & -m);
          const off = table.listOf(i, cur[i]);
          stepLists[i] = off;
          count += table.list[off];
          actorList[actors++] = i;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const off = table.listOf(i, cur[i]);
          stepLists[i] = off;
          count += table.list[off];
          if (table.list[off] > 0) actorList[actors++] = i;
        }
      }
      if (count === 0) {
        if (prev < 0 && log.terminal(curState, traceHere) && opts.stopOnFirst) stopped = true;
      } else if (depth >= maxDepth) {
        cutByDepth = true;
      } else {
        if (count > kidCap) {
          while (kidCap < count) kidCap *= 2;
          kidAt = new Int32Array(kidCap + 1);
          kidFp = new Int32Array(kidCap * 2);
          kidSleepAt = new Int32Array(kidCap + 1);
          kidStep = new Int32Array(kidCap);
        }
        if (por) {
          if (done.length < doneLen + count) {
            const more = new Int32Array((doneLen + count) * 2);
            more.set(done);
            done = more;
          }
          if (kidSleep.length < count * (doneLen + count)) kidSleep = new Int32Array(count * (doneLen + count) * 2);
        }
        let sleepTop = 0;
        // Pass 1: every child's difference from this state and its fingerprint (Zobrist: XOR out
        // the old and in the new key of each actor that changed).
        let kids = 0;
        let w = 0;
        const list = table.list;
        for (let x = 0; x < actors; x++) {
          const i = actorList[x];
          const off = stepLists[i];
          const end = off + 1 + list[off];
          for (let k = off + 1; k < end; k++) {
            const id = list[k];
            if (!table.learned(id)) table.learn(id);
            if (por) {
              const key = table.key[id];
              if (sleeps.has(sleep, key)) continue;
              if (prev >= 0 && !sleeps.has(prev, key)) continue;
              // Child's sleep set: what sleeps here or was done before, and commutes with this step.
              kidSleepAt[kids] = sleepTop;
              for (let d = 0; d < doneLen; d++) if (dep.independent(done[d], key)) kidSleep[sleepTop++] = done[d];
              done[doneLen++] = key;
            }
            const sends = table.sends;
            const sendsFrom = table.sendAt[id] + 1;
            const sendsEnd = sendsFrom + sends[sendsFrom - 1];
            if (w + 2 + sendsEnd - sendsFrom > changes.length) {
              const more = new Int32Array(changes.length * 2 + sendsEnd - sendsFrom);
              more.set(changes);
              changes = more;
            }
            const from = w;
            kidAt[kids] = from;
            changes[w] = i;
            changes[w + 1] = table.next[id];
            w += 2;
            let h1 = ph1 ^ table.d1[id];
            let h2 = ph2 ^ table.d2[id];
            for (let s = sendsFrom; s < sendsEnd; s += 2) {
              const to = sends[s];
              // The target's entry so far: changed by an earlier send of this step, or the parent's.
              let p = from + 2;
              while (p < w && changes[p] !== to) p += 2;
              const old = p < w ? changes[p + 1] : cur[to];
              const now = table.append(to, old, sends[s + 1]);
              if (p === w) {
                changes[w] = to;
                w += 2;
              }
              changes[p + 1] = now;
              const a = por ? world.canonical(to, old) : old;
              const b = por ? world.canonical(to, now) : now;
              h1 ^= zobrist1(to, a) ^ zobrist1(to, b);
              h2 ^= zobrist2(to, a) ^ zobrist2(to, b);
            }
            kidFp[kids * 2] = h1;
            kidFp[kids * 2 + 1] = h2;
            kidStep[kids] = id;
            kids++;
          }
        }
        kidAt[kids] = w;
        kidSleepAt[kids] = sleepTop;
        // Pass 2, in step order: monitors, then the visited set and the frontier.
        for (let c = 0; c < kids; c++) {
          const id = kidStep[c];
          transitions++;
          if ((table.flags[id] & QUIET) === 0) {
            // Most occurrences of a monitored step repeat a combination its monitors have judged:
            // the step's gate, probed from flat arrays, settles those without calling the plan.
            const gate = table.gate[id];
            if (gate === 0 || plan.passGate(gate, id, cur)) {
              const ls = world.localSteps[id];
              kidNow = c;
              via = id;
              if (plan.step(ls, curState, nextState, traceNow, fillNext, gate !== 0) && opts.stopOnFirst) {
                stopped = true;
                break outer;
              }
              if (plan.quiet(ls)) table.flags[id] |= QUIET;
              else if (gate === 0) table.gate[id] = plan.gate(ls);
            }
          }
          const h1 = kidFp[c * 2];
          const h2 = kidFp[c * 2 + 1];
          if (deferred !== null) {
            if (deferred.admit(h1, h2)) {
              deferred.records.pushChild(cur, changes, kidAt[c], kidAt[c + 1], h1, h2, activeOf(c, parentActive), 0);
              deferred.submit(h1, h2, node, id, depth + 1);
            }
            continue;
          }
          const slot = visited.addSlot(h1, h2);
          if (visited.isNew) {
            const child = nodes.add(node, id, depth + 1);
            if (por) {
              const asleep = sleeps.store(kidSleep, kidSleepAt[c], kidSleepAt[c + 1] - kidSleepAt[c]);
              visited.setValue(slot, child * 2 + (asleep === 0 ? 0 : 1));
              nodes.home[child] = child;
              nodes.sleep[child] = asleep;
              nodes.mark[child] = 0;
            }
            frontier.pushChild(cur, changes, kidAt[c], kidAt[c + 1], h1, h2, activeOf(c, parentActive), child);
          } else if (por) {
            const v = visited.value(slot);
            const h = v >> 1;
            const was = (v & 1) === 0 ? 0 : nodes.sleep[h];
            const from = kidSleepAt[c];
            const len = kidSleepAt[c + 1] - from;
            if (!sleeps.subsetOf(was, kidSleep, from, len)) {
              if (meet.length < sleeps.size(was)) meet = new Int32Array(sleeps.size(was) * 2);
              const meets = sleeps.intersect(was, kidSleep, from, len, meet);
              nodes.sleep[h] = meets;
              if (meets === 0) visited.setValue(slot, h * 2);
              const e = nodes.mark[h];
              // Expanded before with more asleep: expand again for the steps it slept on.
              if (e !== 0 && (e & 1) === 0) {
                nodes.mark[h] = e | 1;
                const again = nodes.add(node, id, depth + 1);
                nodes.home[again] = h;
                frontier.pushChild(cur, changes, kidAt[c], kidAt[c + 1], h1, h2, activeOf(c, parentActive), again);
              }
            }
          }
        }
      }
      deferred?.afterExpansion(expanded);
      if (stopped) break;
      if (statesSoFar() >= maxStates) {
        limit = 'max-states';
        break;
      }
      if ((++expanded & 1023) === 0) {
        const now = performance.now();
        if (now > deadline || interrupted()) {
          limit = now > deadline ? 'time' : 'interrupted';
          break;
        }
        // Memory is dearer to read than the clock (about 10 µs): every 4096 expansions.
        if ((expanded & 4095) === 0) {
          limit = memory.exceeded();
          if (limit !== null) break;
        }
        if ((expanded & 8191) === 0)
          opts.onProgress?.(statesSoFar(), now - t0, { depth: maxDepthReached, frontier: frontier.length });
      }
    }
    // Every verdict in, so the state count is exact and the frontier tells whether any is left.
    deferred?.finish();
  } finally {
    deferred?.stop();
  }
  const frontierLeft = !frontier.empty;
  // Cut short by a limit: say whether messages piling up make the space endless (pile-up.ts).
  const pileUp =
    frontierLeft && !stopped
      ? worstPileUp(world, cur, (vec) => (frontier.empty ? null : nodes.depth[frontier.pop(vec, fp)]))
      : null;
  const states = statesSoFar();
  finishAudit(plan, log);
  log.finish();
  const elapsedMs = performance.now() - t0;
  const complete = !frontierLeft && !cutByDepth && !stopped;
  const stoppedBy = complete
    ? undefined
    : stopped
      ? 'first-violation'
      : frontierLeft
        ? (limit ?? 'max-states')
        : 'max-depth';
  return {
    strategy: por ? `${order}+por` : order,
    violations: log.found,
    stats: {
      states,
      transitions,
      schedules: 0,
      elapsedMs: Math.round(elapsedMs),
      complete,
      stoppedBy,
      statesPerSecond: Math.round(states / Math.max(elapsedMs / 1000, 1e-6)),
      maxDepthReached,
      threads: deferred?.threads ?? 1,
      xstateSteps: world.xstateSteps - startXstate,
      visitedBytes: deferred?.bytes ?? visited.bytes,
      omissionProbability: omissionProbability(states),
      ...(plan.audit ? { monitorChecks: plan.audit.summary } : {}),
      ...(pileUp ? { pileUp } : {}),
      ...(shard !== null
        ? {
            shard: split ?? {
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
