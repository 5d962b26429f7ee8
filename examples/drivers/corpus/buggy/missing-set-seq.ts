// BUG: the invalidate callback zaps the device range but never calls mmu_interval_set_seq
// (the kernel-doc says it must be called unconditionally). A fault that did read_begin before
// the invalidation and takes the lock after it passes read_retry and maps the old page.
import { minimalState, minimalVariant, zapWithoutSetSeq } from '../kit/minimal-variant.ts';

const zapping = minimalState('callback', 'zapping');

export default minimalVariant({
  id: 'missing-set-seq',
  callback: {
    zapping: {
      ...zapping,
      entry: zapWithoutSetSeq,
    },
  },
});
