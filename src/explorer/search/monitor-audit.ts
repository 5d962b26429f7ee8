/**
 * The checking mode of the monitor plan (`check --check-monitors`): what a monitor declares it
 * reads is checked, not trusted. Every monitor runs at every step, ungated, on its own
 * instance when it keeps bookkeeping (`Monitor.fresh`), and each verdict is held against what
 * the gated plan (monitor-plan.ts) assumes:
 *   - `local`: it says the same at every occurrence of the machine transition as at the first;
 *   - `global` with `reads`: it says the same at every occurrence of (local step, situations
 *     of the actors it reads) as at the first; with `inFlight` too, at every occurrence of
 *     (local step, those situations with only the messages of the types it names in their inboxes);
 *     with `fieldsRead` too, at every occurrence of (local step, the fields it names of those
 *     actors' contexts, with those messages); with `threadScoped` too, at every occurrence of
 *     (local step, those situations without what concerns a thread the step does not name and
 *     that does not wait);
 *   - `skip`: it says nothing new there. A monitor of a condition on states (a stale entry)
 *     may repeat at a skipped step what it said where the condition arose, so this one is
 *     judged over the whole search: every verdict said ungated must have been said gated;
 * and, at the end, an ungated bookkeeping monitor concludes what its gated twin concludes
 * (`onFinish`). A broken assumption is a discrepancy: the plan could have hidden a verdict.
 * The search reports it as a `monitor-plan` violation, with the schedule that showed it.
 */
import { fieldOf, type Interest, type Monitor, type MonitorContext, type Violation } from '../../monitors/monitor.ts';
import { withoutThreads } from '../../monitors/thread-part.ts';
import { topology } from '../../monitors/topology.ts';
import { waitEdges } from '../../monitors/wait-for.ts';
import type {
  ControlledWorld,
  LocalStep,
  SemanticStep,
  StepRecord,
  WorldState,
} from '../../runtime/controlled-world.ts';
import { stepText } from '../counterexamples/critical-reordering.ts';

/**
 * What the checking mode (`checkMonitors`) found when it ran every monitor ungated beside the
 * gated ones (`SearchStats.monitorChecks`): any discrepancy is a monitor whose `interest` or
 * `reads` claims are wrong.
 *
 * @example
 * ```ts
 * import type { SearchStats } from 'mirrorlab';
 *
 * const auditOk = (stats: SearchStats) => (stats.monitorChecks?.discrepancies.length ?? 0) === 0;
 * ```
 */
export interface MonitorAuditSummary {
  /** Step occurrences at which every monitor ran ungated. */
  steps: number;
  /** Monitor calls compared with the plan's assumptions. */
  calls: number;
  discrepancies: string[];
}

const MAX_KEPT = 20;

export class MonitorAudit {
  private readonly shadows: Monitor[];
  private readonly reads: (Int32Array | null)[];
  /** Per monitor: the message types it declares it reads on their way (`inFlight`), or null. */
  private readonly inFlight: (ReadonlySet<string> | null)[];
  /** Per monitor: per actor it reads (in `reads` order), the context fields it names (`fieldsRead`), or null. */
  private readonly fields: ((readonly string[] | null)[] | null)[];
  /** Every tid a thread of control can have: thread actors, device engines (what `threadScoped` is about). */
  private readonly tids: ReadonlySet<string>;
  /** First verdict per (monitor, transition) or (monitor, local step, read situations). */
  private readonly first = new Map<string, string>();
  /** Every verdict the gated monitors said. */
  private readonly gatedSaid = new Set<string>();
  /** Every verdict said ungated at a step the plan skips, with the first schedule that said it. */
  private readonly skippedSaid = new Map<string, { monitor: string; at: string; trace: SemanticStep[] }>();
  readonly summary: MonitorAuditSummary = { steps: 0, calls: 0, discrepancies: [] };
  private total = 0;

  constructor(
    private readonly world: ControlledWorld,
    private readonly monitors: Monitor[],
    private readonly ctx: MonitorContext,
  ) {
    this.shadows = monitors.map((m) => m.fresh?.() ?? m);
    for (const s of this.shadows) if (!monitors.includes(s)) s.reset?.(ctx);
    this.reads = monitors.map((m) => {
      const r = m.reads?.(world);
      return r ? Int32Array.from(r) : null;
    });
    this.inFlight = monitors.map((m) => (m.inFlight ? new Set(m.inFlight) : null));
    const t = topology(world);
    this.tids = new Set([
      ...t.threads.map((i) => world.actors[i].id),
      ...t.devices.map((i) => `${world.actors[i].id}/engine`),
    ]);
    this.fields = monitors.map((m, k) => {
      const reads = this.reads[k];
      if (!m.fieldsRead || reads === null) return null;
      const fields = Array.from(reads, (a) => m.fieldsRead!(world, a));
      return fields.some((f) => f !== null) ? fields : null;
    });
  }

