// BUG: read_retry is checked before taking the update lock, then the device is programmed
// under the lock (the misuse hmm.rst warns about). An invalidation can run its whole callback
// between the check and the lock: nothing was mapped yet, so nothing is zapped, the core frees
// the page, and the driver then maps it from its stale walk.
import { minimalState, minimalVariant, unlockedSeqCheck, walkingThen } from '../kit/minimal-variant.ts';

const locking = minimalState('fault', 'locking');
// The minimal driver's "read_retry passed" step: map the walked pages, unlock.
const [, mapAndUnlock] = minimalState('fault', 'checking').on['sub.retryResult'];

export default minimalVariant({
  id: 'retry-outside-lock',
  fault: {
    walking: walkingThen('checkingUnlocked'),
    checkingUnlocked: unlockedSeqCheck('sub.readRetry'),
    locking: { ...locking, on: { 'lock.granted': { ...mapAndUnlock, guard: 'forRequest' } } },
  },
});
