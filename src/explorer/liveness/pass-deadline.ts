/**
 * The liveness pass's share of `check --time` and of SIGINT/SIGTERM (search/interrupt.ts). The
 * graph builds honour both already; the pass over a built graph (Tarjan, the pending scan, one
 * fair-cycle search per request, superlinear on big components) asks too, now and then, and once
 * stopped stays stopped. A pass that stopped shows no more than it did (`complete: false`).
 */
import { interrupted } from '../search/interrupt.ts';

/** Why a liveness pass stopped before it was done. */
export type PassStop = 'time' | 'interrupted';

export class PassDeadline {
  stoppedBy: PassStop | undefined;

  /** `stopAt`: a `performance.now()` value. */
  constructor(private readonly stopAt: number) {}

  /** True once the time is up or an interrupt came. A clock read: call it every so often, not per edge. */
  readonly expired = (): boolean => {
    if (this.stoppedBy === undefined) {
      if (interrupted()) this.stoppedBy = 'interrupted';
      else if (performance.now() > this.stopAt) this.stoppedBy = 'time';
    }
    return this.stoppedBy !== undefined;
  };
}