  /**
   * Actor `a`'s situation in `state` as a monitor naming `fields` of it sees it: those context
   * fields, and its inbox (only the messages of `types`, when it names them), timers and choice.
   */
  private seenThroughFields(
    state: WorldState,
    a: number,
    fields: readonly string[],
    types: ReadonlySet<string> | null,
  ): string {
    const l = this.world.local(a, state.vec[a]);
    const snapshot = this.world.snapshot(state, a);
    const kept = types === null ? l.inbox : l.inbox.filter((m) => types.has(this.world.message(m).event.type));
    return `${JSON.stringify(fields.map((f) => fieldOf(snapshot, f)))}:${kept.join('.')}:${l.timers.join('.')}:${l.choice}`;
  }

  /** Actor `a`'s situation in `state` with only the messages of `types` in its inbox, as text. */
  private seenOnTheWay(state: WorldState, a: number, types: ReadonlySet<string>): string {
    const l = this.world.local(a, state.vec[a]);
    const kept = l.inbox.filter((m) => types.has(this.world.message(m).event.type));
    return `${l.snap}:${kept.join('.')}:${l.timers.join('.')}:${l.choice}`;
  }

  /**
   * Actor `a`'s situation in `state` as a `threadScoped` monitor may see it: the context fields
   * it names (all, without `fieldsRead`) and its messages on their way (of the types it names),
   * each without what concerns a thread outside `keep` (an entry or a message naming another
   * tid, a tid in a list). Not its state value, which sums up its context for every thread at
   * once (a lock `held` by a thread at rest).
   */
  private seenForThreads(
    state: WorldState,
    a: number,
    fields: readonly string[] | null,
    types: ReadonlySet<string> | null,
    keep: ReadonlySet<string>,
  ): string {
    const drop = (tid: string) => !keep.has(tid);
    const isTid = (s: string) => this.tids.has(s);
    const snapshot = this.world.snapshot(state, a);
    const seen = fields === null ? snapshot.context : Object.fromEntries(fields.map((f) => [f, fieldOf(snapshot, f)]));
    const l = this.world.local(a, state.vec[a]);
    const onTheWay = l.inbox
      .map((m) => this.world.message(m).event as { type: string; tid?: unknown })
      .filter((e) => (types === null || types.has(e.type)) && !(typeof e.tid === 'string' && drop(e.tid)));
    return JSON.stringify([withoutThreads(seen, drop, isTid), onTheWay, l.timers, l.choice]);
  }

  /** The tids a step names (its message, observations and sends) and the tids that wait in `state`. */
  private threadsOf(record: StepRecord, state: WorldState): Set<string> {
    const out = new Set<string>();
    const add = (tid: unknown) => typeof tid === 'string' && out.add(tid);
    add((record.message.event as { tid?: unknown }).tid);
    for (const o of record.observations) add(o.tid);
    for (const s of record.sends) add((this.world.message(s.msg).event as { tid?: unknown }).tid);
    for (const e of waitEdges(this.world, state)) add(e.tid);
    return out;
  }

