/**
 * `expectation`: a scenario thread got a reply that differs from its op's `expect:` (the
 * thread observes `thread.mismatch`). The checker's own monitors judge the kernel's properties;
 * a conformance run also needs the selftest's assertions, and these are the threads' checks.
 */
import type { Monitor } from '../monitors/monitor.ts';

export const expectationMonitor: Monitor = {
  name: 'expectation',
  onStep(_ctx, record) {
    const m = record.observations.find((o) => o.kind === 'thread.mismatch');
    if (!m) return null;
    return {
      kind: 'expectation',
      message: `${m.tid} op ${m.op} (${m.label}): expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.got)}`,
      details: { tid: m.tid, op: m.op, label: m.label, expected: m.expected, got: m.got },
    };
  },
};
