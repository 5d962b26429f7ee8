/**
 * How one sampled schedule picks its steps. Every chooser works on the enabled steps of the
 * moment as a list of candidates, each tagged with its *thread of control* (the `thread` of
 * the message it delivers, delivery.ts): a kernel thread's call chain (thread → mm → core →
 * sub → driver → lock → device) is one thread of control however many actors it passes
 * through, which is what a scheduler of real threads, and PCT's analysis, see as one thread.
 *
 *   - `random`: uniform among the enabled steps (the same draws as `mirrorlab run --seed`).
 *   - `pct`: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 *     "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010):
 *     each thread of control gets a random priority when first seen, d-1 change points are
 *     drawn uniformly among the k steps a schedule is expected to take, the highest-priority
 *     enabled thread runs, and at a change point the running thread drops below every initial
 *     priority. A bug of depth d is found with probability at least 1/(n·k^(d-1)) per schedule.
 *   - `weighted`: uniform random with per-thread weights: each thread of control is `slow`
 *     with some probability, and a slow thread is picked with a small weight. One of the
 *     swarm's configurations (below); with no slow thread it is `random`.
 *   - `swarm`: swarm testing (Groce, Zhang, Eide, Chen, Regehr, "Swarm Testing", ISSTA 2012):
 *     every schedule draws its own configuration (pct with a random depth up to the scenario's
 *     bound, or weighted random with random slow threads), so different schedules omit
 *     different interleaving "features" instead of every schedule averaging over all of them.
 */
import type { Random } from './random.ts';

/** A chooser's configuration for one schedule, drawn from the schedule's seed. */
export type SampleConfig =
  | { kind: 'random' }
  | { kind: 'pct'; depth: number; steps: number }
  | { kind: 'weighted'; slow: number; weight: number };

/**
 * How samplingSearch draws its schedules: `random` picks each step uniformly, `pct` is
 * probabilistic concurrency testing (random thread priorities with a few change points, good at
 * bugs of small depth), `swarm` gives each schedule its own random configuration so schedules
 * differ in what they leave out.
 *
 * @example
 * ```ts
 * import { defaultMonitors, type SamplingStrategy, samplingSearch, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * for (const strategy of ['random', 'pct', 'swarm'] satisfies SamplingStrategy[])
 *   samplingSearch(world, strategy, { monitors: defaultMonitors(), schedules: 100, seed: 7 });
 * ```
 */
export type SamplingStrategy = 'random' | 'pct' | 'swarm';

/** What a strategy needs to know of the scenario (from its pilot schedules, `sampling-runner.ts`). */
export interface ScenarioShape {
  /** Steps a schedule takes, on average (PCT's k). */
  steps: number;
  /** Threads of control a schedule runs, at most (PCT's n). */
  threads: number;
}

export interface StrategyOptions {
  /** PCT's depth d; default: chosen from the scenario (`defaultPctDepth`). */
  pctDepth?: number;
}

/**
 * PCT's depth when none is given: three more than the scenario's threads of control, between
 * 5 and 10. The planted bugs need one to three preemptions at the right steps, but here a
 * thread also blocks at every call it waits on and a schedule is short (30–200 steps), so extra
 * change points cost little and add orders. Measured (docs/performance.md, "Sampling"): depths
 * 4–6 find the bundled planted bugs 1.3–2× sooner than depth 3 and 2–3× sooner than depth 2,
 * and the corpus's narrowest window (set-seq-after-unlock's use-after-free) needs 6 or more.
 */
export function defaultPctDepth(shape: ScenarioShape): number {
  return Math.max(5, Math.min(10, shape.threads + 3));
}

/** The deepest PCT configuration swarm draws (from depth 3): the default + 2. */
export function swarmMaxDepth(shape: ScenarioShape): number {
  return defaultPctDepth(shape) + 2;
}

/**
 * Swarm's share of PCT configurations (the rest are weighted random) and its shallowest depth.
 * Measured against half PCT of depth 2..D: the planted bugs were found 1.1–1.6× sooner.
 */
const SWARM_PCT = 0.75;
const SWARM_MIN_DEPTH = 3;

