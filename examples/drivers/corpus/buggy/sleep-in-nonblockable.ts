// BUG: the callback takes its update lock with a blocking mutex_lock whatever `blockable`
// says. In the OOM reaper's non-blockable invalidation that is a sleep the kernel forbids.
import { minimalState, minimalVariant } from '../kit/minimal-variant.ts';

const [ownMemory, , blocking] = minimalState('callback', 'idle').on['drv.invalidate'];

export default minimalVariant({
  id: 'sleep-in-nonblockable',
  callback: { idle: { on: { 'drv.invalidate': [ownMemory, blocking] } } },
});
