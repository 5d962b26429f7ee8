// CORRECT: after the walk, a lockless mmu_interval_check_retry as a cheap early-out (restart
// without taking the lock when a collision is already visible), then the authoritative
// read_retry under the update lock as usual. The hint may be stale either way; only the
// locked check decides whether the device is programmed.
import { minimalVariant, unlockedSeqCheck, walkingThen } from '../kit/minimal-variant.ts';

export default minimalVariant({
  id: 'lockless-retry-hint',
  fault: { walking: walkingThen('hinting'), hinting: unlockedSeqCheck('sub.checkRetry') },
});
