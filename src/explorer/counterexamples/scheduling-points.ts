/**
 * The scheduling points of a counterexample: its steps, but for the returns a search took in the
 * step that answered them (src/explorer/reduction/returns.ts). That is the unit Spin's trail
 * counts, one per interleaving decision, so the planted bug's counterexample can be held against
 * Spin's breadth-first one (docs/performance.md).
 */
import type { ControlledWorld, SemanticStep } from '../../runtime/controlled-world.ts';
import { type ReturnFusion, stepsTakingReturns } from '../reduction/returns.ts';
import { sameStep } from './same-step.ts';

/**
 * The scheduling points of schedule `trace`: its steps, but for the returns `fusion` takes in the
 * step that answers them, where the trace has them right after it (a counterexample of a search
 * that took them: its depth). A trace that does not replay counts every step.
 */
export function schedulingPoints(world: ControlledWorld, fusion: ReturnFusion, trace: readonly SemanticStep[]): number {
  let s = world.initial;
  let points = 0;
  for (let i = 0; i < trace.length; points++) {
    const step = world.match(s, trace[i]);
    if (step === null) return trace.length;
    const fused = stepsTakingReturns(world, fusion, s.vec, world.localStep(s, step).id);
    let k = 1;
    while (k < fused.length && i + k < trace.length && sameStep(fused[k], trace[i + k])) k++;
    if (k < fused.length) k = 1;
    for (let j = 0; j < k; j++) {
      const next = j === 0 ? step : world.match(s, trace[i + j]);
      if (next === null) return trace.length;
      s = world.apply(s, next).state;
    }
    i += k;
  }
  return points;
}
