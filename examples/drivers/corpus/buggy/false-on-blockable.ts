// BUG: the callback always uses mutex_trylock and returns false when the lock is busy, also
// on a blockable range. The core only accepts false from a non-blockable invalidation; on a
// blockable one (munmap, madvise) it WARNs and the invalidation is not allowed to fail.
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const [ownMemory, nonBlockable] = minimalState('callback', 'idle').on['drv.invalidate'];

export default minimalVariant({
  id: 'false-on-blockable',
  callback: {
    idle: { on: { 'drv.invalidate': [ownMemory, { target: 'trylocking', actions: nonBlockable.actions }] } },
  },
});
