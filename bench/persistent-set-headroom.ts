/**
 * `npm run bench:persistent -- [scenario] [k=v ...]`: how many states would persistent sets of one
 * actor's steps remove, and stubborn sets over threads of control? (issue 12, item 1). A measurement, not a reduction the explorer runs.
 *
 * A persistent set (Godefroid, "Partial-Order Methods for the Verification of Concurrent
 * Systems", LNCS 1032, 1996; Valmari's stubborn sets) at state s is a set of enabled steps such
 * that no step outside it, on any path from s that avoids it, depends on a step in it. Here the
 * candidate at s is every enabled step of one actor A. Steps of different actors commute in this
 * runtime (src/explorer/reduction/por.ts), so what can break persistence is a later step of A
 * itself: a message that reaches A on a channel with nothing deliverable now. The candidate is
 * therefore taken only when every channel ever seen into A (learned from every step of the full
 * graph: an over-approximation a real search would have to learn as it goes) has a deliverable
 * message at s, since a later message on such a channel queues behind it. Two visibility rules:
 *   - `monitors`: A's steps have no monitor judging them globally, and neither A nor an inbox A's
 *     steps send to is read by any monitor at any step (the condition that keeps every monitor's
 *     verdict: Clarke, Grumberg and Peled, "Model Checking", 1999, ch. 10, condition C2);
 *   - `none`: visibility ignored, an upper bound on what the actor structure alone allows.
 * Both with the cycle proviso that a reduced expansion's successors must all be new (else the
 * state is expanded in full), which guarantees a fully expanded state on every cycle in any
 * search order (C3). The search is simulated breadth-first over the full state graph
 * (liveness/state-graph.ts, exact states), so both counts are exact.
 *
 * Then the strongest bound we could think of for a stubborn-set method (Valmari, "Stubborn sets
 * for reduced state space generation", Advances in Petri Nets 1990, LNCS 483; Godefroid 1996,
 * ch. 4): sets closed over threads of control instead of actors, with the dependencies read off
 * the full graph by an oracle no real search has. Each step is labelled with the thread of the
 * message it delivers (`labels`); the set at s is every enabled step of a set S of threads, and
 * two steps depend when they run at the same actor. Two rules for S:
 *   - closure: S grows from one enabled thread by every thread that, on some path from s, runs
 *     at an actor an enabled step of S runs at, or gives a thread of S a new step (`stubbornAt`);
 *   - exact: every thread set S is tried, checked against the paths made only of steps of the
 *     threads outside S, the only ones that avoid the set (`exactSets`), so a thread blocked on
 *     S does not count what it would do once S let it go. Any closure set passes it too.
 * Each with both visibility rules (for `monitors`, every step of the set must be invisible as
 * above) and the same cycle proviso, the smallest set over all candidates taken; the exact rule
 * also once without the proviso, with visibility ignored. Check: with every rule, the reduced
 * search must reach every terminal state (no successor) of the full graph, as persistent sets
 * keep every deadlock; the script exits 1 if one is missed.
 *
 *   npm run bench:persistent -- scenarios/bench/seq-retry.yaml ndrv=2 rounds=2
 */
import { ViolationLog } from '../src/explorer/counterexamples/violation-log.ts';
import { buildStateGraph, type StateGraph } from '../src/explorer/liveness/state-graph.ts';
import { MonitorPlan } from '../src/explorer/search/monitor-plan.ts';
import { defaultMonitors } from '../src/monitors/index.ts';
import type { ControlledWorld } from '../src/runtime/controlled-world.ts';
import { worldFromArgs } from './lib/world-from-args.ts';

const { file, knobs, world } = await worldFromArgs(process.argv.slice(2));
const graph = buildStateGraph(world, 20_000_000, false);
if (!graph.complete) throw new Error(`${file}: the state graph passed 20,000,000 states; pick smaller knobs`);
const monitors = defaultMonitors();
const plan = new MonitorPlan(world, monitors, new ViolationLog(monitors, { world }));
const facts = learn(world, plan);

