/**
 * A return from a kernel call is no scheduling point: the reply is taken in the step that
 * answers it, where that changes no verdict (issue 12: coarser steps where they change no
 * verdict). The receivers that qualify: the calling threads, the built-in drivers, and the
 * subscriptions and notifier cores along an invalidation's walk; and one delivery that is no
 * reply, a map posted to an idle device (machines/device-movers.ts), on the same argument.
 *
 * The trust issue's granularity gives a scheduling point per kernel call. In the model a call is
 * two deliveries: the request at the callee, where it takes effect, and the reply at the caller.
 * Where the reply's delivery is a *left mover* in Lipton's sense (R. J. Lipton, "Reduction: a
 * method of proving properties of parallel programs", CACM 18(12), 1975; as in Flanagan and
 * Qadeer's atomicity types), running it at once, in the step that sends the reply, reaches every
 * state the interleaved runs reach that a monitor could tell apart. It is one when:
 *   - steps of other actors commute with it (it changes its receiver's situation and appends to
 *     inboxes on channels of the receiver's own: the runtime's delivery rules, delivery.ts);
 *   - whatever else its receiver could take before it commutes with it too. A thread actor
 *     whose returns are taken is the bundled thread machine that no signal will come to
 *     (`signalsToCome`, and no op of any thread signals it), so its only messages are replies
 *     to the one call it has outstanding. A built-in driver (createDriverMachine's, not a
 *     module's own) serves several threads at once, and machines/drivers/movers.ts says which of
 *     its replies commute with everything else it could take meanwhile, and why; and
 *     machines/notifier-movers.ts says it for the returns along an invalidation's walk (a
 *     callback's to its subscription, the subscription's to the core), which need a world of
 *     shipped machines where no two walks of one core overlap, and for a subscription's calls
 *     (a read_retry under the driver's lock, a walk's call); machines/device-movers.ts says it
 *     for a device's maps;
 *   - it delivers a message the step just sent, deliverable now, with no choice or timer
 *     pending. A thread's reply must be its only message; another receiver may have other
 *     steps enabled, which its rule's argument covers as it covers those still to come (a
 *     subscription's rule is told their types), and test/explorer/movers-audit.test.ts checks
 *     on whole graphs that each pair commutes;
 *   - no monitor can see it: every monitor that judges steps says what it reads (`reads`,
 *     `inFlight`), the delivery is `global` to none, a monitor that reads the receiver names
 *     the fields it reads (`fieldsRead`) and the delivery leaves them as they were (and none of
 *     them reads the reply on its way), and what the delivery sends is of no type a monitor
 *     reading its receiver names in `inFlight`. One exception, where every machine is one the
 *     package ships (machines/bundled.ts): a `threadScoped` monitor may judge the delivery
 *     globally and read what it sends on their way, if all of that concerns the reply's own
 *     thread only. Such a monitor tells nothing of a thread that neither runs the step it
 *     judges nor waits, and among shipped machines a thread whose reply is on its way is such a
 *     thread, with nothing changing what concerns it, until the reply is taken
 *     (test/explorer/resting-threads.test.ts checks it on whole state graphs). And a monitor
 *     that judges the delivery or reads what it changes may say that taking it early changes
 *     none of its verdicts (`Monitor.allowsEarly`: stale-spte of a map that only adds entries);
 *     it then judges it where it is taken.
 * A fused delivery is still judged by the monitors it is `local` to (the thread's expectation
 * checks), and by those allowed to judge it where it is taken, each from the state it was taken
 * in (the chain before it may have changed what they read: a lock's release granting the lock
 * to the thread whose read_retry answer follows); counterexamples list it as the step it is, so
 * they replay in the full semantics. It runs once the step that sent it is whole (`sendAll`).
 * Terminal states are untouched (a pending reply is a step), and a cycle that postpones a reply
 * forever is unfair to its channel (nothing disables it: the receiver can take nothing else
 * that would), so no livelock verdict changes either.
 *
 * In practice what is taken: a thread's returns (with a module's driver in the world, only its
 * last and those after which it goes on without waiting: a call that sleeps is judged by the
 * sleep rules, thread-scoped, which need shipped machines), the built-in driver's replies
 * movers.ts names (and a thread's fault call when that thread is the only one that faults into
 * the driver: `faultsFromOneThread`), and the walk's returns and the subscription's calls
 * notifier-movers.ts names (its sends FIFO per thread: src/scenario/compile.ts). A thread-scoped
 * monitor may
 * read a field such a return changes (the subscription's running callbacks, the core's walks)
 * when only the returning thread's entries change.
 *
 * Measured on seq-retry (docs/performance.md, "Returns are no scheduling points"). The mm's
 * replies (`core.endDone`) commute the same way on the bundled scenarios (`npm run
 * bench:returns`), but what the mm does next is a whole operation's next attempt (it may free
 * pages, release the mmap lock): they stay scheduling points.
 */
