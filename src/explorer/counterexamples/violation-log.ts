/**
 * Collects violations during a search: one per kind (the first found; for breadth-first
 * search that is a shortest counterexample), each with the semantic trace that reaches it.
 */
import type { Monitor, MonitorContext, Violation } from '../../monitors/monitor.ts';
import type { SemanticStep, StepRecord, WorldState } from '../../runtime/controlled-world.ts';
import type { FoundViolation } from '../search-types.ts';

export class ViolationLog {
  readonly found: FoundViolation[] = [];
  private readonly kinds = new Set<string>();

  constructor(
    private readonly monitors: Monitor[],
    private readonly ctx: MonitorContext,
  ) {
    for (const m of monitors) m.reset?.(ctx);
  }

  get count(): number {
    return this.found.length;
  }

  /** Runs every monitor's step check; true if something new was found. */
  step(record: StepRecord, before: WorldState, after: WorldState, trace: () => SemanticStep[]): boolean {
    let added = false;
    for (const m of this.monitors) {
      const v = m.onStep?.(this.ctx, record, before, after, trace);
      if (v) added = this.add(v, trace) || added;
    }
    return added;
  }

  terminal(state: WorldState, trace: () => SemanticStep[]): boolean {
    let added = false;
    for (const m of this.monitors) {
      const v = m.onTerminal?.(this.ctx, state);
      if (v) added = this.add(v, trace) || added;
    }
    return added;
  }

  finish(): void {
    for (const m of this.monitors) for (const v of m.onFinish?.(this.ctx) ?? []) this.add(v, () => []);
  }

  add(v: Violation, trace: () => SemanticStep[]): boolean {
    if (this.kinds.has(v.kind)) return false;
    this.kinds.add(v.kind);
    const t = trace();
    const given = (v.details as { trace?: SemanticStep[] } | undefined)?.trace;
    const steps = given ?? t;
    this.found.push({ severity: 'violation', ...v, steps: steps.length, trace: steps });
    return true;
  }

  /** Violations proper (observations such as stale data under pins do not count). */
  get violations(): FoundViolation[] {
    return this.found.filter((v) => v.severity !== 'observation');
  }
}