console.log(`${file} ${knobs.join(' ')}: ${graph.count} states, ${graph.edgeTo.length} transitions (exact)`);
console.log(
  `actors a monitor reads: ${
    facts.readsAll
      ? 'all (a global monitor reads everything)'
      : world.actors
          .filter((_, i) => facts.read(i))
          .map((a) => a.id)
          .join(' ')
  }`,
);
for (const rule of ['monitors', 'none'] as const) {
  const r = reducedSearch(world, graph, facts, plan, rule);
  const cut = (100 * (1 - r.states / graph.count)).toFixed(1);
  console.log(
    `one actor, visibility ${rule.padEnd(8)}: ${r.states} states (−${cut} %), ${r.transitions} transitions; ${r.reduced} expansions reduced, ${r.proviso} expanded in full by the cycle proviso`,
  );
}

const lab = labels(world);
const pr = predecessors(graph);
const o = oracle(world, graph, lab, pr, (1 << lab.names.length) - 1);
const exact = lab.names.length <= 5 ? exactSets(world, graph, lab, pr) : null;
console.log(
  `threads of control: ${lab.names.length} (${lab.names.join(' ')}); oracle fixpoint: ${o.pops} states popped`,
);
let terminals = 0;
for (let s = 0; s < graph.count; s++) if (graph.edgeStart[s] === graph.edgeStart[s + 1]) terminals++;
let failed = false;
type Choose = (s: number, rule: 'monitors' | 'none') => number;
const methods: [string, Choose][] = [
  ['threads, closure', (s, rule) => stubbornAt(world, graph, lab, o, s, plan, facts, rule)],
];
if (exact) methods.push(['threads, exact', (s, rule) => exactAt(world, graph, lab, exact, s, plan, facts, rule)]);
for (const [name, at] of methods)
  for (const rule of ['monitors', 'none'] as const) {
    const r = stubbornSearch(graph, lab, (s) => at(s, rule));
    const cut = (100 * (1 - r.states / graph.count)).toFixed(1);
    let kept = 0;
    for (let s = 0; s < graph.count; s++) if (r.seen[s] && graph.edgeStart[s] === graph.edgeStart[s + 1]) kept++;
    if (kept !== terminals) failed = true;
    console.log(
      `${name}, visibility ${rule.padEnd(8)}: ${r.states} states (−${cut} %), ${r.transitions} transitions; ${r.reduced} expansions reduced, ${r.proviso} expanded in full by the cycle proviso; terminal states reached ${kept} of ${terminals} ${kept === terminals ? 'ok' : 'FAILED'}`,
    );
  }
if (exact) {
  // Without the cycle proviso the sets still keep every deadlock (Godefroid 1996, ch. 4), not
  // every safety verdict: a bound on what the proviso costs, not a search one could run.
  const r = stubbornSearch(graph, lab, (s) => exactAt(world, graph, lab, exact, s, plan, facts, 'none'), false);
  let kept = 0;
  for (let s = 0; s < graph.count; s++) if (r.seen[s] && graph.edgeStart[s] === graph.edgeStart[s + 1]) kept++;
  if (kept !== terminals) failed = true;
  console.log(
    `threads, exact, visibility none, no cycle proviso: ${r.states} states (−${(100 * (1 - r.states / graph.count)).toFixed(1)} %), ${r.transitions} transitions; terminal states reached ${kept} of ${terminals} ${kept === terminals ? 'ok' : 'FAILED'}`,
  );
}
if (failed) {
  console.error('a stubborn-set search missed a terminal state of the full graph: the sets are not persistent');
  process.exit(1);
}

interface Facts {
  /** Per actor: the channels any step of the graph appended to its inbox. */
  into: Set<number>[];
  readsAll: boolean;
  read(actor: number): boolean;
  channelOf(msg: number): number;
}

