/**
 * The interned values of a controlled world (controlled-world.ts): per actor its machine
 * snapshots and its local situations (snapshot, pending choice, timers, inbox), and the messages
 * and choices all actors share. Each distinct value gets a small integer once, by a key that is
 * equal exactly when the values are, so a world state can be a vector of integers and equal
 * states compare and hash as equal vectors.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { KChooseParams } from '../../machines/kernel-actions.ts';
import { threadOf } from './delivery.ts';
import { ModelError } from './pure-step.ts';
import { snapshotKey } from './snapshot-key.ts';
import type { Append, Local, Message } from './world-types.ts';

export class Interned {
  /** Per actor: snapshots by id. */
  readonly snapshots: AnyMachineSnapshot[][];
  private readonly snapshotIds: Map<string, number>[];
  /** Per actor: local situations by id. */
  readonly locals: Local[][];
  private readonly localIds: Map<string, number>[];
  /** Messages by id; id 0 is no message. */
  readonly messages: Message[] = [{ from: '', event: { type: '' }, thread: '' }];
  /** Per message id: its channel, a small integer per sender (and thread, for concurrent senders: delivery.ts). */
  readonly messageChannel: number[] = [-1];
  /** Per message id: its event's id (equal events, equal ids), whatever thread or chain it is in. */
  readonly messageEvent: number[] = [0];
  private readonly messageIds = new Map<string, number>();
  private readonly eventIds = new Map<string, number>();
  private readonly channelIds = new Map<string, number>();
  /** Pending choices by id; id 0 is no choice. */
  readonly choices: PendingChoice[] = [{ label: '', options: [], thread: '' }];
  private readonly choiceIds = new Map<string, number>();

  /**
   * `concurrent`: the ids of actors that run several threads of control at once;
   * `asynchronous`: the indices of actors that take posted commands (delivery.ts).
   */
  constructor(
    actors: number,
    private readonly concurrent: ReadonlySet<string>,
    private readonly asynchronous: ReadonlySet<number>,
  ) {
    this.snapshots = Array.from({ length: actors }, () => []);
    this.snapshotIds = Array.from({ length: actors }, () => new Map());
    this.locals = Array.from({ length: actors }, () => []);
    this.localIds = Array.from({ length: actors }, () => new Map());
  }

  snapshot(actor: number, snapshot: AnyMachineSnapshot): number {
    const key = snapshotKey(snapshot);
    const ids = this.snapshotIds[actor];
    let id = ids.get(key);
    if (id === undefined) {
      if (key.length > MAX_SNAPSHOT_CHARS) throw grewTooBig(snapshot, key.length);
      id = this.snapshots[actor].length;
      this.snapshots[actor].push(snapshot);
      ids.set(key, id);
    }
    return id;
  }

  local(actor: number, snap: number, choice: number, timers: number[], inbox: number[]): number {
    const key = `${snap},${choice}|${timers.join(',')}|${inbox.join(',')}`;
    const ids = this.localIds[actor];
    let id = ids.get(key);
    if (id === undefined) {
      id = this.locals[actor].length;
      this.locals[actor].push({
        snap,
        choice,
        timers,
        inbox,
        steps: null,
        extra: null,
        appendMsgs: null,
        appendIds: null,
        canon: -1,
      });
      ids.set(key, id);
    }
    return id;
  }

  message(msg: Message): number {
    const eventKey = JSON.stringify(msg.event);
    const next = msg.next ? msg.next.map((a) => `${a.to}:${a.msg}`).join(',') : '';
    const key = `${msg.from}|${msg.thread}|${msg.ring ? 1 : 0}|${msg.timerId ?? ''}|${next}|${eventKey}`;
    let id = this.messageIds.get(key);
    if (id === undefined) {
      id = this.messages.length;
      this.messages.push(msg);
      this.messageChannel.push(intern(this.channelIds, channelOf(msg, this.concurrent)));
      this.messageEvent.push(intern(this.eventIds, eventKey));
      this.messageIds.set(key, id);
    }
    return id;
  }

  /**
   * The messages of one transition's sends, chained in program order (delivery.ts): each call
   * names what follows it. A command posted to a device does not wait: it goes out together
   * with whatever follows it. Returns the messages in send order and the first appends.
   */
  chain(from: string, thread: string, sends: readonly { to: number; event: EventObject }[]): Chain {
    const messages: Append[] = new Array(sends.length);
    let next: Append[] = [];
    for (let k = sends.length - 1; k >= 0; k--) {
      const { to, event } = sends[k];
      const ring = this.asynchronous.has(to);
      const msg = this.message({
        from,
        event,
        thread: threadOf(event, thread),
        ...(ring ? { ring } : {}),
        ...(!ring && next.length ? { next } : {}),
      });
      messages[k] = { to, msg };
      next = ring ? [{ to, msg }, ...next] : [{ to, msg }];
    }
    return { messages, first: next };
  }

  choice(choice: PendingChoice): number {
    const key = JSON.stringify([choice.label, choice.options, choice.thread, choice.next ?? []]);
    let id = this.choiceIds.get(key);
    if (id === undefined) {
      id = this.choices.length;
      this.choices.push(choice);
      this.choiceIds.set(key, id);
    }
    return id;
  }
}

/**
 * A choice waiting to be taken, with the thread that made it and the rest of the chain it holds
 * back: the caller's next call waits until the callee has made up its mind (delivery.ts).
 */
export interface PendingChoice extends KChooseParams {
  thread: string;
  next?: readonly Append[];
}

/** One transition's sends as a chain: every message in send order, and what goes out at once. */
export interface Chain {
  messages: Append[];
  first: Append[];
}

function channelOf(msg: Message, concurrent: ReadonlySet<string>): string {
  return concurrent.has(msg.from) && !msg.ring ? `${msg.from}#${msg.thread}` : msg.from;
}

function intern(ids: Map<string, number>, key: string): number {
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size;
    ids.set(key, id);
  }
  return id;
}

/**
 * The largest state an actor may have, as JSON: the biggest bundled one (an mm with 4096
 * populated words) is about 200 KB. Past it a context is growing without bound (a list appended
 * on every step), which would fill the heap long before a search ends.
 */
export const MAX_SNAPSHOT_CHARS = 4_000_000;

function grewTooBig(s: AnyMachineSnapshot, chars: number): ModelError {
  const id = (s as { machine?: { id?: string } }).machine?.id ?? '?';
  return new ModelError(
    `machine '${id}' grew its state to ${chars} characters of JSON (the cap is ${MAX_SNAPSHOT_CHARS}): its context grows without bound (something appended on every step?); keep only what the next steps need`,
  );
}
