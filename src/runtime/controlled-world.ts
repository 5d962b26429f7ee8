/**
 * The controlled runtime: every actor's pure machine, with all delivery decided outside XState.
 *
 * Each actor's whole local situation — its interned snapshot, its pending choice, its pending
 * timers and its FIFO inbox — is interned as one small integer, the actor's *local id*. A world
 * state is then just a vector of local ids, one per actor (`WorldState.vec`).
 * Steps are: deliver the first non-deferred inbox message of an actor (per sender), fire a
 * pending timer, or take one option of a pending choice. The interning lives in interning.ts.
 * Everything about a step is cached:
 *   - the machine transition per (actor, snapshot, message) (transition-cache.ts:
 *     XState runs once per distinct local step, the machines stay the single source of truth),
 *   - the enabled steps per local id, and per (local id, step) the next local id and the
 *     messages sent to others (an `Outcome`), with its step record,
 *   - appending a message to an inbox, per (local id, message).
 * So a step of the search is: copy the vector, set one entry, and one cached append per message
 * sent. No JSON and no string maps on that path.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { KChooseParams, Observation } from '../../machines/kernel-actions.ts';
import { Interned, type PendingChoice } from './interning.ts';
import { ModelError, PureMachine, type StepResult } from './pure-step.ts';
import { TransitionCache } from './transition-cache.ts';
import { WorldState } from './world-state.ts';
import type {
  ActorSpec,
  CachedTransition,
  Local,
  LocalStep,
  Message,
  SemanticStep,
  Step,
  StepRecord,
} from './world-types.ts';

export { WorldState } from './world-state.ts';
export type * from './world-types.ts';

const NO_SENDS = new Int32Array(0);

/**
 * The controlled runtime: a world of pure machines whose states are values. `initial` is the first
 * world state, `enabled(state)` lists the steps (a delivery, a timer, a choice), `apply(state,
 * step)` returns the next state and what happened. The explorer, replay and the live world's tests
 * are built on it.
 *
 * @example
 * ```ts
 * import { worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * let state = world.initial;
 * for (let steps = world.enabled(state); steps.length > 0; steps = world.enabled(state)) {
 *   console.log(world.describe(state, steps[0])); // a SemanticStep: actor, kind, sender, event
 *   state = world.apply(state, steps[0]).state;
 * }
 * world.snapshot(state, 'thread:cpu').value; // 'done'
 * ```
 */
export class ControlledWorld {
  readonly actors: ActorSpec[];
  readonly index = new Map<string, number>();
  private readonly pure: PureMachine[];
  /** Snapshots, local situations, messages and choices, as small integers (interning.ts). */
  private readonly interned: Interned;
  // The interned tables themselves, read on every step.
  private readonly snapshots: AnyMachineSnapshot[][];
  private readonly locals: Local[][];
  private readonly messages: Message[];
  private readonly messageChannel: number[];
  private readonly choiceTable: PendingChoice[];
  /** The machines' transitions, each computed once (transition-cache.ts). */
  private readonly steps: TransitionCache;
  /**
   * Local steps by id.
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  readonly localSteps: LocalStep[] = [];
  readonly initial: WorldState;
  readonly initialObservations: Observation[] = [];

  constructor(actors: ActorSpec[]) {
    this.actors = actors;
    actors.forEach((a, i) => {
      if (this.index.has(a.id)) throw new ModelError(`two actors share the id '${a.id}'`);
      this.index.set(a.id, i);
    });
    this.pure = actors.map((a) => new PureMachine(a.machine, a.id));
    this.interned = new Interned(
      actors.length,
      new Set(actors.filter((a) => a.concurrent).map((a) => a.id)),
      new Set(actors.flatMap((a, i) => (a.asynchronous ? [i] : []))),
    );
    this.snapshots = this.interned.snapshots;
    this.locals = this.interned.locals;
    this.messages = this.interned.messages;
    this.messageChannel = this.interned.messageChannel;
    this.choiceTable = this.interned.choices;
    this.steps = new TransitionCache(actors, this.pure, this.interned, (to, from) => this.target(to, from));
    this.initial = this.start();
  }

  private start(): WorldState {
    const n = this.actors.length;
    const snaps: number[] = [];
    const choices: number[] = [];
    const timers: number[][] = this.actors.map(() => []);
    const inboxes: number[][] = this.actors.map(() => []);
    const results: StepResult[] = this.actors.map((a, i) =>
      a.snapshot ? { snapshot: a.snapshot, ...noEffects } : this.pure[i].initial({ ...a.input, id: a.id }),
    );
    // Initial effects are applied after every actor exists, in actor order.
    results.forEach((r, i) => {
      const id = this.actors[i].id;
      snaps[i] = this.interned.snapshot(i, r.snapshot);
      choices[i] = r.choice ? this.interned.choice({ ...r.choice, thread: id }) : 0;
      for (const t of r.timersSet)
        timers[i].push(this.interned.message({ from: 'timer', event: t.event, thread: id, timerId: t.id }));
      this.initialObservations.push(...r.observations);
    });
    // Each actor's start sends form one chain in the actor's own thread (delivery.ts).
    results.forEach((r, i) => {
      const sends = r.sends.map((s) => ({ to: this.target(s.to, i), event: s.event }));
      const chain = this.interned.chain(this.actors[i].id, this.actors[i].id, sends);
      for (const a of chain.first) inboxes[a.to].push(a.msg);
    });
    const vec = new Int32Array(n);
    for (let i = 0; i < n; i++) vec[i] = this.interned.local(i, snaps[i], choices[i], timers[i], inboxes[i]);
    return new WorldState(vec, this);
  }

  private target(to: string, from: number): number {
    const t = this.index.get(to);
    if (t === undefined) {
      throw new ModelError(`actor '${this.actors[from].id}' sent to '${to}', which is not in this world`);
    }
    return t;
  }

  /** The id of a message (interned on first use). */
  internMessage(msg: Message): number {
    return this.interned.message(msg);
  }

