// BUG: the fault path reads mmu_interval_read_retry() with the errno convention ("0 means it
// worked") and loops with a bare `goto again`: a clean check sends the fault back to the start
// forever (it never completes), and a collision maps the stale pages.
import { and, assign } from 'xstate';
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const checking = minimalState('fault', 'checking');
const [collided, clean] = checking.on['sub.retryResult'];

export default minimalVariant({
  id: 'inverted-read-retry',
  guards: { seqClean: ({ event }) => event.retry === false },
  fault: {
    checking: {
      ...checking,
      on: {
        'sub.retryResult': [
          { ...collided, guard: and(['forRequest', 'seqClean']) },
          { ...clean, guard: 'forRequest' },
        ],
      },
    },
    retry: {
      always: { target: 'readBegin', actions: assign({ req: ({ context }: any) => ({ ...context.req, pfns: [] }) }) },
    },
  },
});
