// The built-in 'userptr-fence-after-unlock' profile rebuilt as a custom module: drm-vm-bind-locking.rst and amdxdna: set_seq under the lock, then unlock, then wait for the fences.
import { rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({ id: 'userptr-fence-after-unlock-rebuilt', profile: 'userptr-fence-after-unlock' });
