/**
 * How the notifier core's named actions are built: each computes the next context over a
 * `Draft` that gathers its sends and observations, then assigns and emits them in order,
 * adding the seq/epoch observations that the change of context implies.
 */
import type { ActorId, KSendParams, Observation } from './kernel-actions.ts';
import type { CoreErrorKind, NotifierCoreContext, NotifierCoreEvent } from './notifier-core-types.ts';

/** The effects of one event, gathered while computing the next context. */
export class Draft {
  ctx: NotifierCoreContext;
  readonly sends: KSendParams[] = [];
  readonly notes: Observation[] = [];
  constructor(ctx: NotifierCoreContext) {
    this.ctx = { ...ctx };
  }
  send(to: ActorId, event: { type: string; [k: string]: unknown }): void {
    this.sends.push({ to, event });
  }
  error(kind: CoreErrorKind, tid: string | null, sub: ActorId | null): void {
    this.ctx.errors = [...this.ctx.errors, { kind, tid, sub }];
    this.notes.push({ kind, mm: this.ctx.mm, core: this.ctx.id, tid, sub });
  }
  touch(sub: ActorId): void {
    if (!this.ctx.touched.includes(sub)) this.ctx.touched = [...this.ctx.touched, sub].sort();
  }
}

/** Observations for changes of seq and active (the seq-invariant monitor reads them). */
function seqNotes(before: NotifierCoreContext, after: NotifierCoreContext): Observation[] {
  const notes: Observation[] = [];
  const wasOdd = before.seq % 2 === 1;
  const isOdd = after.seq % 2 === 1;
  if (!wasOdd && isOdd) notes.push({ kind: 'notifier.epochBegin', mm: after.mm, seq: after.seq });
  if (wasOdd && !isOdd) notes.push({ kind: 'notifier.epochEnd', mm: after.mm, seq: after.seq });
  if (before.seq !== after.seq || before.active !== after.active)
    notes.push({ kind: 'notifier.seq', mm: after.mm, seq: after.seq, active: after.active });
  return notes;
}

/** The part of XState's `enqueue` the core uses. */
interface CoreEnqueue {
  (action: { type: 'kSend'; params: KSendParams } | { type: 'kObserve'; params: Observation }): void;
  assign(assignment: () => NotifierCoreContext): void;
}

/** Turn a computation over a Draft into a named action: assign, then the effects in order. */
export function coreAction<E extends NotifierCoreEvent>(compute: (d: Draft, event: E) => void) {
  return ({
    context,
    event,
    enqueue,
  }: {
    context: NotifierCoreContext;
    event: NotifierCoreEvent;
    enqueue: CoreEnqueue;
  }) => {
    const draft = new Draft(context);
    compute(draft, event as E);
    const next = draft.ctx;
    enqueue.assign(() => next);
    for (const params of draft.sends) enqueue({ type: 'kSend', params });
    for (const params of [...draft.notes, ...seqNotes(context, next)]) enqueue({ type: 'kObserve', params });
  };
}