import { isBundledMachine } from '../../../machines/bundled.ts';
import { type DeviceContext, deviceMachine } from '../../../machines/device.machine.ts';
import { mapCommutes, postedByThreads } from '../../../machines/device-movers.ts';
import { isBuiltInDriverMachine } from '../../../machines/drivers/driver.machine.ts';
import type { DriverContext } from '../../../machines/drivers/driver-types.ts';
import { faultsFromOneThread, replyCommutes } from '../../../machines/drivers/movers.ts';
import { notifierCoreMachine } from '../../../machines/notifier-core.machine.ts';
import type { NotifierCoreContext } from '../../../machines/notifier-core-types.ts';
import {
  coreReplyCommutes,
  retriesUnderLock,
  type SubscriptionWorld,
  subscriptionReplyCommutes,
  walksMayOverlap,
} from '../../../machines/notifier-movers.ts';
import { type RangeNotifierContext, rangeNotifierMachine } from '../../../machines/range-notifier.machine.ts';
import { threadMachine } from '../../../machines/thread.machine.ts';
import type { Interest, Monitor } from '../../monitors/monitor.ts';
import { differOnlyFor } from '../../monitors/thread-part.ts';
import type { ControlledWorld, LocalStep, SemanticStep, StepRecord } from '../../runtime/controlled-world.ts';

const UNKNOWN = 0;
const FUSE = 1;
const KEEP = 2;

/** Receivers whose replies may be taken at once. */
const NONE = 0;
const THREAD = 1;
const DRIVER = 2;
/** A subscription and the notifier core: where every machine is shipped and the core's walks never overlap (notifier-movers.ts). */
const SUBSCRIPTION = 3;
const CORE = 4;
/** A device no thread posts to: the maps its driver posts to its empty ring while it runs no job (device-movers.ts). */
const DEVICE = 5;

/**
 * A monitor reading an actor: the context fields it names (null: the whole situation), the types
 * it reads on their way (null: any), and whether it is `threadScoped`.
 */
interface Reader {
  monitor: Monitor;
  fields: readonly string[] | null;
  inFlight: ReadonlySet<string> | null;
  threadScoped: boolean;
}

export class ReturnFusion {
  /** Per actor: NONE, or the kind of receiver whose replies are taken at once. */
  private readonly kinds: Uint8Array;
  /** Per actor: the monitors that read it. */
  private readonly readers: Reader[][];
  /** Whether every machine is one the package ships: threads with a reply on their way are then at rest. */
  private readonly bundled: boolean;
  /** Per subscription actor: what its rule needs to know of the world (notifier-movers.ts). */
  private readonly subWorlds = new Map<number, SubscriptionWorld>();
  /** The built-in drivers whose requests can only be one thread's faults (drivers/movers.ts). */
  private readonly oneFaulter = new Set<number>();
  /** Per local step id: whether it may be taken at once (FUSE), or not (KEEP). */
  private verdicts = new Uint8Array(64);

