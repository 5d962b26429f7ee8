// The built-in 'registration-cache' profile rebuilt as a custom module: hfi1's user_exp_rcv TID cache (and i915 userptr since 5.13): pins, reacts to UNMAP only.
import { rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({ id: 'registration-cache-rebuilt', profile: 'registration-cache' });
