// BUG: read_retry is checked before taking the update lock, then the device is programmed
// under the lock (the misuse hmm.rst warns about). An invalidation can run its whole callback
// between the check and the lock: nothing was mapped yet, so nothing is zapped, the core frees
// the page, and the driver then maps it from its stale walk.
import { and, enqueueActions } from 'xstate';
import { send, sleep } from '../kit/effects.ts';
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const busy = { defer: ['drv.fault'] };
const walking = minimalState('fault', 'walking');
const walked = walking.on['hmm.rangeResult'];
const entriesOf = (pfns: any[]) =>
  pfns
    .filter((p) => p.valid)
    .map((p) => ({
      addr: p.addr,
      pfn: p.pfn,
      gen: p.gen,
      version: p.version,
      perm: p.write ? 'write' : 'read',
      pinned: false,
    }));

export default minimalVariant({
  id: 'retry-outside-lock',
  fault: {
    walking: {
      ...walking,
      on: {
        // The walk succeeded: check for a collision now, before the lock (the bug).
        'hmm.rangeResult': walked.map((t: any, i: number) =>
          i === walked.length - 1 ? { ...t, target: 'checkingUnlocked' } : t,
        ),
      },
    },
    checkingUnlocked: {
      meta: busy,
      entry: enqueueActions(({ context: c, enqueue }: any) =>
        enqueue(send(c.sub, { type: 'sub.readRetry', replyTo: c.id, tid: c.req.tid, seq: c.req.seq })),
      ),
      on: {
        'sub.retryResult': [
          { guard: and(['forRequest', 'seqCollided']), target: 'retry' },
          { guard: 'forRequest', target: 'locking' },
        ],
      },
    },
    locking: {
      meta: busy,
      entry: enqueueActions(({ context: c, enqueue }: any) => {
        enqueue(send(c.lock, { type: 'lock.acquire', replyTo: c.id, tid: c.req.tid, mode: 'write' }));
        enqueue(sleep(c.req.tid, c.lock));
      }),
      on: {
        'lock.granted': {
          guard: 'forRequest',
          target: 'reply',
          actions: enqueueActions(({ context: c, enqueue }: any) => {
            enqueue(send(c.dev, { type: 'dev.map', entries: entriesOf(c.req.pfns) }));
            enqueue(send(c.lock, { type: 'lock.release', tid: c.req.tid }));
          }),
        },
      },
    },
  },
});
