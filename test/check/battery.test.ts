/** The battery reports, per property, the shortest counterexample over all scenarios. */
import { describe, expect, it } from 'vitest';
import { shortestPerProperty } from '../../src/check/battery.ts';
import { checkScenario } from '../../src/check/check-scenario.ts';

describe('shortest counterexample per property', () => {
  it('should pick the scenario with the fewest steps for each property, whatever the file order', async () => {
    const outcomes = [];
    for (const s of ['missing-set-seq', 'registration-cache-unpinned', 'retry-outside-lock'])
      outcomes.push(await checkScenario(`scenarios/seeds/${s}.yaml`));
    for (const kind of ['stale-spte', 'use-after-free']) {
      const lengths = outcomes.map((c) => c.violations.find((v) => v.kind === kind)!.steps);
      const shortest = Math.min(...lengths);
      // The bundled bugs differ in length, so the choice is not the first file's by accident.
      expect(new Set(lengths).size).toBeGreaterThan(1);
      for (const order of [outcomes, [...outcomes].reverse()]) {
        const w = shortestPerProperty(order).get(kind)!;
        expect(w.v.steps).toBe(shortest);
        expect(w.c).toBe(outcomes[lengths.indexOf(shortest)]);
      }
    }
  });
});