  /**
   * The fusion for a search with these monitors, or null when none can be done: some monitor
   * that judges steps does not say what it reads, or no receiver qualifies.
   */
  static for(world: ControlledWorld, monitors: readonly Monitor[]): ReturnFusion | null {
    if (monitors.some((m) => m.onStep && !m.reads)) return null;
    const fusion = new ReturnFusion(world, monitors);
    return fusion.kinds.some((k) => k !== NONE) ? fusion : null;
  }

  private constructor(
    private readonly world: ControlledWorld,
    private readonly monitors: readonly Monitor[],
  ) {
    this.readers = world.actors.map(() => []);
    this.bundled = world.actors.every((a) => isBundledMachine(a.machine));
    for (const m of monitors) {
      if (!m.onStep) continue;
      const inFlight = m.inFlight === undefined ? null : new Set(m.inFlight);
      const threadScoped = m.threadScoped === true;
      for (const a of m.reads!(world))
        this.readers[a].push({ monitor: m, fields: m.fieldsRead?.(world, a) ?? null, inFlight, threadScoped });
    }
    const signalled = new Set<string>();
    for (const a of world.actors) {
      const ops = (a.input as { ops?: { to?: string; event?: { type?: string } }[] }).ops;
      if (Array.isArray(ops))
        for (const op of ops) if (op.event?.type === 'thread.signal' && op.to) signalled.add(op.to);
    }
    // The walks of a core's invalidations one at a time, among shipped machines (notifier-movers.ts).
    const inputs = world.actors.map((a) => a.input);
    const walksAlone = (core: string): boolean => {
      const mm = (world.actors.find((a) => a.id === core)?.input as { mm?: string } | undefined)?.mm;
      return this.bundled && mm !== undefined && !walksMayOverlap(inputs, mm);
    };
    this.kinds = Uint8Array.from(world.actors, (a, i) => {
      // A monitor that reads the receiver whole sees every delivery to it.
      if (this.readers[i].some((r) => r.fields === null)) return NONE;
      if (a.machine === threadMachine)
        return !(a.input as { signalsToCome?: number }).signalsToCome && !signalled.has(a.id) ? THREAD : NONE;
      if (a.machine === rangeNotifierMachine) {
        const { core, driver } = a.input as { core: string; driver: string };
        const around = {
          walksAlone: walksAlone(core),
          retriesUnderLock: this.bundled && retriesUnderLock(world.actors, driver),
        };
        this.subWorlds.set(i, around);
        return around.walksAlone || around.retriesUnderLock ? SUBSCRIPTION : NONE;
      }
      if (a.machine === notifierCoreMachine) return walksAlone(a.id) ? CORE : NONE;
      if (a.machine === deviceMachine) return postedByThreads(inputs, a.id) ? NONE : DEVICE;
      if (!isBuiltInDriverMachine(a.machine)) return NONE;
      const dev = (a.input as { dev?: string }).dev;
      if (this.bundled && dev !== undefined && faultsFromOneThread(inputs, a.id, dev)) this.oneFaulter.add(i);
      return DRIVER;
    });
  }

  /** Whether a reply reaching actor `actor` may be taken at once (what it does then depends on the actor's other messages). */
  takesAt(actor: number): boolean {
    return this.kinds[actor] !== NONE;
  }

  /** The actors whose deliveries may be taken at once (ids): threads, built-in drivers, subscriptions, cores, devices. */
  receivers(): string[] {
    return this.world.actors.filter((_, i) => this.kinds[i] !== NONE).map((a) => a.id);
  }

