/**
 * Whether two semantic steps are the same delivery (or option): actor, kind, sender and event
 * alike. How a schedule's listed step is recognised where a run took it (critical-reordering.ts,
 * scheduling-points.ts).
 */
import type { SemanticStep } from '../../runtime/controlled-world.ts';

export function sameStep(a: SemanticStep, b: SemanticStep): boolean {
  return (
    a.actor === b.actor && a.kind === b.kind && a.from === b.from && JSON.stringify(a.event) === JSON.stringify(b.event)
  );
}