  /**
   * Run every monitor on one step occurrence and compare with `interests` (the plan's, per
   * monitor in order). Returns a violation for the first discrepancy this step shows, if any.
   */
  check(
    ls: LocalStep,
    record: StepRecord,
    interests: readonly Interest[],
    before: WorldState,
    after: WorldState,
    trace: () => SemanticStep[],
  ): Violation | null {
    this.summary.steps++;
    let found: Violation | null = null;
    for (let k = 0; k < this.shadows.length; k++) {
      const s = this.shadows[k];
      if (!s.onStep) continue;
      this.summary.calls++;
      const v = s.onStep(this.ctx, record, before, after, trace);
      const verdict = v ? `${v.kind}: ${v.message}` : '';
      const m = this.monitors[k];
      const at = `at ${stepText(this.world.semantic(record))}`;
      let wrong: string | null = null;
      if (interests[k] === 'skip') {
        if (verdict && !this.skippedSaid.has(verdict))
          this.skippedSaid.set(verdict, { monitor: m.name, at, trace: trace() });
      } else {
        const reads = interests[k] === 'global' ? this.reads[k] : null;
        if (interests[k] === 'global' && reads === null) continue; // runs at every occurrence anyway
        const key =
          reads === null
            ? `${k}|t${record.transition}`
            : `${k}|s${ls.id}|${Array.from(reads, (a) => before.vec[a]).join(',')}`;
        const was = this.first.get(key);
        if (was === undefined) this.first.set(key, verdict);
        else if (was !== verdict)
          wrong =
            reads === null
              ? `${m.name} is local to the step ${at}, but says "${verdict || 'nothing'}" where its first occurrence said "${was || 'nothing'}"`
              : `${m.name} declares it reads ${this.names(reads)} ${at}, but says "${verdict || 'nothing'}" where the same situations of those actors said "${was || 'nothing'}"`;
        const types = this.inFlight[k];
        if (!wrong && reads !== null && types !== null) {
          // What it declares it reads on their way (`inFlight`): the rest of those inboxes must not matter.
          const seen = `${k}|f${ls.id}|${Array.from(reads, (a) => this.seenOnTheWay(before, a, types)).join(',')}`;
          const first = this.first.get(seen);
          if (first === undefined) this.first.set(seen, verdict);
          else if (first !== verdict)
            wrong = `${m.name} declares it reads, of the messages on their way to ${this.names(reads)}, only ${[...types].join(', ') || 'none'} ${at}, but says "${verdict || 'nothing'}" where the same situations with the same such messages said "${first || 'nothing'}"`;
        }
        if (!wrong && reads !== null && m.threadScoped && interests[k] === 'global') {
          // What it declares it never tells apart (`threadScoped`): what concerns a thread the
          // step does not name and that does not wait must not matter.
          const keep = this.threadsOf(record, before);
          const own = this.fields[k];
          const seen = `${k}|t${ls.id}|${[...keep].sort().join(' ')}|${Array.from(reads, (a, j) =>
            this.seenForThreads(before, a, own?.[j] ?? null, types, keep),
          ).join(',')}`;
          const first = this.first.get(seen);
          if (first === undefined) this.first.set(seen, verdict);
          else if (first !== verdict)
            wrong = `${m.name} declares it is thread-scoped ${at}, but says "${verdict || 'nothing'}" where the same situations of the threads the step names or that wait said "${first || 'nothing'}"`;
        }
        const fields = this.fields[k];
        if (!wrong && reads !== null && fields !== null) {
          // What it declares it reads of an actor's context (`fieldsRead`): the rest must not matter.
          const seen = `${k}|v${ls.id}|${Array.from(reads, (a, j) => {
            const f = fields[j];
            return f === null ? `${before.vec[a]}` : this.seenThroughFields(before, a, f, types);
          }).join(',')}`;
          const first = this.first.get(seen);
          if (first === undefined) this.first.set(seen, verdict);
          else if (first !== verdict)
            wrong = `${m.name} declares which fields it reads of ${this.names(reads)} ${at}, but says "${verdict || 'nothing'}" where the same such fields said "${first || 'nothing'}"`;
        }
      }
      if (wrong) {
        this.note(wrong);
        found ??= { kind: 'monitor-plan', message: wrong };
      }
    }
    return found;
  }

  /** A verdict a gated monitor said (null: nothing). */
  gated(v: Violation | null): void {
    if (v) this.gatedSaid.add(`${v.kind}: ${v.message}`);
  }

  /**
   * Verdicts said at skipped steps that the gated monitors never said, and what the ungated
   * bookkeeping monitors conclude against their gated twins.
   */
  finish(): Violation[] {
    const out: Violation[] = [];
    for (const [verdict, { monitor, at, trace }] of this.skippedSaid) {
      if (this.gatedSaid.has(verdict)) continue;
      const wrong = `${monitor} declares it skips the step ${at}, but there it says "${verdict}", which the gated plan never said`;
      this.note(wrong);
      out.push({ kind: 'monitor-plan', message: wrong, details: { trace } });
    }
    for (let k = 0; k < this.shadows.length; k++) {
      const s = this.shadows[k];
      const m = this.monitors[k];
      if (s === m || !m.onFinish) continue;
      const text = (vs: Violation[]) => vs.map((v) => `${v.kind}: ${v.message}`).join('\n');
      const gated = text(m.onFinish(this.ctx));
      const ungated = text(s.onFinish?.(this.ctx) ?? []);
      if (gated !== ungated) {
        const wrong = `${m.name} concludes "${gated || 'nothing'}" when gated, "${ungated || 'nothing'}" when run at every step: what it declares it reads does not decide its bookkeeping`;
        this.note(wrong);
        out.push({ kind: 'monitor-plan', message: wrong });
      }
    }
    if (this.total > MAX_KEPT) this.summary.discrepancies.push(`… and ${this.total - MAX_KEPT} more`);
    return out;
  }

  private note(text: string): void {
    if (this.total++ < MAX_KEPT) this.summary.discrepancies.push(text);
  }

  private names(reads: Int32Array): string {
    return Array.from(reads, (a) => this.world.actors[a].id).join(', ');
  }
}
