/**
 * What one message does to one actor in one interned snapshot, computed by the actor's pure
 * machine once and then served from a cache (xstate-notes §9): XState runs once per distinct
 * local step and the machines stay the single source of truth. Also cached: whether a state
 * defers a message (`deferred`), which decides which inbox messages an actor can take.
 */
import { eventPolicy } from './event-policy.ts';
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
  private readonly defers: Map<number, boolean>[];

  constructor(
    private readonly actors: ActorSpec[],
    private readonly pure: PureMachine[],
    private readonly interned: Interned,
    /** Index of the actor a send names, or a ModelError naming the sender. */
    private readonly target: (to: string, from: number) => number,
  ) {
    this.byPair = actors.map(() => new Map());
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

  /** The effect of message `msgId` on actor i in snapshot `local`. */
  get(i: number, local: number, msgId: number): CachedTransition {
    const key = pairKey(local, msgId);
    const cached = this.byPair[i].get(key);
    if (cached) return cached;
    const snapshot = this.interned.snapshots[i][local];
    const msg = this.interned.messages[msgId];
    let policy = eventPolicy(snapshot, msg.event.type);
    // A transition exists for the type (perhaps only a guarded wildcard), but none is enabled
    // for this event: nothing would happen, which is the silent drop the protocol forbids.
    if (policy === 'handled' && !snapshot.can(msg.event)) policy = 'unhandled';
    let result: CachedTransition;
    if (policy === 'handled') {
      this.xstateSteps++;
      const r = this.pure[i].step(snapshot, msg.event);
      const interned = this.interned;
      result = {
        id: this.all.length,
        actor: i,
        after: interned.snapshot(i, r.snapshot),
        policy,
        sends: r.sends.map((s) => ({
          to: this.target(s.to, i),
          msg: interned.message({ from: this.actors[i].id, event: s.event }),
        })),
        choice: r.choice ? interned.choice(r.choice) : 0,
        timersSet: r.timersSet.map((tm) => interned.message({ from: 'timer', event: tm.event, timerId: tm.id })),
        timersCancelled: r.timersCancelled,
        observations: r.observations,
      };
    } else {
      // Ignored on purpose, or unhandled (reported by the unhandled-event monitor): consumed, no change.
      result = {
        id: this.all.length,
        actor: i,
        after: local,
        policy: policy === 'ignored' ? 'ignored' : 'unhandled',
        sends: [],
        choice: 0,
        timersSet: [],
        timersCancelled: [],
        observations: [],
      };
    }
    this.all.push(result);
    this.byPair[i].set(key, result);
    return result;
  }
}

/** One number for a (local state, message) pair; both stay far below 2^26 in any search we run. */
function pairKey(local: number, msg: number): number {
  if (msg >= 67_108_864) throw new ModelError('more than 2^26 distinct messages: the model is not finite');
  return local * 67_108_864 + msg;
}
