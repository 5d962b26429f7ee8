/**
 * `expectation`: a thread's operation got a reply other than the scenario's `expect:` for it
 * (in some interleaving, e.g. munmap returned an error, or a read saw a stale value).
 */
import type { Monitor } from './monitor.ts';
import { NO_OTHER_ACTOR } from './topology.ts';

export const expectationMonitor: Monitor = {
  name: 'expectation',
  ...NO_OTHER_ACTOR,
  interest: (_world, record) => (record.observations.some((o) => o.kind === 'thread.mismatch') ? 'local' : 'skip'),
  onStep(_ctx, record) {
    for (const o of record.observations) {
      if (o.kind !== 'thread.mismatch') continue;
      return {
        kind: 'expectation',
        message: `${o.tid} op ${o.op} (${o.label}) expected ${JSON.stringify(o.expected)} but got ${JSON.stringify(o.got)}`,
      };
    }
    return null;
  },
};
