/**
 * The delivery rules both runtimes share (docs/protocol.md, "Scheduling points"):
 *
 * - Every message belongs to a **thread of control**: the tid its event names (a request or a
 *   reply on behalf of that thread), else the thread of the transition that sent it. A
 *   transition's thread is the thread of the message it consumed (an actor's start, a timer or
 *   an event with no thread at all: the actor itself; a timer runs in its actor's own thread).
 * - **Program order per transition.** The sends of one transition are the calls one kernel
 *   thread makes one after the other, so they form a *chain*: only the first is put in its
 *   receiver's inbox; each further one is put in its receiver's inbox when the one before it
 *   has been consumed. Every send is therefore a point where other threads may run, however the
 *   author grouped the sends into actions, and no call takes effect before an earlier one.
 * - **A device is a processor of its own** (`ActorSpec.asynchronous`): a call to it only posts
 *   a command to its ring, which it runs in its own time. So the caller goes on at once (the
 *   posted command and the next call go out together), and the ring is FIFO per sending actor,
 *   whatever the sender's thread: commands run in the order they were written to it.
 * - **Channels are FIFO per (sender, receiver), and per thread for a concurrent sender.** A
 *   kernel object (mm, notifier core, lock, fence, device) is one serialisation point: what it
 *   sends to one receiver arrives in the order sent, as its own lock orders its work in the
 *   kernel. A driver runs several threads of control at once (its fault path, its invalidate
 *   callback in the invalidating thread, its submissions): its sends are FIFO per thread, so one
 *   thread's late call can be overtaken by another thread's later one (set_seq after the unlock,
 *   overtaken by the fault path's read_retry). So does a subscription, which has no lock of its
 *   own: its answers run on the reader's stack, its invalidate op on the invalidating thread's.
 *   An actor may take, from each channel, the first message its state does not defer.
 */
import type { EventObject } from 'xstate';

/** The thread of control of a message sent with `event` by a transition running in `sendingThread`. */
export function threadOf(event: EventObject, sendingThread: string): string {
  const tid = (event as { tid?: unknown }).tid;
  return typeof tid === 'string' && tid !== '' ? tid : sendingThread;
}
