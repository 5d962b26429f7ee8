/**
 * The controlled runtime: every actor's pure machine, with all delivery decided outside XState.
 *
 * A world state is an immutable value made of small integers:
 *   - `locals[i]`   the interned snapshot of actor i (equal snapshots share one id),
 *   - `choices[i]`  the interned pending choice of actor i (0: none),
 *   - `timers[i]`   the pending timers of actor i (interned message ids, in the order set),
 *   - `inboxes[i]`  the FIFO inbox of actor i (interned message ids).
 * Steps are: deliver the first non-deferred inbox message of an actor, fire a pending timer,
 * or take one option of a pending choice. Each distinct (actor, local state, message) is run
 * through XState once and cached (xstate-notes §9: the cache is what makes search fast while
 * the machines stay the single source of truth).
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import type { KChooseParams, Observation } from '../../machines/kernel-actions.ts';
import { eventPolicy } from './event-policy.ts';
import { ModelError, PureMachine, type StepResult } from './pure-step.ts';

export interface ActorSpec {
  id: string;
  machine: AnyStateMachine;
  input: Record<string, unknown>;
  /** Start from this snapshot (of the same machine) instead of the machine's initial state. */
  snapshot?: AnyMachineSnapshot;
}

export interface WorldState {
  readonly locals: Int32Array;
  readonly choices: Int32Array;
  readonly timers: readonly (readonly number[])[];
  readonly inboxes: readonly (readonly number[])[];
}

/** A message as stored in the tables: who sent it and what. Timers use `from = 'timer'`. */
export interface Message {
  from: string;
  event: EventObject;
  /** For timers: the XState send id, used by cancel. */
  timerId?: string;
}

export type Step =
  | { kind: 'deliver'; actor: number; index: number }
  | { kind: 'timer'; actor: number; index: number }
  | { kind: 'choose'; actor: number; option: number };

/** What one step did, for monitors, timelines and traces. */
export interface StepRecord {
  step: Step;
  actor: string;
  message: Message;
  /** Interned id of `message` (the chosen option, for choices). */
  msg: number;
  /** Snapshot ids before and after (equal when the event was deferred-free but changed nothing). */
  before: number;
  after: number;
  policy: 'handled' | 'ignored' | 'unhandled';
  sends: { to: string; msg: number }[];
  choice: KChooseParams | null;
  observations: Observation[];
}

interface CachedTransition {
  after: number;
  policy: 'handled' | 'ignored' | 'unhandled';
  sends: { to: number; msg: number }[];
  choice: number;
  timersSet: number[];
  timersCancelled: string[];
  observations: Observation[];
}

export class ControlledWorld {
  readonly actors: ActorSpec[];
  readonly index = new Map<string, number>();
  private readonly pure: PureMachine[];
  /** Per actor: interned snapshots and their keys. */
  private readonly snapshots: AnyMachineSnapshot[][] = [];
  private readonly snapshotIds: Map<string, number>[] = [];
  private readonly messages: Message[] = [{ from: '', event: { type: '' } }];
  private readonly messageIds = new Map<string, number>();
  private readonly choiceTable: KChooseParams[] = [{ label: '', options: [] }];
  private readonly choiceIds = new Map<string, number>();
  /** Per actor: (local id, message id) → transition. */
  private readonly cache: Map<number, CachedTransition>[] = [];
  private readonly deferCache: Map<number, boolean>[] = [];
  /** How often XState's own transition actually ran (the rest came from the cache). */
  xstateSteps = 0;
  readonly initial: WorldState;
  readonly initialObservations: Observation[] = [];

  constructor(actors: ActorSpec[]) {
    this.actors = actors;
    actors.forEach((a, i) => {
      if (this.index.has(a.id)) throw new ModelError(`two actors share the id '${a.id}'`);
      this.index.set(a.id, i);
    });
    this.pure = actors.map((a) => new PureMachine(a.machine, a.id));
    for (let i = 0; i < actors.length; i++) {
      this.snapshots.push([]);
      this.snapshotIds.push(new Map());
      this.cache.push(new Map());
      this.deferCache.push(new Map());
    }
    this.initial = this.start();
  }

  private start(): WorldState {
    const n = this.actors.length;
    const locals = new Int32Array(n);
    const choices = new Int32Array(n);
    const timers: number[][] = this.actors.map(() => []);
    const inboxes: number[][] = this.actors.map(() => []);
    const results: StepResult[] = this.actors.map((a, i) =>
      a.snapshot ? { snapshot: a.snapshot, ...noEffects } : this.pure[i].initial({ ...a.input, id: a.id }),
    );
    // Initial effects are applied after every actor exists, in actor order.
    results.forEach((r, i) => {
      locals[i] = this.internSnapshot(i, r.snapshot);
      choices[i] = r.choice ? this.internChoice(r.choice) : 0;
      for (const t of r.timersSet) timers[i].push(this.internMessage({ from: 'timer', event: t.event, timerId: t.id }));
      this.initialObservations.push(...r.observations);
    });
    results.forEach((r, i) => {
      for (const s of r.sends)
        inboxes[this.target(s.to, i)].push(this.internMessage({ from: this.actors[i].id, event: s.event }));
    });
    return { locals, choices, timers, inboxes };
  }

