/**
 * The charging rule of `check --driver` (src/check/charge.ts): a violation is the driver's only
 * when the driver takes part in its cause and the scenario does not declare that cause as its
 * environment's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { driverAt } from '../support/driver-at.ts';

const SEEDS = 'scenarios/seeds';
const driver = driverAt;
const underLock = 'test/fixtures/drivers/builtin-userptr-fence-under-lock.ts';
const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-charge-'));

async function charged(file: string, drv: string) {
  const outcome = await checkScenario(file, { driver: await driver(drv) });
  return outcome.violations.map((v) => ({ kind: v.kind, ...v.charge! }));
}

describe('charging violations under check --driver', () => {
  it("should charge a broken driver's stale device entry to the driver", async () => {
    const found = await charged(`${SEEDS}/fault-vs-unmap.yaml`, 'examples/drivers/early-return-driver.ts');
    const stale = found.find((f) => f.kind === 'stale-spte');
    expect(stale).toMatchObject({ to: 'driver' });
    expect(stale?.participants).toContain('drv:gpu0');
  });

  it('should charge a callback that removes its own subscription to the driver, through the epoch it waits for', async () => {
    const found = await charged(
      `${SEEDS}/fault-vs-unmap.yaml`,
      'examples/drivers/corpus/buggy/remove-from-callback.ts',
    );
    // The cycle is the unmapping thread's alone (its remove waits for its own epoch); the driver
    // sent the remove and runs the callback holding the epoch open. Lockdep's recursive edge
    // names the driver as the one that called core.remove.
    expect(found.map((f) => [f.kind, f.to])).toEqual([
      ['deadlock', 'driver'],
      ['fence-unsignaled', 'driver'],
      ['potential-deadlock', 'driver'],
    ]);
    for (const f of found) expect(f.participants).toEqual(['drv:gpu0', 'thread:cpu']);
  });

  it("should report a deadlock whose cycle runs through the scenario's declared fault as environment", async () => {
    const found = await charged(`${SEEDS}/fence-signal-allocates.yaml`, underLock);
    const deadlock = found.find((f) => f.kind === 'deadlock');
    expect(deadlock).toMatchObject({ to: 'environment' });
    // The driver's callback waits for its fence in the cycle; device A's allocation closes it.
    expect(deadlock?.participants).toEqual(expect.arrayContaining(['drv:gpuB', 'dev:gpuA']));
    expect(deadlock?.reason).toMatch(/environment breaks it by design \(dev:gpuA: device A's fence-signalling/);
  });

  it('should not charge a lock-order cycle made of the primed order and the environment alone', async () => {
    const found = await charged(`${SEEDS}/fence-signal-allocates.yaml`, 'test/fixtures/drivers/builtin-shadow-pte.ts');
    expect(found.map((f) => [f.kind, f.to])).toEqual([['potential-deadlock', 'environment']]);
    expect(found[0].reason).toMatch(/the driver takes no part in it \(participants: dev:gpuA\)/);
  });

  it('should charge the same deadlock to the driver when the scenario declares no environment fault', async () => {
    const text = readFileSync(`${SEEDS}/fence-signal-allocates.yaml`, 'utf8');
    const undeclared = text.replace(/\nenvironment:\n(?: {2}.*\n)+/, '\n');
    expect(undeclared).not.toMatch(/environment:/);
    const file = join(tmp, 'undeclared.yaml');
    writeFileSync(file, undeclared);
    const found = await charged(file, underLock);
    expect(found.find((f) => f.kind === 'deadlock')).toMatchObject({ to: 'driver' });
  });
});
