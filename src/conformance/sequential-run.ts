/**
 * Run a scenario's actors along the default schedule — the same schedule as `mirrorlab run`
 * without a seed and as the scenario set-up: at each step, the first enabled step in actor
 * order, exactly as `ControlledWorld.enabled()` orders them — but without interning states.
 *
 * Why a second executor: a conformance test is one schedule of a large model (1024 pages, tens
 * of thousands of steps when a CPU read faults every device page back). The controlled world
 * keeps every distinct state of every actor for hashing and replay, which the explorer needs
 * and a single deterministic run does not; here each snapshot is dropped after its step.
 * Delivery follows the protocol's rules (docs/protocol.md "Delivery rules") with the same
 * `eventPolicy` and pure step as the controlled runtime.
 *
 * Checked on the way (the monitors' jobs for a single run): a message no state handles, defers
 * or ignores (`unhandled-event`); new entries in a machine's `context.errors` (`model-error`);
 * a device access to a freed or reused page (`use-after-free`); a device entry built from a CPU
 * PTE that has changed since (`stale-spte`, as the monitor of that name); no step while a thread has not
 * finished (`deadlock`); and a step budget (`hang`).
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { KChooseParams, Observation } from '../../machines/kernel-actions.ts';
import type { ActorSpec } from '../runtime/controlled-world.ts';
import { eventPolicy } from '../runtime/event-policy.ts';
import { PureMachine, type StepResult } from '../runtime/pure-step.ts';

export interface RunProblem {
  kind: 'unhandled-event' | 'model-error' | 'use-after-free' | 'stale-spte' | 'deadlock' | 'hang';
  message: string;
}

export interface ThreadOutcome {
  id: string;
  done: boolean;
  context: { results?: unknown[]; mismatches?: ThreadMismatchLike[]; counters?: Record<string, number> };
}

export interface ThreadMismatchLike {
  op: number;
  label: string | null;
  expected: unknown;
  got: unknown;
}

export interface SequentialOutcome {
  steps: number;
  /** Set when `outOfTime` ended the run before it ended: its verdict is unknown. */
  outOfTime?: true;
  threads: ThreadOutcome[];
  problems: RunProblem[];
}

interface Pending {
  from: string;
  event: EventObject;
  /** The rest of the sending transition's chain (src/runtime/delivery.ts). */
  next?: Chained[];
}

interface Chained {
  to: string;
  msg: Pending;
}

interface Slot {
  id: string;
  pure: PureMachine;
  snapshot: AnyMachineSnapshot;
  inbox: Pending[];
  choice: KChooseParams | null;
  /** The chain a pending choice holds back until it is taken. */
  choiceNext?: Chained[];
  timers: { id: string; event: EventObject }[];
}

