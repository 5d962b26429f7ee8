// BUG: a registration cache that walks with hmm_range_fault instead of pinning, yet still
// ignores every event but UNMAP. Without a pin a discarded page (MADV_DONTNEED: CLEAR) is
// freed while the cache's device entry still points at it.
import { rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({
  id: 'registration-cache-no-pin',
  profile: 'registration-cache',
  input: { pin: false },
});
