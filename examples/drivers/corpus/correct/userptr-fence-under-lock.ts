// The built-in 'userptr-fence-under-lock' profile rebuilt as a custom module: amdgpu gfx userptr and xe (6.12): the callback waits for the job fences while holding the notifier lock.
import { rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({ id: 'userptr-fence-under-lock-rebuilt', profile: 'userptr-fence-under-lock' });