export function runSequential(
  specs: ActorSpec[],
  maxSteps = 2_000_000,
  /** Asked every 1024 steps: true stops the run (a time budget). */
  outOfTime: () => boolean = () => false,
): SequentialOutcome {
  const slots: Slot[] = [];
  const index = new Map<string, number>();
  const problems: RunProblem[] = [];
  const deviceMm = deviceMmOf(specs);
  for (const [i, s] of specs.entries()) index.set(s.id, i);
  const asynchronous = new Set(specs.filter((s) => s.asynchronous).map((s) => s.id));
  const results: StepResult[] = specs.map((s) => {
    const pure = new PureMachine(s.machine, s.id);
    const r = s.snapshot ? { snapshot: s.snapshot, ...noEffects() } : pure.initial({ ...s.input, id: s.id });
    slots.push({ id: s.id, pure, snapshot: r.snapshot, inbox: [], choice: r.choice, timers: [...r.timersSet] });
    return r;
  });
  for (const [i, r] of results.entries()) sendChain(specs[i].id, r.sends);

  function deliverTo(to: string, msg: Pending): void {
    const t = index.get(to);
    if (t === undefined) throw new Error(`actor '${msg.from}' sent to '${to}', which is not in this world`);
    slots[t].inbox.push(msg);
  }

  /**
   * One transition's sends, in program order: each call waits for the one before it, and a
   * command posted to a device goes out with whatever follows it (delivery.ts).
   */
  function sendChain(from: string, sends: StepResult['sends']): void {
    let next: Chained[] = [];
    for (let k = sends.length - 1; k >= 0; k--) {
      const ring = asynchronous.has(sends[k].to);
      const msg: Pending = { from, event: sends[k].event, ...(!ring && next.length ? { next } : {}) };
      next = ring ? [{ to: sends[k].to, msg }, ...next] : [{ to: sends[k].to, msg }];
    }
    deliverAll(next);
  }

  function deliverAll(chained: Chained[] | undefined): void {
    for (const c of chained ?? []) deliverTo(c.to, c.msg);
  }

  let steps = 0;
  for (; steps < maxSteps; steps++) {
    if (steps % 1024 === 1023 && outOfTime()) return { steps, threads: [], problems: [], outOfTime: true };
    const pick = nextStep(slots);
    if (!pick) break;
    const slot = slots[pick.actor];
    const before = slot.snapshot;
    const policy = eventPolicy(before, pick.event.type);
    const handled = policy === 'handled' && before.can(pick.event);
    if (!handled) {
      if (policy !== 'ignored')
        problems.push({
          kind: 'unhandled-event',
          message: `${slot.id} got ${pick.event.type} from ${pick.from} in ${JSON.stringify(before.value)}, which neither handles, defers nor ignores it`,
        });
      deliverAll(pick.next);
      continue;
    }
    const r = slot.pure.step(before, pick.event);
    slot.snapshot = r.snapshot;
    sendChain(slot.id, r.sends);
    // The caller's next call waits until a choice made here is taken.
    if (r.choice) {
      slot.choice = r.choice;
      slot.choiceNext = pick.next;
    } else deliverAll(pick.next);
    if (r.timersCancelled.length || r.timersSet.length) {
      const replaced = new Set([...r.timersCancelled, ...r.timersSet.map((t) => t.id)]);
      slot.timers = [...slot.timers.filter((t) => !replaced.has(t.id)), ...r.timersSet];
    }
    const err = newModelErrors(before, r.snapshot);
    if (err) problems.push({ kind: 'model-error', message: `${slot.id}: ${err}` });
    const uaf = useAfterFree(r.observations, slot.id, before, slots, index, deviceMm);
    if (uaf) problems.push({ kind: 'use-after-free', message: uaf });
    const stale =
      slot.id.startsWith('mm:') || deviceMm.has(slot.id) ? staleEntry(slot.id, slots, index, deviceMm) : null;
    if (stale) problems.push({ kind: 'stale-spte', message: stale });
    if (problems.length > 20) break;
  }

  const threads = slots
    .filter((s) => s.id.startsWith('thread:') && s.id !== 'thread:setup')
    .map((s) => ({
      id: s.id,
      done: s.snapshot.status === 'done',
      context: s.snapshot.context as ThreadOutcome['context'],
    }));
  const blocked = threads.filter((t) => !t.done);
  if (steps >= maxSteps) problems.push({ kind: 'hang', message: `no end after ${maxSteps} steps` });
  else if (blocked.length && !problems.length) {
    const waits = blocked.map((t) => {
      const c = t.context as { pc?: number; ops?: { to: string; event: { type: string } }[] };
      const op = c.ops?.[c.pc ?? 0];
      return op ? `${t.id} waits for ${op.to} to answer ${op.event.type}` : t.id;
    });
    const stuck = slots.filter((s) => s.inbox.length).map((s) => `${s.id} holds ${s.inbox.length} deferred message(s)`);
    problems.push({ kind: 'deadlock', message: `no step can run: ${[...waits, ...stuck].join('; ')}` });
  }
  return { steps, threads, problems };
}

