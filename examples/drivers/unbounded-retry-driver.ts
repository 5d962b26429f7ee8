// unbounded-retry-driver.ts: a DELIBERATELY BROKEN custom driver, for trying the liveness check.
// It is the minimal driver of docs/driver-protocol.md (./minimal-driver.ts) except that its
// fault path restarts after a collision without counting: "goto again" with no bound. The
// kernel's hmm_range_fault users give up with -EBUSY after HMM_RANGE_DEFAULT_TIMEOUT; this one
// retries for as long as invalidations keep coming, so a thread that keeps changing the mapping
// starves the fault forever (`livelock`):
//   node bin/mirrorlab.mjs check --driver examples/drivers/unbounded-retry-driver.ts
import { setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import minimal from './minimal-driver.ts';

const config = minimal.config as any;
const fault = config.states.fault;

export default setup({
  actions: { ...kernelActions },
  guards: minimal.implementations.guards as any,
}).createMachine({
  ...config,
  id: 'unbounded-retry-driver',
  states: {
    ...config.states,
    fault: {
      ...fault,
      states: {
        ...fault.states,
        // THE BUG: back to read_begin, always; no retry count, no -EBUSY.
        retry: { always: { target: 'readBegin' } },
      },
    },
  },
} as any);
