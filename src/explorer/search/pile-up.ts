/**
 * Why a search has no end, when the reason is messages piling up unread. In a request/reply
 * protocol a thread of control has at most one call of a kind outstanding to one receiver, so
 * an inbox never holds the same message (sender, event type, thread) twice for long. When it
 * holds three or more copies, the receiver leaves them unread while the sender keeps producing
 * them (a driver that asks its device for flush confirmations and never waits for them), every
 * round can add one, and the state space is likely endless: no `--max-states` would make the
 * search complete. Commands posted to a device's ring are not counted: they need no reply.
 * A search cut short reports the worst such pile in the last state it expanded.
 */
import type { ControlledWorld } from '../../runtime/controlled-world.ts';

/** Copies of one message at which an inbox is said to pile up (one is normal, two a transient). */
const PILE_UP_COPIES = 3;
/** Frontier states looked at after a search was cut short (the frontier is dropped anyway). */
const LOOK_AT = 4096;

/**
 * The worst inbox pile-up a search saw (`SearchStats.pileUp`): copies of one message waiting in
 * one actor's inbox, a sign of a sender that does not wait for replies.
 *
 * @example
 * ```ts
 * import type { PileUp } from 'mirrorlab';
 *
 * const describe = (p: PileUp) => `${p.copies} copies of ${p.type} from ${p.from} wait in ${p.actor}'s inbox`;
 * ```
 */
export interface PileUp {
  /** The actor whose inbox piles up. */
  actor: string;
  /** The repeated message: its sender, event type and thread, and how many copies wait. */
  from: string;
  type: string;
  thread: string;
  copies: number;
  /** All the messages in that inbox. */
  inbox: number;
  /** Depth of the state it was seen in. */
  depth: number;
}

/** The largest pile of one repeated message in the inboxes of the state `vec` (local ids per actor). */
export function pileUpIn(world: ControlledWorld, vec: ArrayLike<number>, depth: number): PileUp | null {
  let worst: PileUp | null = null;
  for (let a = 0; a < world.actors.length; a++) {
    const inbox = world.local(a, vec[a]).inbox;
    if (inbox.length < PILE_UP_COPIES) continue;
    const copies = new Map<string, number>();
    for (const id of inbox) {
      const m = world.message(id);
      // Commands posted to a device's ring need no reply and may queue up to the work given.
      if (m.ring) continue;
      const key = `${m.from}\u0000${m.event.type}\u0000${m.thread}`;
      const n = (copies.get(key) ?? 0) + 1;
      copies.set(key, n);
      if (n >= PILE_UP_COPIES && (worst === null || n > worst.copies)) {
        worst = {
          actor: world.actors[a].id,
          from: m.from,
          type: m.event.type,
          thread: m.thread,
          copies: n,
          inbox: inbox.length,
          depth,
        };
      }
    }
  }
  return worst;
}

/** The pile in words, for the line that says why a search was cut short. */
export function pileUpText(p: PileUp): string {
  return (
    `messages pile up unread: at depth ${p.depth}, ${p.actor} holds ${p.copies} copies of ${p.type} ` +
    `from ${p.from} (thread ${p.thread}; ${p.inbox} messages in all). It leaves them unread while ` +
    `${p.from} keeps sending, so every round can add one and the state space likely has no end: a ` +
    `larger limit would not finish this search. A reply that is asked for must be waited for.`
  );
}

/**
 * The worst pile in the states a search left unexpanded, up to LOOK_AT of them: the last state
 * alone may be one where the receiver has just caught up. `next` fills `vec` with the next such
 * state and returns its depth, or null when there is none left.
 */
export function worstPileUp(
  world: ControlledWorld,
  vec: Int32Array,
  next: (vec: Int32Array) => number | null,
): PileUp | null {
  let worst: PileUp | null = null;
  for (let k = 0; k < LOOK_AT; k++) {
    const depth = next(vec);
    if (depth === null) break;
    const p = pileUpIn(world, vec, depth);
    if (p !== null && (worst === null || p.copies > worst.copies)) worst = p;
  }
  return worst;
}