/** The first enabled step in actor order: a pending choice (option 0), a message, a timer. */
function nextStep(slots: Slot[]): { actor: number; from: string; event: EventObject; next?: Pending['next'] } | null {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (s.choice) {
      const event = s.choice.options[0];
      const next = s.choiceNext;
      s.choice = null;
      s.choiceNext = undefined;
      return { actor: i, from: 'choice', event, next };
    }
    for (let k = 0; k < s.inbox.length; k++) {
      if (eventPolicy(s.snapshot, s.inbox[k].event.type) === 'deferred') continue;
      const [msg] = s.inbox.splice(k, 1);
      return { actor: i, from: msg.from, event: msg.event, next: msg.next };
    }
    if (s.timers.length) {
      const [t] = s.timers.splice(0, 1);
      return { actor: i, from: 'timer', event: t.event };
    }
  }
  return null;
}

function noEffects(): Omit<StepResult, 'snapshot'> {
  return { sends: [], choice: null, observations: [], timersSet: [], timersCancelled: [] };
}

function newModelErrors(before: AnyMachineSnapshot, after: AnyMachineSnapshot): string | null {
  const was = (before.context as { errors?: unknown[] } | undefined)?.errors ?? [];
  const now = (after.context as { errors?: unknown[] } | undefined)?.errors ?? [];
  if (!Array.isArray(now) || now.length <= was.length) return null;
  return now
    .slice(was.length)
    .map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
    .join('; ');
}

/** Which mm each device (the `dev` a driver names) accesses, as the monitors' topology has it. */
function deviceMmOf(specs: ActorSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of specs) {
    const input = s.input as { dev?: string; mm?: string };
    if (s.id.startsWith('drv:') && input.dev && input.mm) out.set(input.dev, input.mm);
  }
  return out;
}

/** A `dev.access` to a page that is not allocated with the generation the device holds. */
function useAfterFree(
  observations: Observation[],
  actor: string,
  before: AnyMachineSnapshot,
  slots: Slot[],
  index: Map<string, number>,
  deviceMm: Map<string, string>,
): string | null {
  for (const o of observations) {
    if (o.kind !== 'dev.access') continue;
    const mm = actor.startsWith('mm:') ? actor : deviceMm.get(String(o.dev));
    if (!mm) continue;
    const snap = mm === actor ? before : slots[index.get(mm)!].snapshot;
    const page = (snap.context as { pages: Record<string, { gen: number }> }).pages[String(o.pfn)];
    if (!page || page.gen !== o.gen)
      return `${o.dev} ${o.write ? 'wrote' : 'read'} pfn ${o.pfn} at 0x${Number(o.addr).toString(16)}, a page that was ${page ? 'reused' : 'freed'}`;
  }
  return null;
}

/** A device table entry older than its CPU PTE, after a step of `actor` (an mm or a device). */
function staleEntry(
  actor: string,
  slots: Slot[],
  index: Map<string, number>,
  deviceMm: Map<string, string>,
): string | null {
  for (const [dev, mm] of deviceMm) {
    if (actor !== mm && actor !== dev) continue;
    const ctx = slots[index.get(dev)!].snapshot.context as {
      table?: Record<string, { pfn: number; version: number | null; pinned: boolean }>;
      pageSize?: number;
    };
    const versions = (slots[index.get(mm)!].snapshot.context as { versions: Record<string, number> }).versions;
    const table = ctx.table ?? {};
    // Keys, not entries: this runs after every mm and device step, over the whole table.
    for (const vpn of Object.keys(table)) {
      const e = table[vpn];
      if (e.pinned || e.version === null || (versions[vpn] ?? 0) <= e.version) continue;
      const addr = Number(vpn) * (ctx.pageSize ?? 4096);
      return `${dev} still maps 0x${addr.toString(16)} → pfn ${e.pfn} (built from CPU PTE version ${e.version}) after ${mm} changed that PTE (now version ${versions[vpn]})`;
    }
  }
  return null;
}
