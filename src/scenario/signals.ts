/**
 * Signals between scenario threads (`signal: { thread, fatal }`): each signalled thread learns
 * how many signals will come (it must not finish before they arrived: a finished actor takes no
 * message) and which actors its waits can sleep in (every fence and update lock of the
 * scenario), so it can tell them while a signal is pending (machines/signals.ts).
 */
import type { ThreadOp } from '../../machines/thread.machine.ts';
import type { ActorSpec } from '../runtime/controlled-world.ts';

/** Adds `signalsToCome` and `signalTargets` to the input of every thread some op signals. */
export function wireSignals(threads: ActorSpec[], kernel: ActorSpec[]): void {
  const incoming = new Map<string, number>();
  for (const t of threads) {
    for (const op of (t.input as { ops: ThreadOp[] }).ops) {
      if (op.event.type === 'thread.signal') incoming.set(op.to, (incoming.get(op.to) ?? 0) + 1);
    }
  }
  if (incoming.size === 0) return;
  const signalTargets = kernel.map((a) => a.id).filter((id) => id.startsWith('fence:') || id.startsWith('lock:'));
  for (const t of threads) {
    const count = incoming.get(t.id);
    if (count) t.input = { ...(t.input as object), signalTargets, signalsToCome: count };
  }
}