function learn(w: ControlledWorld, p: MonitorPlan): Facts {
  // The runtime keeps the channel of each interned message (runtime/interning.ts); the explorer
  // has no public reader for it, this measurement is the only one that needs it.
  const channel = (w as unknown as { interned: { messageChannel: number[] } }).interned.messageChannel;
  const into = w.actors.map(() => new Set<number>());
  let reads = 0;
  let readsAll = false;
  for (const ls of w.localSteps) {
    if (ls.record === null) w.resolve(ls);
    for (let k = 0; k < ls.sends.length; k += 2) into[ls.sends[k]].add(channel[ls.sends[k + 1]]);
    const r = p.reads(ls);
    if (r === -1) readsAll = true;
    else reads |= r;
  }
  return { into, readsAll, read: (a) => readsAll || ((reads >>> a) & 1) === 1, channelOf: (m) => channel[m] };
}

/** The actor whose enabled steps form the persistent set at `vec`, or -1. */
function candidate(
  w: ControlledWorld,
  vec: ArrayLike<number>,
  f: Facts,
  p: MonitorPlan,
  rule: 'monitors' | 'none',
): number {
  for (let a = 0; a < w.actors.length; a++) {
    const steps = w.stepsOf(a, vec[a]);
    if (steps.length === 0) continue;
    const deliverable = new Set<number>();
    for (const ls of steps) {
      if (ls.record === null) w.resolve(ls);
      if (ls.step.kind === 'deliver') deliverable.add(f.channelOf(ls.msg));
    }
    if ([...f.into[a]].some((c) => !deliverable.has(c))) continue;
    if (rule === 'none') return a;
    const invisible = (ls: (typeof steps)[number]) =>
      !p.visible(ls) && ls.sends.every((x, k) => k % 2 === 1 || !f.read(x));
    if (!f.read(a) && steps.every(invisible)) return a;
  }
  return -1;
}

function reducedSearch(w: ControlledWorld, g: StateGraph, f: Facts, p: MonitorPlan, rule: 'monitors' | 'none') {
  const n = g.n;
  const actorOf = (e: number) => w.localSteps[g.edgeStep[e]].actor;
  return setSearch(g, (s) => {
    const a = candidate(w, g.vecs.subarray(s * n, (s + 1) * n), f, p, rule);
    return a < 0 ? null : (e) => actorOf(e) === a;
  });
}

// ---------------------------------------------------------------------------------------------
// Stubborn sets over threads of control, with exact future-touch sets (an oracle: an upper bound)
// ---------------------------------------------------------------------------------------------

/**
 * Per local step: its thread of control (a small integer) and its transition key (same actor,
 * same snapshot, same message or option: the same transition, whatever the inbox around it).
 * The thread is the one the runtime gave the message it delivers (`Message.thread`: the tid the
 * event names, else the thread of the transition that sent it; a timer's is its actor's, a
 * choice's the thread that made it). A command run from a device's ring carries its poster's
 * thread, but the device runs it in its own time, so ring deliveries form one thread per device.
 * The soundness argument below holds for any labelling of steps by threads; the labelling only
 * decides how small the sets can get.
 */
interface Labels {
  thread: Int32Array;
  key: Int32Array;
  names: string[];
}

function labels(w: ControlledWorld): Labels {
  const thread = new Int32Array(w.localSteps.length).fill(-1);
  const key = new Int32Array(w.localSteps.length).fill(-1);
  const names: string[] = [];
  const threadIds = new Map<string, number>();
  const keyIds = new Map<string, number>();
  for (const ls of w.localSteps) {
    if (ls.record === null) w.resolve(ls);
    const rec = ls.record as NonNullable<typeof ls.record>;
    const m = rec.message;
    const actor = w.actors[ls.actor].id;
    const name = m.ring ? `ring:${actor}` : m.thread !== '' ? m.thread : `actor:${actor}`;
    let t = threadIds.get(name);
    if (t === undefined) {
      t = names.push(name) - 1;
      threadIds.set(name, t);
    }
    thread[ls.id] = t;
    const k = `${ls.actor}:${ls.step.kind}:${rec.before}:${ls.msg}`;
    let kid = keyIds.get(k);
    if (kid === undefined) {
      kid = keyIds.size;
      keyIds.set(k, kid);
    }
    key[ls.id] = kid;
  }
  return { thread, key, names };
}

