/**
 * What one message does to one actor in one interned snapshot, computed by the actor's pure
 * machine once and then served from a cache (docs/architecture.md, "One set of machines, two
 * runtimes"): XState runs once per distinct local step and the machines stay the single source
 * of truth. Also cached: whether a state defers a message (`deferred`), which decides which
 * inbox messages an actor can take.
 */
import type { EventObject } from 'xstate';
import type { KChooseParams, Observation } from '../../machines/kernel-actions.ts';
import { deliveryPolicy, eventPolicy } from './event-policy.ts';
import type { Interned } from './interning.ts';
import { ModelError, type PureMachine } from './pure-step.ts';
import type { ActorSpec, CachedTransition } from './world-types.ts';

export class TransitionCache {
  /** Every cached transition, by id. */
  readonly all: CachedTransition[] = [];
  /** How often XState's own transition actually ran (the rest came from the cache). */
  xstateSteps = 0;
  /** Per actor: (snapshot id, message id) → transition. */
  private readonly byPair: Map<number, CachedTransition>[];
  /** Per actor: (snapshot id, event id) → what the machine did. */
  private readonly byEvent: Map<number, PureOutcome>[];
  private readonly defers: Map<number, boolean>[];

  constructor(
    private readonly actors: ActorSpec[],
    private readonly pure: PureMachine[],
    private readonly interned: Interned,
    /** Index of the actor a send names, or a ModelError naming the sender. */
    private readonly target: (to: string, from: number) => number,
  ) {
    this.byPair = actors.map(() => new Map());
    this.byEvent = actors.map(() => new Map());
    this.defers = actors.map(() => new Map());
  }

  /** Whether actor `actor` in snapshot `snap` defers message `msg` (leaves it in the inbox). */
  deferred(actor: number, snap: number, msg: number): boolean {
    const defers = this.defers[actor];
    const key = pairKey(snap, msg);
    let deferred = defers.get(key);
    if (deferred === undefined) {
      const event = this.interned.messages[msg].event;
      deferred = eventPolicy(this.interned.snapshots[actor][snap], event.type) === 'deferred';
      defers.set(key, deferred);
    }
    return deferred;
  }

  /**
   * The effect of message `msgId` on actor i in snapshot `local`: the machine's transition for
   * the message's event (run once per (snapshot, event), `pureStep`), with its sends chained in
   * the thread of control of the message (delivery.ts) and the message's own chain continued.
   */
  get(i: number, local: number, msgId: number): CachedTransition {
    const key = pairKey(local, msgId);
    const cached = this.byPair[i].get(key);
    if (cached) return cached;
    const interned = this.interned;
    const msg = interned.messages[msgId];
    const pure = this.pureStep(i, local, msgId);
    const thread = msg.thread;
    const chain = interned.chain(this.actors[i].id, thread, pure.sends);
    const appends = chain.first;
    let choice = 0;
    if (pure.choice) {
      // The caller's next call waits for the choice to be taken (the callee is still at work).
      choice = interned.choice({ ...pure.choice, thread, ...(msg.next ? { next: msg.next } : {}) });
    } else if (msg.next) {
      appends.push(...msg.next);
    }
    const result: CachedTransition = {
      id: this.all.length,
      actor: i,
      after: pure.after,
      policy: pure.policy,
      sends: chain.messages,
      appends,
      choice,
      timersSet: pure.timersSet,
      timersCancelled: pure.timersCancelled,
      observations: pure.observations,
    };
    this.all.push(result);
    this.byPair[i].set(key, result);
    return result;
  }

  /** What the machine itself does with the message's event: computed once per (snapshot, event). */
  private pureStep(i: number, local: number, msgId: number): PureOutcome {
    const interned = this.interned;
    const key = pairKey(local, interned.messageEvent[msgId]);
    const cached = this.byEvent[i].get(key);
    if (cached) return cached;
    const snapshot = interned.snapshots[i][local];
    const event = interned.messages[msgId].event;
    // A type handled only by transitions whose guards all fail counts as unhandled (event-policy.ts).
    const policy = deliveryPolicy(snapshot, event);
    let result: PureOutcome;
    if (policy === 'handled') {
      this.xstateSteps++;
      const r = this.pure[i].step(snapshot, event);
      result = {
        after: interned.snapshot(i, r.snapshot),
        policy,
        sends: r.sends.map((s) => ({ to: this.target(s.to, i), event: s.event })),
        choice: r.choice,
        timersSet: r.timersSet.map((tm) =>
          interned.message({ from: 'timer', event: tm.event, thread: this.actors[i].id, timerId: tm.id }),
        ),
        timersCancelled: r.timersCancelled,
        observations: r.observations,
      };
    } else {
      // Ignored on purpose, or unhandled (reported by the unhandled-event monitor): consumed, no change.
      result = {
        after: local,
        policy: policy === 'ignored' ? 'ignored' : 'unhandled',
        sends: [],
        choice: null,
        timersSet: [],
        timersCancelled: [],
        observations: [],
      };
    }
    this.byEvent[i].set(key, result);
    return result;
  }
}

/** A machine transition before its sends are put in a thread's chain. */
interface PureOutcome {
  after: number;
  policy: CachedTransition['policy'];
  sends: { to: number; event: EventObject }[];
  choice: KChooseParams | null;
  timersSet: number[];
  timersCancelled: string[];
  observations: Observation[];
}

/** One number for a (local state, message) pair; both stay far below 2^26 in any search we run. */
function pairKey(local: number, msg: number): number {
  if (msg >= 67_108_864) throw new ModelError('more than 2^26 distinct messages: the model is not finite');
  return local * 67_108_864 + msg;
}