  /**
   * The local step to take at once in actor `actor`'s situation `local`, which a step just sent
   * messages to: the delivery of a reply, when it qualifies (see above); -1 otherwise. The caller
   * takes it only if it delivers one of the messages just sent (`delivers`).
   */
  takeNow(actor: number, local: number): number {
    const kind = this.kinds[actor];
    if (kind === NONE) return -1;
    const { world } = this;
    const l = world.local(actor, local);
    if (l.choice !== 0 || l.timers.length !== 0) return -1;
    if (kind === THREAD && (l.inbox.length !== 1 || world.message(l.inbox[0]).thread !== world.actors[actor].id))
      return -1;
    const steps = world.stepsOf(actor, local);
    // A thread's reply is its only step. Another receiver may have other steps: its rule says
    // its delivery commutes with whatever else it could take (a subscription's is told what).
    const ls = kind === THREAD ? steps[0] : newestDelivery(world, steps, l.inbox);
    if (ls === undefined || (kind === THREAD && steps.length !== 1)) return -1;
    const id = ls.id;
    if (id >= this.verdicts.length) {
      const more = new Uint8Array(Math.max(this.verdicts.length * 2, id + 1));
      more.set(this.verdicts);
      this.verdicts = more;
    }
    if (this.verdicts[id] === UNKNOWN) this.verdicts[id] = this.qualifies(ls, kind, steps) ? FUSE : KEEP;
    return this.verdicts[id] === FUSE ? id : -1;
  }

  /**
   * Whether the receiver's step `ls` (one of its `steps`) is a reply it takes as a left mover,
   * unseen by every monitor.
   */
  private qualifies(ls: LocalStep, kind: number, steps: readonly LocalStep[]): boolean {
    if (kind === THREAD) return this.invisible(ls, ls.record ?? this.world.resolve(ls));
    const { world } = this;
    const record = ls.record ?? world.resolve(ls);
    // A reply the receiver's other work commutes with.
    const context = world.snapshotById(ls.actor, record.before).context;
    const event = record.message.event as { type: string; tid?: unknown };
    const commutes =
      kind === DRIVER
        ? replyCommutes(context as DriverContext, event, this.oneFaulter.has(ls.actor))
        : kind === SUBSCRIPTION
          ? subscriptionReplyCommutes(
              context as RangeNotifierContext,
              event,
              this.subWorlds.get(ls.actor)!,
              steps.filter((o) => o !== ls).map((o) => (o.record ?? world.resolve(o)).message.event.type),
            )
          : kind === CORE
            ? coreReplyCommutes(context as NotifierCoreContext, event)
            : mapCommutes(context as DeviceContext, event);
    return commutes && this.invisible(ls, record);
  }

  /**
   * No monitor judges the step globally, none sees what it changes, none reading a receiver
   * reads what it sends. Where every machine is one the package ships, the thread whose reply
   * this is stays at rest until it is taken (machines/bundled.ts): a `threadScoped` monitor
   * cannot tell then whether it was taken, so one may judge the step globally and read what it
   * sends, as long as all of that concerns that thread alone.
   */
  private invisible(ls: LocalStep, record: StepRecord): boolean {
    const { world } = this;
    const own = this.bundled ? replyThread(world, ls.actor, record) : null;
    const aboutOwn = own !== null && namesOnly(world, record, own);
    for (const m of this.monitors) {
      const interest: Interest = !m.onStep ? 'skip' : m.interest ? m.interest(world, record) : 'global';
      if (interest === 'global' && !(aboutOwn && m.threadScoped) && !m.allowsEarly?.(world, record)) return false;
    }
    const readers = this.readers[ls.actor];
    if (readers.length > 0) {
      const before = world.snapshotById(ls.actor, record.before).context as Record<string, unknown>;
      const after = world.snapshotById(ls.actor, record.after).context as Record<string, unknown>;
      const type = record.message.event.type;
      for (const r of readers) {
        // It judges the step where it is taken, and says taking it early changes none of its verdicts.
        if (r.monitor.allowsEarly?.(world, record)) continue;
        if (r.inFlight === null || r.inFlight.has(type)) return false;
        for (const f of r.fields!) {
          if (JSON.stringify(before[f]) === JSON.stringify(after[f])) continue;
          // A thread-scoped monitor tells nothing of the thread at rest: its own entries may change.
          if (!(aboutOwn && r.threadScoped && differOnlyFor(before[f], after[f], own!))) return false;
        }
      }
    }
    // What lands in inboxes now: the receiver's next call, and the rest of the answering chain.
    const sends = ls.sends;
    for (let k = 0; k < sends.length; k += 2) {
      const event = world.message(sends[k + 1]).event as { type: string; tid?: unknown };
      for (const r of this.readers[sends[k]]) {
        if (r.inFlight !== null && !r.inFlight.has(event.type)) continue;
        if (!(aboutOwn && r.threadScoped && r.inFlight !== null)) return false;
      }
    }
    return true;
  }
}