/** Each state's incoming edges (edge ids), for the backward fixpoints. */
function predecessors(g: StateGraph) {
  const start = new Int32Array(g.count + 1);
  for (let e = 0; e < g.edgeTo.length; e++) start[g.edgeTo[e] + 1]++;
  for (let s = 0; s < g.count; s++) start[s + 1] += start[s];
  const edge = new Int32Array(g.edgeTo.length);
  const fill = start.slice(0, g.count);
  for (let s = 0; s < g.count; s++)
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) edge[fill[g.edgeTo[e]]++] = e;
  const from = new Int32Array(g.edgeTo.length);
  for (let s = 0; s < g.count; s++) from.fill(s, g.edgeStart[s], g.edgeStart[s + 1]);
  return { start, edge, from };
}

/**
 * The oracle, per state s and thread U, over the paths from s made only of steps of the threads
 * in `moving` (a bit set; all threads for the closure rule), as least fixpoints over the full
 * graph (a state's value is its own such edges' contribution joined with its successors' by
 * such edges; a worklist, since the graph has cycles: retry loops):
 *   - touch(s, U): the actors U's steps run at, on such a path from s (s's own steps included);
 *   - adds(s, U): the threads V ≠ U to which a step of U, on such a path, gives a step V did not
 *     have just before it (a message of V's put in an inbox, or a deferred one of V's made
 *     deliverable: every way a thread gets a new step).
 * Bit sets, `aw` words per actor set and `tw` per thread set, in one Uint32Array.
 */
function oracle(w: ControlledWorld, g: StateGraph, lab: Labels, pr: ReturnType<typeof predecessors>, moving: number) {
  const actors = w.actors.length;
  const T = lab.names.length;
  const aw = Math.ceil(actors / 32);
  const tw = Math.ceil(T / 32);
  const per = T * (aw + tw);
  const words = g.count * per;
  if (words > 400_000_000) throw new Error(`the oracle needs ${words} words; pick smaller knobs`);
  const m = new Uint32Array(words);
  const edgeThread = (e: number) => lab.thread[g.edgeStep[e]];
  const uses = (e: number) => ((moving >>> edgeThread(e)) & 1) === 1;
  const keysAt = new Set<number>();
  for (let s = 0; s < g.count; s++) {
    const base = s * per;
    keysAt.clear();
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) keysAt.add(lab.key[g.edgeStep[e]]);
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      if (!uses(e)) continue;
      const u = edgeThread(e);
      const a = w.localSteps[g.edgeStep[e]].actor;
      m[base + u * aw + (a >>> 5)] |= 1 << (a & 31);
      const t = g.edgeTo[e];
      for (let f = g.edgeStart[t]; f < g.edgeStart[t + 1]; f++) {
        const v = edgeThread(f);
        if (v !== u && !keysAt.has(lab.key[g.edgeStep[f]])) m[base + T * aw + u * tw + (v >>> 5)] |= 1 << (v & 31);
      }
    }
  }
  const queued = new Uint8Array(g.count).fill(1);
  let ring = new Int32Array(g.count);
  for (let s = 0; s < g.count; s++) ring[s] = g.count - 1 - s;
  let head = 0;
  let size = g.count;
  let pops = 0;
  while (size > 0) {
    const t = ring[head];
    head = (head + 1) % ring.length;
    size--;
    pops++;
    queued[t] = 0;
    const tb = t * per;
    for (let k = pr.start[t]; k < pr.start[t + 1]; k++) {
      if (!uses(pr.edge[k])) continue;
      const p = pr.from[pr.edge[k]];
      const pb = p * per;
      let changed = false;
      for (let i = 0; i < per; i++) {
        const v = m[pb + i] | m[tb + i];
        if (v !== m[pb + i]) {
          m[pb + i] = v;
          changed = true;
        }
      }
      if (changed && queued[p] === 0) {
        queued[p] = 1;
        if (size === ring.length) {
          const more = new Int32Array(ring.length * 2);
          for (let i = 0; i < size; i++) more[i] = ring[(head + i) % ring.length];
          ring = more;
          head = 0;
        }
        ring[(head + size) % ring.length] = p;
        size++;
      }
    }
  }
  return { m, per, aw, tw, T, pops };
}

