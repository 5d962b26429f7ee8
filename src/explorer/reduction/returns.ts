/**
 * A thread's return from a kernel call is no scheduling point: the reply is taken in the step
 * that answers it (issue 12: coarser steps where they change no verdict).
 *
 * The trust issue's granularity gives a scheduling point per kernel call. In the model a call is
 * two deliveries: the request at the callee, where it takes effect, and the reply at the calling
 * thread, which only lets the thread issue its next call. The second is a *left mover* in
 * Lipton's sense (R. J. Lipton, "Reduction: a method of proving properties of parallel
 * programs", CACM 18(12), 1975; as in Flanagan and Qadeer's atomicity types): no step of
 * another actor can depend on it, so running it at once, in the step that sends the reply,
 * reaches every state the interleaved runs reach that a monitor could tell apart. It holds for a
 * thread actor whose returns are taken here because:
 *   - nothing but its own thread ever sends to it: its machine is the bundled thread machine
 *     and no signal will come (`signalsToCome`, and no op of any thread signals it), so its only
 *     messages are replies to the one call it has outstanding;
 *   - steps of other actors commute with the delivery (it changes the thread's own situation and
 *     appends to inboxes on channels of its own: the runtime's delivery rules, delivery.ts);
 *   - no monitor can see it: every monitor that judges steps says what it reads (`reads`,
 *     `inFlight`), none reads a thread, the delivery is `global` to none, and what it sends next
 *     is of no type a monitor reading its receiver names in `inFlight`;
 *   - the reply is the only message in the thread's inbox, with no choice or timer pending, and
 *     deliverable: the step taken at once is the thread's only step there.
 * A fused delivery is still judged by the monitors it is `local` to (the thread's expectation
 * checks), and counterexamples list it as the step it is, so they replay in the full semantics.
 * Terminal states are untouched (a pending reply is a step), and a cycle that postpones a reply
 * forever is unfair to its thread, so no livelock verdict changes either.
 *
 * In practice what is taken is a thread's last return, and a return after which it goes on
 * without waiting: a return after which it calls again is judged by the sleep rules against the
 * locks and subscriptions (the call sleeps), so it stays a step.
 *
 * Measured on seq-retry (docs/performance.md, "Returns are no scheduling points"). The replies
 * to the driver, mm, notifier core and subscriptions commute the same way on the bundled
 * scenarios (`npm run bench:returns`), but a driver is the user's code (its fault path and
 * invalidate callback share its context) and the monitors read those actors: they stay
 * scheduling points.
 */
import { threadMachine } from '../../../machines/thread.machine.ts';
import type { Interest, Monitor } from '../../monitors/monitor.ts';
import type { ControlledWorld, LocalStep, SemanticStep, StepRecord } from '../../runtime/controlled-world.ts';

const UNKNOWN = 0;
const FUSE = 1;
const KEEP = 2;

export class ReturnFusion {
  /** Per actor: a thread whose returns are taken at once. */
  private readonly threads: Uint8Array;
  /** Per actor: the message types some monitor reads on their way to it (null: any type). */
  private readonly readInFlight: (ReadonlySet<string> | null)[];
  /** Per local step id: whether it may be taken at once (FUSE), or not (KEEP). */
  private verdicts = new Uint8Array(64);

  /**
   * The fusion for a search with these monitors, or null when none can be done: some monitor
   * that judges steps does not say what it reads, or no thread qualifies.
   */
  static for(world: ControlledWorld, monitors: readonly Monitor[]): ReturnFusion | null {
    if (monitors.some((m) => m.onStep && !m.reads)) return null;
    const fusion = new ReturnFusion(world, monitors);
    return fusion.threads.includes(1) ? fusion : null;
  }

  private constructor(
    private readonly world: ControlledWorld,
    private readonly monitors: readonly Monitor[],
  ) {
    const n = world.actors.length;
    const read = new Uint8Array(n);
    this.readInFlight = world.actors.map(() => new Set<string>());
    for (const m of monitors) {
      if (!m.onStep) continue;
      for (const a of m.reads!(world)) {
        read[a] = 1;
        const types = this.readInFlight[a];
        if (types === null) continue;
        if (m.inFlight === undefined) this.readInFlight[a] = null;
        else for (const t of m.inFlight) (types as Set<string>).add(t);
      }
    }
    const signalled = new Set<string>();
    for (const a of world.actors) {
      const ops = (a.input as { ops?: { to?: string; event?: { type?: string } }[] }).ops;
      if (Array.isArray(ops))
        for (const op of ops) if (op.event?.type === 'thread.signal' && op.to) signalled.add(op.to);
    }
    this.threads = Uint8Array.from(world.actors, (a, i) => {
      const input = a.input as { signalsToCome?: number };
      return a.machine === threadMachine && !(input.signalsToCome ?? 0) && !signalled.has(a.id) && read[i] === 0
        ? 1
        : 0;
    });
  }

