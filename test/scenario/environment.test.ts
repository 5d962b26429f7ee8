/** `environment:` in a scenario: what its environment breaks by design, validated where it is written. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const seed = readFileSync('scenarios/seeds/fence-signal-allocates.yaml', 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-environment-'));
const withActors = (actors: string) => seed.replace('actors: [dev:gpuA]', `actors: [${actors}]`);

describe('scenario environment:', () => {
  it('should load the kinds, the actors at fault and why', () => {
    const { scenario } = parseScenario(seed, 'fsa.yaml');
    expect(scenario.environment).toEqual([
      { kinds: ['deadlock', 'potential-deadlock', 'fence-unsignaled'], actors: ['dev:gpuA'], why: expect.any(String) },
    ]);
  });

  it('should refuse a driver as the environment, naming the place and the fix', () => {
    expect(() => parseScenario(withActors('drv:gpuA'), 'fsa.yaml')).toThrow(
      /fsa\.yaml:\d+:\d+: at environment\.0\.actors\.0: name an actor at fault by its id.*never the environment/,
    );
  });

  it('should refuse an actor the scenario does not have, listing the ones it has', async () => {
    const file = join(tmp, 'unknown-actor.yaml');
    writeFileSync(file, withActors('dev:gpuZ'));
    await expect(worldFor(file)).rejects.toThrow(
      /unknown-actor\.yaml:\d+:\d+: environment names 'dev:gpuZ', which is not an actor of this scenario: use one of .*dev:gpuA/,
    );
  });

  it('should refuse an entry without its reason', () => {
    const text = seed.replace(/\n {4}why: .*\n/, '\n');
    expect(() => parseScenario(text, 'fsa.yaml')).toThrow(/at environment\.0\.why/);
  });
});
