/**
 * The interned values of a controlled world (controlled-world.ts): per actor its machine
 * snapshots and its local situations (snapshot, pending choice, timers, inbox), and the messages
 * and choices all actors share. Each distinct value gets a small integer once, by a key that is
 * equal exactly when the values are, so a world state can be a vector of integers and equal
 * states compare and hash as equal vectors.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { KChooseParams } from '../../machines/kernel-actions.ts';
import type { Local, Message } from './world-types.ts';

export class Interned {
  /** Per actor: snapshots by id. */
  readonly snapshots: AnyMachineSnapshot[][];
  private readonly snapshotIds: Map<string, number>[];
  /** Per actor: local situations by id. */
  readonly locals: Local[][];
  private readonly localIds: Map<string, number>[];
  /** Messages by id; id 0 is no message. */
  readonly messages: Message[] = [{ from: '', event: { type: '' } }];
  /** Per message id: the sending actor's index, or -1 (timers, choices, outsiders). */
  readonly messageFrom: number[] = [-1];
  private readonly messageIds = new Map<string, number>();
  /** Pending choices by id; id 0 is no choice. */
  readonly choices: KChooseParams[] = [{ label: '', options: [] }];
  private readonly choiceIds = new Map<string, number>();

  /** `index`: actor id → actor index, to record who sent each message. */
  constructor(
    actors: number,
    private readonly index: ReadonlyMap<string, number>,
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
    const key = JSON.stringify([msg.from, msg.timerId ?? '', msg.event]);
    let id = this.messageIds.get(key);
    if (id === undefined) {
      id = this.messages.length;
      this.messages.push(msg);
      this.messageFrom.push(this.index.get(msg.from) ?? -1);
      this.messageIds.set(key, id);
    }
    return id;
  }

  choice(choice: KChooseParams): number {
    const key = JSON.stringify(choice);
    let id = this.choiceIds.get(key);
    if (id === undefined) {
      id = this.choices.length;
      this.choices.push(choice);
      this.choiceIds.set(key, id);
    }
    return id;
  }
}

/** Equal local states must give equal keys: value, context and status are the whole state. */
function snapshotKey(s: AnyMachineSnapshot): string {
  return JSON.stringify([s.status, s.value, s.context]);
}