/**
 * Of `steps`, the delivery of the message that came last to `inbox`: the one a step that just
 * sent to this actor may take at once (its caller checks that it sent that message).
 */
function newestDelivery(
  world: ControlledWorld,
  steps: readonly LocalStep[],
  inbox: readonly number[],
): LocalStep | undefined {
  let newest: LocalStep | undefined;
  let at = -1;
  for (const s of steps) {
    const k = inbox.lastIndexOf((s.record ?? world.resolve(s)).msg);
    if (k > at) {
      at = k;
      newest = s;
    }
  }
  return newest;
}

/** The thread of control a reply answers: a thread actor's own, or the tid a driver's reply names. */
function replyThread(world: ControlledWorld, actor: number, record: StepRecord): string | null {
  if (world.actors[actor].machine === threadMachine) return world.actors[actor].id;
  const tid = (record.message.event as { tid?: unknown }).tid;
  return typeof tid === 'string' ? tid : null;
}

/** Whether every tid the step's observations and sends name is `tid`. */
function namesOnly(world: ControlledWorld, record: StepRecord, tid: string): boolean {
  for (const o of record.observations) if (o.tid !== undefined && o.tid !== tid) return false;
  for (const s of record.sends) {
    const t = (world.message(s.msg).event as { tid?: unknown }).tid;
    if (t !== undefined && t !== tid) return false;
  }
  return true;
}

/**
 * Writes into `out` the state after local step `id` from `vec`, taking the returns `fusion` takes
 * on the way (their local step ids pushed to `took`, in the order they ran), exactly as the
 * search's children do (`sendAll`). Without `fusion`, `ControlledWorld.applyInto`.
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

/**
 * Appends all of step `ls`'s sends, then takes the returns they reached, in the order it sent
 * them, each followed by the same for its own sends (the search's expansion, state-search.ts
 * `takeReturns`, runs in this order too). A taken delivery so runs only once the step that
 * reached it is whole, as it may in the full semantics: taking it between two of the step's
 * sends could put what its chain posts ahead of the step's later sends on a channel they share
 * (a lock's release granting the fault path the lock, whose chain posts a map to a device's ring
 * before the releasing callback's zap: test/explorer/fixtures/reduction-regressions/).
 */
function sendAll(world: ControlledWorld, fusion: ReturnFusion | null, out: Int32Array, ls: LocalStep, took: number[]) {
  const sends = ls.sends;
  for (let k = 0; k < sends.length; k += 2) out[sends[k]] = world.append(sends[k], out[sends[k]], sends[k + 1]);
  if (fusion === null) return;
  for (let k = 0; k < sends.length; k += 2) {
    const to = sends[k];
    const f = fusion.takeNow(to, out[to]);
    if (f < 0) continue;
    const taken = world.localSteps[f];
    // Only the delivery of what this step sent: one waiting from before was no scheduling point's to take.
    if ((taken.record ?? world.resolve(taken)).msg !== sends[k + 1]) continue;
    took.push(f);
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
