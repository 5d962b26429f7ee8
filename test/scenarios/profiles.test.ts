/** One scenario per built-in driver profile (and the dmirror device): each explores completely and breaks nothing. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileNames } from '../../machines/drivers/index.ts';
import { checkScenario } from '../../src/check/check-scenario.ts';

const dir = 'scenarios/profiles';
/** The five driver profiles, plus the dmirror test device (issue 4), which is a profile too. */
const profiles = [...profileNames, 'dmirror'];

describe('driver profile scenarios', () => {
  it('should bundle one scenario per built-in profile', () => {
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace('.yaml', ''))
      .sort();
    expect(names).toEqual([...profiles].sort());
  });

  for (const profile of profiles) {
    it(`should explore the ${profile} scenario completely with nothing broken`, async () => {
      const outcome = await checkScenario(join(dir, `${profile}.yaml`));
      expect(outcome.violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
      expect(outcome.stats.complete).toBe(true);
      expect(outcome.compiled.drivers).toEqual(expect.objectContaining({}));
      expect(Object.values(outcome.compiled.drivers)).toEqual([profile]);
    });
  }
});