/** The configuration of one schedule, drawn first from its generator. */
export function drawConfig(
  strategy: SamplingStrategy,
  rng: Random,
  shape: ScenarioShape,
  o: StrategyOptions,
): SampleConfig {
  if (strategy === 'random') return { kind: 'random' };
  if (strategy === 'pct') return { kind: 'pct', depth: o.pctDepth ?? defaultPctDepth(shape), steps: shape.steps };
  // Swarm: three schedules in four PCT with a depth of 3..D, one in four weighted random with
  // a random share of slow threads.
  if (rng.next() < SWARM_PCT) {
    const depth = o.pctDepth ?? SWARM_MIN_DEPTH + rng.int(swarmMaxDepth(shape) - SWARM_MIN_DEPTH + 1);
    return { kind: 'pct', depth, steps: shape.steps };
  }
  return { kind: 'weighted', slow: Math.round(rng.next() * 100) / 100, weight: WEIGHTS[rng.int(WEIGHTS.length)] };
}

const WEIGHTS = [1 / 4, 1 / 16, 1 / 64];

export function configText(c: SampleConfig): string {
  switch (c.kind) {
    case 'random':
      return 'random';
    case 'pct':
      return `pct depth ${c.depth}, k ${c.steps}`;
    case 'weighted':
      return `weighted random, ${Math.round(c.slow * 100)} % of threads slow (weight ${c.weight})`;
  }
}

/** Picks the next step of one schedule: an index into the candidates. */
export interface Chooser {
  /**
   * `threads[0 .. count)`: each enabled step's thread of control (a small integer); `stepNo`:
   * 1 for a schedule's first step.
   */
  pick(threads: Int32Array, count: number, stepNo: number): number;
}

export function makeChooser(c: SampleConfig, rng: Random): Chooser {
  switch (c.kind) {
    case 'random':
      return { pick: (_t, count) => rng.int(count) };
    case 'pct':
      return new PctChooser(rng, c.depth, c.steps);
    case 'weighted':
      return new WeightedChooser(rng, c.slow, c.weight);
  }
}

/** A per-thread value table that grows with the thread numbers seen (0: not seen yet). */
function grown(a: Float64Array<ArrayBuffer>, t: number): Float64Array<ArrayBuffer> {
  if (t < a.length) return a;
  const b = new Float64Array(Math.max(a.length * 2, t + 1));
  b.set(a);
  return b;
}

class PctChooser implements Chooser {
  private prio = new Float64Array(16);
  /** Change points, by step number, and the priority each sets. */
  private readonly at: Int32Array;
  private readonly to: Float64Array;

  constructor(
    private readonly rng: Random,
    private readonly depth: number,
    steps: number,
  ) {
    this.at = new Int32Array(depth - 1);
    this.to = new Float64Array(depth - 1);
    for (let i = 1; i < depth; i++) {
      this.at[i - 1] = 1 + rng.int(Math.max(1, steps));
      this.to[i - 1] = depth - i;
    }
  }

  pick(threads: Int32Array, count: number, stepNo: number): number {
    let best = -1;
    let bestPrio = -1;
    let same = 0;
    for (let c = 0; c < count; c++) {
      const t = threads[c];
      this.prio = grown(this.prio, t);
      let p = this.prio[t];
      // A new thread of control gets a random initial priority, above every change point's.
      if (p === 0) p = this.prio[t] = this.depth + this.rng.next();
      if (p > bestPrio) {
        bestPrio = p;
        best = c;
        same = 1;
      } else if (t === threads[best]) same++;
    }
    // Among the chosen thread's own alternatives (timers, choice options), pick at random.
    if (same > 1) {
      let nth = this.rng.int(same);
      const t = threads[best];
      for (let c = best; c < count; c++) if (threads[c] === t && nth-- === 0) best = c;
    }
    for (let i = 0; i < this.at.length; i++) if (this.at[i] === stepNo) this.prio[threads[best]] = this.to[i];
    return best;
  }
}

class WeightedChooser implements Chooser {
  private w = new Float64Array(16);
  constructor(
    private readonly rng: Random,
    private readonly slow: number,
    private readonly weight: number,
  ) {}

  pick(threads: Int32Array, count: number): number {
    let sum = 0;
    for (let c = 0; c < count; c++) {
      const t = threads[c];
      this.w = grown(this.w, t);
      let w = this.w[t];
      if (w === 0) w = this.w[t] = this.rng.next() < this.slow ? this.weight : 1;
      sum += w;
    }
    let r = this.rng.next() * sum;
    for (let c = 0; c < count; c++) {
      r -= this.w[threads[c]];
      if (r < 0) return c;
    }
    return count - 1;
  }
}