  private target(to: string, from: number): number {
    const t = this.index.get(to);
    if (t === undefined) {
      throw new ModelError(`actor '${this.actors[from].id}' sent to '${to}', which is not in this world`);
    }
    return t;
  }

  // ---- interning -------------------------------------------------------------------

  private internSnapshot(actor: number, snapshot: AnyMachineSnapshot): number {
    const key = snapshotKey(snapshot);
    const ids = this.snapshotIds[actor];
    let id = ids.get(key);
    if (id === undefined) {
      id = this.snapshots[actor].length;
      this.snapshots[actor].push(snapshot);
      ids.set(key, id);
    }
    return id;
  }

  internMessage(msg: Message): number {
    const key = JSON.stringify([msg.from, msg.timerId ?? '', msg.event]);
    let id = this.messageIds.get(key);
    if (id === undefined) {
      id = this.messages.length;
      this.messages.push(msg);
      this.messageIds.set(key, id);
    }
    return id;
  }

  private internChoice(choice: KChooseParams): number {
    const key = JSON.stringify(choice);
    let id = this.choiceIds.get(key);
    if (id === undefined) {
      id = this.choiceTable.length;
      this.choiceTable.push(choice);
      this.choiceIds.set(key, id);
    }
    return id;
  }

  message(id: number): Message {
    return this.messages[id];
  }

  snapshot(state: WorldState, actor: number | string): AnyMachineSnapshot {
    const i = typeof actor === 'number' ? actor : this.indexOf(actor);
    return this.snapshots[i][state.locals[i]];
  }

  indexOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new ModelError(`no actor '${id}' in this world`);
    return i;
  }

  pendingChoice(state: WorldState, actor: number): KChooseParams | null {
    const c = state.choices[actor];
    return c ? this.choiceTable[c] : null;
  }

  /** Distinct local states interned so far, summed over actors. */
  get internedStates(): number {
    return this.snapshots.reduce((n, s) => n + s.length, 0);
  }

  // ---- stepping --------------------------------------------------------------------

  private isDeferred(actor: number, local: number, msg: number): boolean {
    const defers = this.deferCache[actor];
    const key = pairKey(local, msg);
    let deferred = defers.get(key);
    if (deferred === undefined) {
      deferred = eventPolicy(this.snapshots[actor][local], this.messages[msg].event.type) === 'deferred';
      defers.set(key, deferred);
    }
    return deferred;
  }

  /**
   * Every step the scheduler may take from `state`, in a fixed canonical order.
   *
   * Channels are FIFO per (sender, receiver) pair, not per receiver: two messages from the same
   * sender arrive in the order sent, but a message from one sender may overtake an earlier one
   * from another (the receiving thread of control ran later). So an actor can take, from each
   * sender, the first message its state does not defer.
   */
  enabled(state: WorldState): Step[] {
    const steps: Step[] = [];
    const n = this.actors.length;
    for (let i = 0; i < n; i++) {
      const c = state.choices[i];
      if (c) {
        const options = this.choiceTable[c].options.length;
        for (let o = 0; o < options; o++) steps.push({ kind: 'choose', actor: i, option: o });
        continue;
      }
      const inbox = state.inboxes[i];
      if (inbox.length === 1) {
        if (!this.isDeferred(i, state.locals[i], inbox[0])) steps.push({ kind: 'deliver', actor: i, index: 0 });
      } else if (inbox.length > 1) {
        const local = state.locals[i];
        const senders: string[] = [];
        for (let k = 0; k < inbox.length; k++) {
          const from = this.messages[inbox[k]].from;
          if (senders.includes(from) || this.isDeferred(i, local, inbox[k])) continue;
          senders.push(from);
          steps.push({ kind: 'deliver', actor: i, index: k });
        }
      }
      const timers = state.timers[i];
      for (let t = 0; t < timers.length; t++) steps.push({ kind: 'timer', actor: i, index: t });
    }
    return steps;
  }

  /** Apply one step; returns the next state and what happened. Never mutates `state`. */
  apply(state: WorldState, step: Step): { state: WorldState; record: StepRecord } {
    const i = step.actor;
    const local = state.locals[i];
    let msgId: number;
    const inboxes = state.inboxes.slice();
    const timers = state.timers.slice();
    const choices = state.choices.slice();
    if (step.kind === 'deliver') {
      const inbox = state.inboxes[i];
      msgId = inbox[step.index];
      inboxes[i] = inbox.slice(0, step.index).concat(inbox.slice(step.index + 1));
    } else if (step.kind === 'timer') {
      const list = state.timers[i];
      msgId = list[step.index];
      timers[i] = list.slice(0, step.index).concat(list.slice(step.index + 1));
    } else {
      const choice = this.choiceTable[state.choices[i]];
      msgId = this.internMessage({ from: 'choice', event: choice.options[step.option] });
      choices[i] = 0;
    }
    const t = this.transition(i, local, msgId);
    const locals = state.locals.slice();
    locals[i] = t.after;
    if (t.choice) choices[i] = t.choice;
    if (t.timersCancelled.length || t.timersSet.length) {
      let list = timers[i].filter((m) => !t.timersCancelled.includes(this.messages[m].timerId ?? ''));
      if (t.timersSet.length) {
        // Re-arming a timer with the same id replaces it.
        const ids = new Set(t.timersSet.map((m) => this.messages[m].timerId));
        list = list.filter((m) => !ids.has(this.messages[m].timerId)).concat(t.timersSet);
      }
      timers[i] = list;
    }
    for (const s of t.sends) inboxes[s.to] = inboxes[s.to].concat(s.msg);
    const record: StepRecord = {
      step,
      actor: this.actors[i].id,
      message: this.messages[msgId],
      msg: msgId,
      before: local,
      after: t.after,
      policy: t.policy,
      sends: t.sends.map((s) => ({ to: this.actors[s.to].id, msg: s.msg })),
      choice: t.choice ? this.choiceTable[t.choice] : null,
      observations: t.observations,
    };
    return { state: { locals, choices, timers, inboxes }, record };
  }

  /** The cached (or, the first time, computed) effect of message `msgId` on actor i in `local`. */
  private transition(i: number, local: number, msgId: number): CachedTransition {
    const key = pairKey(local, msgId);
    const cached = this.cache[i].get(key);
    if (cached) return cached;
    const snapshot = this.snapshots[i][local];
    const msg = this.messages[msgId];
    let policy = eventPolicy(snapshot, msg.event.type);
    // A transition exists for the type (perhaps only a guarded wildcard), but none is enabled
    // for this event: nothing would happen, which is the silent drop the protocol forbids.
    if (policy === 'handled' && !snapshot.can(msg.event)) policy = 'unhandled';
    let result: CachedTransition;
    if (policy === 'handled') {
      this.xstateSteps++;
      const r = this.pure[i].step(snapshot, msg.event);
      result = {
        after: this.internSnapshot(i, r.snapshot),
        policy,
        sends: r.sends.map((s) => ({
          to: this.target(s.to, i),
          msg: this.internMessage({ from: this.actors[i].id, event: s.event }),
        })),
        choice: r.choice ? this.internChoice(r.choice) : 0,
        timersSet: r.timersSet.map((tm) => this.internMessage({ from: 'timer', event: tm.event, timerId: tm.id })),
        timersCancelled: r.timersCancelled,
        observations: r.observations,
      };
    } else {
      // Ignored on purpose, or unhandled (reported by the unhandled-event monitor): consumed, no change.
      result = {
        after: local,
        policy: policy === 'ignored' ? 'ignored' : 'unhandled',
        sends: [],
        choice: 0,
        timersSet: [],
        timersCancelled: [],
        observations: [],
      };
    }
    this.cache[i].set(key, result);
    return result;
  }

  /** A stable, readable name for a step, used by traces and replay. */
  describe(state: WorldState, step: Step): SemanticStep {
    const actor = this.actors[step.actor].id;
    if (step.kind === 'choose') {
      const choice = this.choiceTable[state.choices[step.actor]];
      return { kind: 'choose', actor, event: choice.options[step.option], label: choice.label };
    }
    const id = step.kind === 'deliver' ? state.inboxes[step.actor][step.index] : state.timers[step.actor][step.index];
    const msg = this.messages[id];
    return { kind: step.kind, actor, from: msg.from, event: msg.event };
  }

  /** The semantic name of a step already taken, from its record (no state needed). */
  semantic(record: StepRecord): SemanticStep {
    const m = record.message;
    if (record.step.kind === 'choose') return { kind: 'choose', actor: record.actor, event: m.event };
    return { kind: record.step.kind, actor: record.actor, from: m.from, event: m.event };
  }

  /** Find the enabled step that matches a recorded semantic step (replay), or null. */
  match(state: WorldState, wanted: SemanticStep): Step | null {
    const wantedEvent = JSON.stringify(wanted.event);
    let byType: Step | null = null;
    for (const step of this.enabled(state)) {
      const d = this.describe(state, step);
      if (d.actor !== wanted.actor || d.kind !== wanted.kind) continue;
      if (JSON.stringify(d.event) === wantedEvent && (wanted.from === undefined || d.from === wanted.from)) return step;
      if (!byType && d.event.type === wanted.event.type) byType = step;
    }
    return byType;
  }
}

const noEffects = { sends: [], choice: null, observations: [], timersSet: [], timersCancelled: [] };

/** A step named by what it does rather than by scheduler indices, so replay survives edits. */
export interface SemanticStep {
  kind: Step['kind'];
  actor: string;
  from?: string;
  event: EventObject;
  label?: string;
}

/** One number for a (local state, message) pair; both stay far below 2^26 in any search we run. */
function pairKey(local: number, msg: number): number {
  if (msg >= 67_108_864) throw new ModelError('more than 2^26 distinct messages: the model is not finite');
  return local * 67_108_864 + msg;
}

/** Equal local states must give equal keys: value, context and status are the whole state. */
function snapshotKey(s: AnyMachineSnapshot): string {
  return JSON.stringify([s.status, s.value, s.context]);
}
