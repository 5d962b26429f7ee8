// never-completing-driver.ts: a DELIBERATELY BROKEN custom driver, for trying the liveness check.
// It is the minimal driver of docs/driver-protocol.md (./minimal-driver.ts) with the read_retry
// test the wrong way round: a successful check (no collision) sends the fault back to retry, and
// its retry path has no bound. No invalidation is needed: every fault loops forever (`livelock`),
// while a collision maps the device entry it should have dropped.
//   node bin/mirrorlab.mjs check --driver examples/drivers/never-completing-driver.ts
import { enqueueActions, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import minimal from './minimal-driver.ts';

const config = minimal.config as any;
const fault = config.states.fault;
const [collided, succeeded] = fault.states.checking.on['sub.retryResult'];
const unlock = enqueueActions(({ context: c, enqueue }: { context: any; enqueue: any }) =>
  enqueue({ type: 'kSend', params: { to: c.lock, event: { type: 'lock.release', tid: c.req.tid } } }),
);

export default setup({
  actions: { ...kernelActions },
  guards: minimal.implementations.guards as any,
}).createMachine({
  ...config,
  id: 'never-completing-driver',
  states: {
    ...config.states,
    fault: {
      ...fault,
      states: {
        ...fault.states,
        checking: {
          ...fault.states.checking,
          on: {
            // THE BUG: the two outcomes of read_retry swapped.
            'sub.retryResult': [
              { ...succeeded, guard: collided.guard },
              { guard: 'forRequest', target: 'retry', actions: unlock },
            ],
          },
        },
        retry: { always: { target: 'readBegin' } },
      },
    },
  },
} as any);
