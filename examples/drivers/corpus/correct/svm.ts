// The built-in 'svm' profile rebuilt as a custom module: an SVM device whose mm is held by mm_count only: mmget_not_zero around every walk.
import { rebuiltProfile } from '../kit/rebuilt-profile.ts';

export default rebuiltProfile({ id: 'svm-rebuilt', profile: 'svm' });
