// BUG (amdxdna before xdna-driver #611): the callback waits for the job fences interruptibly
// and, when a signal ends the wait with -ERESTARTSYS, logs it and returns true: the core frees
// the pages while the job still uses them.
import { fenceWaitThatGivesUp } from '../kit/fence-wait-that-gives-up.ts';

export default fenceWaitThatGivesUp({ id: 'gives-up-on-erestartsys', intr: true, timeout: 'forever' });