  message(id: number): Message {
    return this.messages[id];
  }

  /**
   * The interned local situation `id` of actor `actor` (read-only).
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  local(actor: number, id: number): Readonly<Local> {
    return this.locals[actor][id];
  }

  snapshot(state: WorldState, actor: number | string): AnyMachineSnapshot {
    const i = typeof actor === 'number' ? actor : this.indexOf(actor);
    return this.snapshots[i][this.locals[i][state.vec[i]].snap];
  }

  /** Interned snapshot id of an actor in a state (equal ids ⇔ equal snapshots). */
  snapshotId(state: WorldState, actor: number): number {
    return this.locals[actor][state.vec[actor]].snap;
  }

  /**
   * Actor `actor`'s snapshot with interned id `snap` (a `StepRecord`'s `before` or `after`).
   *
   * @internal Compact-state plumbing, as `localSteps`.
   */
  snapshotById(actor: number, snap: number): AnyMachineSnapshot {
    return this.snapshots[actor][snap];
  }

  /** An actor's inbox (message ids, oldest first). */
  inbox(state: WorldState, actor: number): readonly number[] {
    return this.locals[actor][state.vec[actor]].inbox;
  }

  indexOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new ModelError(`no actor '${id}' in this world`);
    return i;
  }

  pendingChoice(state: WorldState, actor: number): KChooseParams | null {
    const c = this.locals[actor][state.vec[actor]].choice;
    return c ? this.choiceTable[c] : null;
  }

  /**
   * Every cached machine transition, by id.
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  get transitions(): readonly CachedTransition[] {
    return this.steps.all;
  }

  /** How often XState's own transition actually ran (the rest came from the cache). */
  get xstateSteps(): number {
    return this.steps.xstateSteps;
  }

  /** Distinct local states interned so far, summed over actors. */
  get internedStates(): number {
    return this.snapshots.reduce((n, s) => n + s.length, 0);
  }

  /**
   * The pending choice of actor `actor`'s local situation `id`, or null.
   *
   * @internal Symmetry reduction (explorer/reduction/symmetry.ts) renames local situations part by part.
   */
  choiceOfLocal(actor: number, id: number): PendingChoice | null {
    const c = this.locals[actor][id].choice;
    return c ? this.choiceTable[c] : null;
  }

  /**
   * The id of a snapshot of actor `actor` (interned on first use).
   *
   * @internal Symmetry reduction (explorer/reduction/symmetry.ts) interns the renamed image of a snapshot.
   */
  internSnapshot(actor: number, snapshot: AnyMachineSnapshot): number {
    return this.interned.snapshot(actor, snapshot);
  }

  /**
   * The local id of actor `actor`'s situation built from its parts (interned on first use).
   *
   * @internal Symmetry reduction (explorer/reduction/symmetry.ts) interns the renamed image of a situation.
   */
  internLocal(actor: number, snap: number, choice: PendingChoice | null, timers: number[], inbox: number[]): number {
    return this.interned.local(actor, snap, choice ? this.interned.choice(choice) : 0, timers, inbox);
  }

  /** Wrap a vector of local ids as a state (the vector is not copied). */
  stateOf(vec: Int32Array): WorldState {
    return new WorldState(vec, this);
  }

  // ---- stepping --------------------------------------------------------------------

  /**
   * The steps actor `actor` may take from local situation `id`, in a fixed canonical order.
   *
   * Channels are FIFO per (sender, receiver) pair, and per thread of control of a concurrent
   * sender (a driver), not per receiver (delivery.ts): messages of one channel arrive in the
   * order sent, but a message of one channel may overtake an earlier one of another (the
   * receiving thread of control ran later). So an actor can take, from each channel, the first
   * message its state does not defer.
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  stepsOf(actor: number, id: number): LocalStep[] {
    const l = this.locals[actor][id];
    if (l.steps) return l.steps;
    const steps: Step[] = [];
    if (l.choice) {
      const options = this.choiceTable[l.choice].options.length;
      for (let o = 0; o < options; o++) steps.push({ kind: 'choose', actor, option: o });
    } else {
      const channels: number[] = [];
      for (let k = 0; k < l.inbox.length; k++) {
        const channel = this.messageChannel[l.inbox[k]];
        if (channels.includes(channel) || this.steps.deferred(actor, l.snap, l.inbox[k])) continue;
        channels.push(channel);
        steps.push({ kind: 'deliver', actor, index: k });
      }
      for (let t = 0; t < l.timers.length; t++) steps.push({ kind: 'timer', actor, index: t });
    }
    l.steps = steps.map((s) => this.makeLocalStep(actor, id, s));
    return l.steps;
  }

  /** Every step the scheduler may take from `state`, in a fixed canonical order. */
  enabled(state: WorldState): Step[] {
    const out: Step[] = [];
    const vec = state.vec;
    for (let i = 0; i < vec.length; i++) for (const s of this.stepsOf(i, vec[i])) out.push(s.step);
    return out;
  }

  /**
   * The local step for `step` from the actor's situation in `state` (enabled or not).
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  localStep(state: WorldState, step: Step): LocalStep {
    const i = step.actor;
    const id = state.vec[i];
    const same = (s: LocalStep) =>
      s.step.kind === step.kind &&
      (step.kind === 'choose'
        ? (s.step as { option: number }).option === step.option
        : (s.step as { index: number }).index === step.index);
    const found = this.stepsOf(i, id).find(same);
    if (found) return found;
    const l = this.locals[i][id];
    l.extra ??= [];
    let extra = l.extra.find(same);
    if (!extra) {
      extra = this.makeLocalStep(i, id, { ...step });
      l.extra.push(extra);
    }
    return extra;
  }

  private makeLocalStep(actor: number, from: number, step: Step): LocalStep {
    const ls: LocalStep = {
      id: this.localSteps.length,
      actor,
      from,
      step,
      msg: -1,
      next: -1,
      sends: NO_SENDS,
      record: null,
    };
    this.localSteps.push(ls);
    return ls;
  }

  /**
   * Compute what one step does (once): the cached machine transition, then the actor's next situation.
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  resolve(ls: LocalStep): StepRecord {
    if (ls.record) return ls.record;
    const i = ls.actor;
    const step = ls.step;
    const l = this.locals[i][ls.from];
    let inbox = l.inbox;
    let timers = l.timers;
    let choice = l.choice;
    let msgId: number;
    if (step.kind === 'deliver') {
      msgId = inbox[step.index];
      if (msgId === undefined) throw new ModelError(`${this.actors[i].id} has no message at inbox index ${step.index}`);
      inbox = inbox.slice(0, step.index).concat(inbox.slice(step.index + 1));
    } else if (step.kind === 'timer') {
      msgId = timers[step.index];
      if (msgId === undefined) throw new ModelError(`${this.actors[i].id} has no timer at index ${step.index}`);
      timers = timers.slice(0, step.index).concat(timers.slice(step.index + 1));
    } else {
      const c = this.choiceTable[l.choice];
      msgId = this.interned.message({
        from: 'choice',
        event: c.options[step.option],
        thread: c.thread,
        ...(c.next ? { next: c.next } : {}),
      });
      choice = 0;
    }
    const t = this.steps.get(i, l.snap, msgId);
    if (t.choice) choice = t.choice;
    if (t.timersCancelled.length || t.timersSet.length) {
      let list = timers.filter((m) => !t.timersCancelled.includes(this.messages[m].timerId ?? ''));
      if (t.timersSet.length) {
        // Re-arming a timer with the same id replaces it.
        const ids = new Set(t.timersSet.map((m) => this.messages[m].timerId));
        list = list.filter((m) => !ids.has(this.messages[m].timerId)).concat(t.timersSet);
      }
      timers = list;
    }
    const others: number[] = [];
    for (const s of t.appends) {
      if (s.to === i) inbox = inbox.concat(s.msg);
      else others.push(s.to, s.msg);
    }
    const next = this.interned.local(i, t.after, choice, timers, inbox);
    const record: StepRecord = {
      step,
      actor: this.actors[i].id,
      message: this.messages[msgId],
      msg: msgId,
      before: l.snap,
      after: t.after,
      policy: t.policy,
      sends: t.sends.map((s) => ({ to: this.actors[s.to].id, msg: s.msg })),
      choice: t.choice ? this.choiceTable[t.choice] : null,
      observations: t.observations,
      transition: t.id,
    };
    ls.msg = msgId;
    ls.next = next;
    ls.sends = others.length ? Int32Array.from(others) : NO_SENDS;
    ls.record = record;
    return record;
  }

  /** Local id of actor `actor`'s situation `id` with message `msg` appended to its inbox. */
  append(actor: number, id: number, msg: number): number {
    const l = this.locals[actor][id];
    const msgs = l.appendMsgs;
    if (msgs !== null) {
      for (let k = 0; k < msgs.length; k++) if (msgs[k] === msg) return l.appendIds![k];
    }
    const next = this.interned.local(actor, l.snap, l.choice, l.timers, l.inbox.concat(msg));
    if (l.appendMsgs === null || l.appendIds === null) {
      l.appendMsgs = [];
      l.appendIds = [];
    }
    l.appendMsgs.push(msg);
    l.appendIds.push(next);
    return next;
  }

  /**
   * The local id of the same situation with its inbox stably ordered by channel. Delivery is
   * FIFO per channel, so how messages of different channels interleave in an inbox changes no
   * enabled step and no outcome: states equal up to that order are bisimilar.
   */
  canonical(actor: number, id: number): number {
    const l = this.locals[actor][id];
    if (l.canon >= 0) return l.canon;
    const from = this.messageChannel;
    let sorted = true;
    for (let k = 1; k < l.inbox.length; k++) if (from[l.inbox[k - 1]] > from[l.inbox[k]]) sorted = false;
    if (sorted) {
      l.canon = id;
    } else {
      const inbox = l.inbox
        .map((m, k) => [from[m], k, m])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .map((x) => x[2]);
      l.canon = this.interned.local(actor, l.snap, l.choice, l.timers, inbox);
      this.locals[actor][l.canon].canon = l.canon;
    }
    return l.canon;
  }

  /**
   * Write into `out` the state after `ls` (a step of actor `actor`) from `vec`.
   *
   * @internal The explorer's compact-state plumbing (interned local situations and steps, the
   * transition cache), typed with the runtime's internal tables: monitors, searches and tools use
   * `enabled`, `apply`, `snapshot` and `message` instead, so the API reference leaves it out.
   */
  applyInto(vec: Int32Array, actor: number, ls: LocalStep, out: Int32Array): StepRecord {
    const record = ls.record ?? this.resolve(ls);
    for (let k = 0; k < vec.length; k++) out[k] = vec[k];
    out[actor] = ls.next;
    const sends = ls.sends;
    for (let k = 0; k < sends.length; k += 2) {
      const to = sends[k];
      out[to] = this.append(to, out[to], sends[k + 1]);
    }
    return record;
  }

  /** Apply one step; returns the next state and what happened. Never mutates `state`. */
  apply(state: WorldState, step: Step): { state: WorldState; record: StepRecord } {
    const ls = this.localStep(state, step);
    const out = new Int32Array(state.vec.length);
    const record = this.applyInto(state.vec, step.actor, ls, out);
    return { state: new WorldState(out, this), record };
  }

  /** A stable, readable name for a step, used by traces and replay. */
  describe(state: WorldState, step: Step): SemanticStep {
    const actor = this.actors[step.actor].id;
    const l = this.locals[step.actor][state.vec[step.actor]];
    if (step.kind === 'choose') {
      const choice = this.choiceTable[l.choice];
      return { kind: 'choose', actor, event: choice.options[step.option], label: choice.label };
    }
    const id = step.kind === 'deliver' ? l.inbox[step.index] : l.timers[step.index];
    const msg = this.messages[id];
    return { kind: step.kind, actor, from: msg.from, thread: msg.thread, event: msg.event };
  }

  /** The semantic name of a step already taken, from its record (no state needed). */
  semantic(record: StepRecord): SemanticStep {
    const m = record.message;
    if (record.step.kind === 'choose') return { kind: 'choose', actor: record.actor, event: m.event };
    return { kind: record.step.kind, actor: record.actor, from: m.from, thread: m.thread, event: m.event };
  }

  /** Find the enabled step that matches a recorded semantic step (replay), or null. */
  match(state: WorldState, wanted: SemanticStep): Step | null {
    const wantedEvent = JSON.stringify(wanted.event);
    let byType: Step | null = null;
    for (const step of this.enabled(state)) {
      const d = this.describe(state, step);
      if (d.actor !== wanted.actor || d.kind !== wanted.kind) continue;
      if (
        JSON.stringify(d.event) === wantedEvent &&
        (wanted.from === undefined || d.from === wanted.from) &&
        (wanted.thread === undefined || d.thread === wanted.thread)
      )
        return step;
      if (!byType && d.event.type === wanted.event.type) byType = step;
    }
    return byType;
  }
}

const noEffects = { sends: [], choice: null, observations: [], timersSet: [], timersCancelled: [] };
