/**
 * `fence-order`: fences on one dma_fence context must signal in seqno order (docs/kernel-semantics.md
 * §4.3, §7 item 25): when a fence signals, every fence of its context with a lower seqno must
 * already have signalled.
 */
import type { Monitor } from './monitor.ts';
import { ctxOf, topology } from './topology.ts';

export const fenceOrderMonitor: Monitor = {
  name: 'fence-order',
  interest: (_world, record) => (record.observations.some((o) => o.kind === 'fence.signaled') ? 'global' : 'skip'),
  reads: (world) => topology(world).fences,
  inFlight: [],
  onStep(ctx, record, before) {
    for (const o of record.observations) {
      if (o.kind !== 'fence.signaled') continue;
      const { world } = ctx;
      for (const i of topology(world).fences) {
        const id = world.actors[i].id;
        if (id === o.fence) continue;
        const f = ctxOf<{ context: number; seqno: number }>(world, before, i);
        if (f.context !== o.context || f.seqno >= Number(o.seqno)) continue;
        if (!world.snapshot(before, i).matches('signaled' as never)) {
          return {
            kind: 'fence-order',
            message: `${o.fence} (context ${o.context}, seqno ${o.seqno}) signalled before ${id} (seqno ${f.seqno}) on the same context`,
          };
        }
      }
    }
    return null;
  },
};
