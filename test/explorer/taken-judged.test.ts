/**
 * A delivery taken at once (src/explorer/reduction/returns.ts) that a monitor judges is judged
 * from the state it was taken in, not from the parent of the step it was taken with. A chain can
 * be long: a lock's release grants the fault path the lock, and its grant, read_retry and the
 * answer are taken in that step; a thread-scoped monitor judging the answer must see the fault
 * path holding the lock, as it does in the full semantics. (Judged from the parent, the
 * reduced search missed sleep-in-atomic reports of the full search: 97 of 5,200 cases of the
 * reduction fuzz from seed 344493.)
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';
import { ctxOf, topology } from '../../src/monitors/topology.ts';

describe('a delivery taken at once, judged', () => {
  it('should be judged from the state it was taken in', async () => {
    const { world } = await worldFor('test/monitors/fixtures/spinlock-retry.yaml');
    const lock = world.indexOf('lock:gpu0');
    const holders: string[][] = [];
    // Thread-scoped, it may judge the answer where it is taken (returns.ts).
    const probe: Monitor = {
      name: 'probe-retry-answers',
      threadScoped: true,
      interest: (_w, record) => (record.message.event.type === 'sub.retryResult' ? 'global' : 'skip'),
      reads: (w) => topology(w).locks,
      inFlight: [],
      fieldsRead: () => ['holders'],
      onStep(ctx, _record, before) {
        holders.push(ctxOf<{ holders: { tid: string }[] }>(ctx.world, before, lock).holders.map((h) => h.tid));
        return null;
      },
    };
    const r = exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), probe] });
    expect(r.stats.complete).toBe(true);
    expect(r.stats.returnsTaken).toBeGreaterThan(0);
    // Each answer to read_retry reaches the fault path while it holds the lock.
    expect(holders.length).toBeGreaterThan(0);
    expect(new Set(holders.map((h) => h.join()))).toEqual(new Set(['thread:gpu']));
  });
});
