/** `unhandled-event`: an event delivered to a state that neither handles, defers nor ignores it. */
import type { Monitor } from './monitor.ts';
import { NO_OTHER_ACTOR } from './topology.ts';

export const unhandledEventMonitor: Monitor = {
  name: 'unhandled-event',
  ...NO_OTHER_ACTOR,
  interest: (_world, record) => (record.policy === 'unhandled' ? 'local' : 'skip'),
  onStep(ctx, record, before) {
    if (record.policy !== 'unhandled') return null;
    const snap = ctx.world.snapshot(before, record.step.actor);
    const where = snap.status === 'active' ? `state ${JSON.stringify(snap.value)}` : `status '${snap.status}'`;
    return {
      kind: 'unhandled-event',
      message: `${record.actor} got ${record.message.event.type} from ${record.message.from} in ${where}, which neither handles, defers nor ignores it`,
    };
  },
};
