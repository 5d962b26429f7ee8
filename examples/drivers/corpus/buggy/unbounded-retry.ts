// BUG: the fault path restarts from read_begin after every collision, with no bound (the
// kernel gives up after HMM_RANGE_DEFAULT_TIMEOUT with -EBUSY). Invalidations that keep
// coming (a thread that keeps remapping) starve the fault forever: a livelock.
import { assign } from 'xstate';
import { minimalVariant } from '../kit/minimal-variant.ts';

export default minimalVariant({
  id: 'unbounded-retry',
  fault: {
    retry: {
      always: { target: 'readBegin', actions: assign({ req: ({ context }: any) => ({ ...context.req, pfns: [] }) }) },
    },
  },
});