  /** The threads whose returns are taken at once (actor ids). */
  threadsTaken(): string[] {
    return this.world.actors.filter((_, i) => this.threads[i] === 1).map((a) => a.id);
  }

  /**
   * The local step to take at once in actor `actor`'s situation `local`, which a message just
   * reached: the delivery of a thread's reply, when it qualifies (see above); -1 otherwise.
   */
  takeNow(actor: number, local: number): number {
    if (this.threads[actor] === 0) return -1;
    const l = this.world.local(actor, local);
    if (l.inbox.length !== 1 || l.choice !== 0 || l.timers.length !== 0) return -1;
    if (this.world.message(l.inbox[0]).thread !== this.world.actors[actor].id) return -1;
    const steps = this.world.stepsOf(actor, local);
    if (steps.length !== 1) return -1;
    const id = steps[0].id;
    if (id >= this.verdicts.length) {
      const more = new Uint8Array(Math.max(this.verdicts.length * 2, id + 1));
      more.set(this.verdicts);
      this.verdicts = more;
    }
    if (this.verdicts[id] === UNKNOWN) this.verdicts[id] = this.invisible(id) ? FUSE : KEEP;
    return this.verdicts[id] === FUSE ? id : -1;
  }

  /** No monitor judges the step globally, and no monitor reading a receiver reads what it sends. */
  private invisible(id: number): boolean {
    const { world } = this;
    const ls = world.localSteps[id];
    const record = ls.record ?? world.resolve(ls);
    for (const m of this.monitors) {
      const interest: Interest = !m.onStep ? 'skip' : m.interest ? m.interest(world, record) : 'global';
      if (interest === 'global') return false;
    }
    // What lands in inboxes now: the thread's next call, and the rest of the answering chain.
    const sends = ls.sends;
    for (let k = 0; k < sends.length; k += 2) {
      const types = this.readInFlight[sends[k]];
      if (types === null || types.has(world.message(sends[k + 1]).event.type)) return false;
    }
    return true;
  }
}

/**
 * Writes into `out` the state after local step `id` from `vec`, taking the returns `fusion` takes
 * on the way (their local step ids pushed to `took`, in the order they ran), exactly as the
 * search's children do: each right after the send that reached its thread. Without `fusion`,
 * `ControlledWorld.applyInto`.
 */
export function applyTakingReturns(
  world: ControlledWorld,
  fusion: ReturnFusion | null,
  vec: Int32Array,
  id: number,
  out: Int32Array,
  took: number[],
): StepRecord {
  const ls = world.localSteps[id];
  const record = ls.record ?? world.resolve(ls);
  out.set(vec);
  out[ls.actor] = ls.next;
  sendAll(world, fusion, out, ls, took);
  return record;
}

function sendAll(world: ControlledWorld, fusion: ReturnFusion | null, out: Int32Array, ls: LocalStep, took: number[]) {
  const sends = ls.sends;
  for (let k = 0; k < sends.length; k += 2) {
    const to = sends[k];
    out[to] = world.append(to, out[to], sends[k + 1]);
    const f = fusion === null ? -1 : fusion.takeNow(to, out[to]);
    if (f < 0) continue;
    took.push(f);
    const taken = world.localSteps[f];
    if (taken.record === null) world.resolve(taken);
    out[to] = taken.next;
    sendAll(world, fusion, out, taken, took);
  }
}

/** The semantic steps of local step `id` from `vec`, with the returns taken at once after it. */
export function stepsTakingReturns(
  world: ControlledWorld,
  fusion: ReturnFusion | null,
  vec: Int32Array,
  id: number,
): SemanticStep[] {
  const took: number[] = [];
  applyTakingReturns(world, fusion, vec, id, new Int32Array(vec.length), took);
  return [id, ...took].map((s) => world.semantic(world.localSteps[s].record!));
}
