/**
 * `npm run bench:persistent -- [scenario] [k=v ...]`: how many states would persistent sets of one
 * actor's steps remove? (issue 12, item 1). A measurement, not a reduction the explorer runs.
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
 *   npm run bench:persistent -- scenarios/bench/seq-retry.yaml ndrv=2 rounds=2
 */
import { worldFor } from '../src/check/world-for.ts';
import { ViolationLog } from '../src/explorer/counterexamples/violation-log.ts';
import { buildStateGraph, type StateGraph } from '../src/explorer/liveness/state-graph.ts';
import { MonitorPlan } from '../src/explorer/search/monitor-plan.ts';
import { defaultMonitors } from '../src/monitors/index.ts';
import type { ControlledWorld } from '../src/runtime/controlled-world.ts';

const [file = 'scenarios/bench/seq-retry.yaml', ...knobs] = process.argv.slice(2);
const params = Object.fromEntries(
  knobs.map((kv) => {
    const [k, v] = kv.split('=');
    return [k, Number(v)];
  }),
);
const { world } = await worldFor(file, undefined, params);
const graph = buildStateGraph(world, 20_000_000, false);
if (!graph.complete) throw new Error(`${file}: the state graph passed 20,000,000 states; pick smaller knobs`);
const monitors = defaultMonitors();
const plan = new MonitorPlan(world, monitors, new ViolationLog(monitors, { world }));
const facts = learn(world, plan);

console.log(`${file} ${JSON.stringify(params)}: ${graph.count} states, ${graph.edgeTo.length} transitions (exact)`);
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
    `visibility ${rule.padEnd(8)}: ${r.states} states (−${cut} %), ${r.transitions} transitions; ${r.reduced} expansions reduced, ${r.proviso} expanded in full by the cycle proviso`,
  );
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
  const seen = new Uint8Array(g.count);
  const queue = new Int32Array(g.count);
  let head = 0;
  let tail = 0;
  let transitions = 0;
  let reduced = 0;
  let proviso = 0;
  seen[0] = 1;
  queue[tail++] = 0;
  const actorOf = (e: number) => w.localSteps[g.edgeStep[e]].actor;
  while (head < tail) {
    const s = queue[head++];
    const a = candidate(w, g.vecs.subarray(s * n, (s + 1) * n), f, p, rule);
    let full = a < 0;
    if (!full) {
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) if (actorOf(e) === a && seen[g.edgeTo[e]]) full = true;
      if (full) proviso++;
      else reduced++;
    }
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      if (!full && actorOf(e) !== a) continue;
      transitions++;
      const t = g.edgeTo[e];
      if (seen[t] === 0) {
        seen[t] = 1;
        queue[tail++] = t;
      }
    }
  }
  return { states: tail, transitions, reduced, proviso };
}
