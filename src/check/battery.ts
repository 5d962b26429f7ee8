/**
 * The battery's verdict per property (`check --driver`): of every scenario where the driver
 * breaks a property, the one with the shortest counterexample (fewest steps, then fewest
 * context switches, then file order), so the report leads with the plainest witness. A
 * violation charged to the scenario's environment (charge.ts) is no witness against the driver.
 */

import { PROPERTY_KINDS } from '../scenario/schema.ts';
import type { CheckedViolation, CheckOutcome } from './check-scenario.ts';
import { chargedToDriver } from './verdict.ts';

/** Every property a driver can break (the observations and scenario expectations are not driver properties). */
export const DRIVER_PROPERTIES = PROPERTY_KINDS.filter(
  (k) => !['stale-data', 'unbounded-retry', 'expectation'].includes(k),
);

export interface PropertyWitness {
  scenario: string;
  c: CheckOutcome;
  v: CheckedViolation;
}

export function shortestPerProperty(outcomes: CheckOutcome[]): Map<string, PropertyWitness> {
  const best = new Map<string, PropertyWitness>();
  for (const c of outcomes)
    for (const v of c.violations) {
      if (!chargedToDriver(v)) continue;
      const known = best.get(v.kind);
      if (!known || shorter(v, known.v)) best.set(v.kind, { scenario: c.scenario, c, v });
    }
  return best;
}

function shorter(a: CheckedViolation, b: CheckedViolation): boolean {
  return a.steps !== b.steps ? a.steps < b.steps : a.contextSwitches < b.contextSwitches;
}