type Oracle = ReturnType<typeof oracle>;

/**
 * The stubborn set at s: the enabled steps of a set S of threads, closed under
 *   (1) every thread U that runs, on some path from s, at an actor an enabled step of S runs at
 *       (touch(s, U) meets Act(S)): U's step there would not commute with S's;
 *   (2) every thread U that may give a thread of S a new step (adds(s, U) meets S): a disabled
 *       thread of S has its enablers in S, and an enabled one gets no step outside the set.
 * Why that is a persistent set: take a path from s of steps outside the set, and its first step
 * of a thread of S, if any. That step was not enabled at s, so an earlier step of the path, by a
 * thread outside S, gave it; (2) forbids that. So the path has only steps of threads outside S,
 * which by (1) run at actors no step of the set runs at, and steps of different actors commute
 * in this runtime (an append at an inbox's tail and a delivery from its head, in either order,
 * give the same state; por.ts). A step of the set sends into an inbox another thread later
 * delivers from: not a dependency, for the same reason (it may enable a step there, never
 * disable or change one), so (1) does not count sends. The smallest such set over every start
 * thread is taken; none smaller than all of s's steps: s is expanded in full.
 */
function stubbornAt(
  w: ControlledWorld,
  g: StateGraph,
  lab: Labels,
  o: Oracle,
  s: number,
  p: MonitorPlan,
  f: Facts,
  rule: 'monitors' | 'none',
): number {
  const { m, per, aw, tw, T } = o;
  const base = s * per;
  const first = g.edgeStart[s];
  const last = g.edgeStart[s + 1];
  const enabled = new Uint8Array(T);
  for (let e = first; e < last; e++) enabled[lab.thread[g.edgeStep[e]]] = 1;
  let best = -1;
  let bestSize = last - first;
  const act = new Uint32Array(aw);
  const inS = new Uint8Array(T);
  for (let start = 0; start < T; start++) {
    if (!enabled[start]) continue;
    inS.fill(0);
    act.fill(0);
    inS[start] = 1;
    let grew = true;
    while (grew) {
      grew = false;
      for (let e = first; e < last; e++) {
        if (!inS[lab.thread[g.edgeStep[e]]]) continue;
        const a = w.localSteps[g.edgeStep[e]].actor;
        act[a >>> 5] |= 1 << (a & 31);
      }
      for (let u = 0; u < T; u++) {
        if (inS[u]) continue;
        let dep = false;
        for (let i = 0; i < aw && !dep; i++) if (m[base + u * aw + i] & act[i]) dep = true;
        for (let v = 0; v < T && !dep; v++)
          if (inS[v] && (m[base + T * aw + u * tw + (v >>> 5)] >>> (v & 31)) & 1) dep = true;
        if (dep) {
          inS[u] = 1;
          grew = true;
        }
      }
    }
    let mask = 0;
    for (let u = 0; u < T; u++) if (inS[u]) mask |= 1 << u;
    const size = setSize(w, g, lab, s, mask, p, f, rule);
    if (size >= 0 && size < bestSize) {
      bestSize = size;
      best = mask;
    }
  }
  return best;
}

/** How many of s's steps the threads in `mask` have; -1 if one is visible under `rule`. */
function setSize(
  w: ControlledWorld,
  g: StateGraph,
  lab: Labels,
  s: number,
  mask: number,
  p: MonitorPlan,
  f: Facts,
  rule: 'monitors' | 'none',
): number {
  let size = 0;
  for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
    const ls = w.localSteps[g.edgeStep[e]];
    if (((mask >>> lab.thread[ls.id]) & 1) === 0) continue;
    size++;
    if (rule === 'monitors' && (f.read(ls.actor) || p.visible(ls) || ls.sends.some((x, k) => k % 2 === 0 && f.read(x))))
      return -1;
  }
  return size;
}

