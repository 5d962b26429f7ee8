// never-completing-driver.ts: a DELIBERATELY BROKEN custom driver, for trying the liveness check.
// It is ./unbounded-retry-driver.ts (the minimal driver of docs/driver-protocol.md with no retry
// bound) with the read_retry test the wrong way round as well: a successful check (no collision)
// sends the fault back to retry. No invalidation is needed: once nothing else is left to run,
// its fault loops forever (`livelock`), while a collision maps the device entry it should drop.
//   node bin/mirrorlab.mjs check --driver examples/drivers/never-completing-driver.ts
import { enqueueActions, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import unbounded from './unbounded-retry-driver.ts';

const config = unbounded.config as any;
const fault = config.states.fault;
const [collided, succeeded] = fault.states.checking.on['sub.retryResult'];
const unlock = enqueueActions(({ context: c, enqueue }: { context: any; enqueue: any }) =>
  enqueue({ type: 'kSend', params: { to: c.lock, event: { type: 'lock.release', tid: c.req.tid } } }),
);
// THE BUG: the two outcomes of read_retry swapped.
const checking = {
  ...fault.states.checking,
  on: {
    'sub.retryResult': [
      { ...succeeded, guard: collided.guard },
      { guard: 'forRequest', target: 'retry', actions: unlock },
    ],
  },
};

export default setup({
  actions: { ...kernelActions },
  guards: unbounded.implementations.guards as any,
}).createMachine({
  ...config,
  id: 'never-completing-driver',
  states: { ...config.states, fault: { ...fault, states: { ...fault.states, checking } } },
} as any);
