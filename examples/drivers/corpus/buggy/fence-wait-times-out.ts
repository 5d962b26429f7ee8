// BUG: the callback waits for the job fences with a finite timeout and, when it expires,
// logs "failed to wait" and returns true: the core frees the pages under a running job.
import { fenceWaitThatGivesUp } from '../kit/fence-wait-that-gives-up.ts';

export default fenceWaitThatGivesUp({ id: 'fence-wait-times-out', intr: false, timeout: 100 });