/**
 * The exact rule: the same sets, but each thread set S checked against the paths that matter,
 * those made only of steps of threads outside S (the argument above shows no other path avoids
 * the set), with the oracle recomputed for each S: touch and adds of the threads outside S over
 * their own paths. A thread waiting on S (a lock S holds) then no longer counts what it would
 * do once S let it go. Any S containing an enabled thread and passing is a persistent set; the
 * smallest is taken. Returns, per state, the passing S as bits of one word (2^threads ≤ 32).
 */
function exactSets(w: ControlledWorld, g: StateGraph, lab: Labels, pr: ReturnType<typeof predecessors>) {
  const T = lab.names.length;
  if (T > 5) throw new Error(`${T} threads: the exact rule enumerates thread sets up to 5 threads`);
  const all = (1 << T) - 1;
  const ok = new Uint32Array(g.count);
  const act = new Uint32Array(Math.ceil(w.actors.length / 32));
  for (let set = 1; set < all; set++) {
    const o = oracle(w, g, lab, pr, all & ~set);
    const { m, per, aw, tw } = o;
    for (let s = 0; s < g.count; s++) {
      act.fill(0);
      let inside = 0;
      let outside = 0;
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
        const u = lab.thread[g.edgeStep[e]];
        if (((set >>> u) & 1) === 0) {
          outside++;
          continue;
        }
        inside++;
        const a = w.localSteps[g.edgeStep[e]].actor;
        act[a >>> 5] |= 1 << (a & 31);
      }
      if (inside === 0 || outside === 0) continue;
      let pass = true;
      const base = s * per;
      for (let u = 0; u < T && pass; u++) {
        if ((set >>> u) & 1) continue;
        for (let i = 0; i < aw; i++) if (m[base + u * aw + i] & act[i]) pass = false;
        if (m[base + T * aw + u * tw] & set) pass = false;
      }
      if (pass) ok[s] |= 1 << set;
    }
  }
  return ok;
}

function exactAt(
  w: ControlledWorld,
  g: StateGraph,
  lab: Labels,
  ok: Uint32Array,
  s: number,
  p: MonitorPlan,
  f: Facts,
  rule: 'monitors' | 'none',
): number {
  let best = -1;
  let bestSize = g.edgeStart[s + 1] - g.edgeStart[s];
  for (let set = 1; set < 32; set++) {
    if (((ok[s] >>> set) & 1) === 0) continue;
    const size = setSize(w, g, lab, s, set, p, f, rule);
    if (size >= 0 && size < bestSize) {
      bestSize = size;
      best = set;
    }
  }
  return best;
}

/** The breadth-first search over the full graph, expanding at s the steps of the threads `choose(s)` gives (-1: all). */
function stubbornSearch(g: StateGraph, lab: Labels, choose: (s: number) => number, withProviso = true) {
  const threadOfEdge = (e: number) => lab.thread[g.edgeStep[e]];
  return setSearch(
    g,
    (s) => {
      const set = choose(s);
      return set < 0 ? null : (e) => ((set >>> threadOfEdge(e)) & 1) === 1;
    },
    withProviso,
  );
}

/**
 * Breadth-first search over the full graph, expanding at s only the edges `inSet(s)` admits (null:
 * all), with the cycle proviso (a reduced expansion reaching a state already seen is made full)
 * unless `withProviso` is false.
 */
function setSearch(g: StateGraph, inSetAt: (s: number) => ((e: number) => boolean) | null, withProviso = true) {
  const seen = new Uint8Array(g.count);
  const queue = new Int32Array(g.count);
  let head = 0;
  let tail = 0;
  let transitions = 0;
  let reduced = 0;
  let proviso = 0;
  seen[0] = 1;
  queue[tail++] = 0;
  while (head < tail) {
    const s = queue[head++];
    const inSet = inSetAt(s);
    let full = inSet === null;
    if (inSet !== null) {
      if (withProviso)
        for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) if (inSet(e) && seen[g.edgeTo[e]]) full = true;
      if (full) proviso++;
      else reduced++;
    }
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      if (!full && !inSet!(e)) continue;
      transitions++;
      const t = g.edgeTo[e];
      if (seen[t] === 0) {
        seen[t] = 1;
        queue[tail++] = t;
      }
    }
  }
  return { states: tail, transitions, reduced, proviso, seen };
}
