/**
 * No false alarms on correct drivers (issue 13 item 3): the built-in profiles, re-exported as
 * custom modules, and the docs' minimal driver keep every property on the whole bundled
 * battery under `check --driver`, and exit 0. What the scenarios' environments break by
 * design is reported apart. Each run is a complete search of every seed (bounded by states).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PROPERTY_KINDS } from '../../src/scenario/schema.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['node', 'mirrorlab', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

// The shadow-pte profile is not here: examples/drivers/corpus/correct/shadow-pte-reexport.ts is
// the very same machine, and test/corpus/driver-corpus.test.ts runs it on the whole battery,
// every search complete, to the verdict 'keeps all'.
const DRIVERS = [
  'test/fixtures/drivers/builtin-registration-cache.ts',
  'test/fixtures/drivers/builtin-userptr-fence-under-lock.ts',
  'test/fixtures/drivers/builtin-userptr-fence-after-unlock.ts',
  'test/fixtures/drivers/builtin-svm.ts',
  'examples/drivers/minimal-driver.ts',
];
const DRIVER_PROPERTIES = PROPERTY_KINDS.filter((k) => !['stale-data', 'unbounded-retry', 'expectation'].includes(k));

describe('correct drivers on the whole battery', () => {
  for (const file of DRIVERS) {
    it(`should keep every property with ${file}, exit 0`, { timeout: 900_000 }, async () => {
      const { code, out } = await cli('check', '--driver', file, 'scenarios/seeds');
      expect(out).not.toMatch(/BREAKS/);
      for (const k of DRIVER_PROPERTIES) expect(out).toMatch(new RegExp(`^ {2}keeps +${k}$`, 'm'));
      expect(code).toBe(0);
    });
  }

  it('should print the fence seeds’ deadlocks of a fence-waiting driver as environment findings, and charge them in --json', async () => {
    const file = 'test/fixtures/drivers/builtin-userptr-fence-under-lock.ts';
    const seed = 'scenarios/seeds/fence-wait-under-lock.yaml';
    const text = await cli('check', '--driver', file, seed);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/environment findings \(not charged to the driver\):/);
    expect(text.out).toMatch(
      /^ {2}deadlock in fence-wait-under-lock: the scenario's environment breaks it by design \(dev:gpu0: /m,
    );
    const json = await cli('check', '--driver', file, seed, '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    expect(report.exitCode).toBe(0);
    const [r] = report.scenarios;
    expect(r.violations.map((v: { kind: string }) => v.kind).sort()).toEqual([
      'deadlock',
      'fence-unsignaled',
      'potential-deadlock',
    ]);
    for (const v of r.violations) expect(v.charge.to).toBe('environment');
    // The same findings, listed apart, and no property broken by them.
    expect(report.environment.map((f: { kind: string }) => f.kind).sort()).toEqual([
      'deadlock',
      'fence-unsignaled',
      'potential-deadlock',
    ]);
    const deadlock = report.properties.find((p: { property: string }) => p.property === 'deadlock');
    expect(deadlock).toMatchObject({ verdict: 'keeps', environment: ['fence-wait-under-lock'] });
  });
});
