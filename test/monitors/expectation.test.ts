import { describe, expect, it } from 'vitest';
import { search } from '../../src/check/check-scenario.ts';
import { ControlledWorld } from '../../src/runtime/controlled-world.ts';
import { compileScenario } from '../../src/scenario/compile.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { settle } from '../../src/scenario/settle.ts';

async function worldOf(yaml: string): Promise<ControlledWorld> {
  return new ControlledWorld(settle(await compileScenario(parseScenario(yaml, 'inline.yaml'))));
}

const scenario = (expectation: string) => `
processes:
  p1: { vmas: [{ addr: 0x10000, length: 0x1000 }], populate: [{ addr: 0x10000, value: 5 }] }
threads:
  cpu:
    process: p1
    ops:
      - read: { addr: 0x10000, expect: ${expectation} }
`;

describe('expectation monitor', () => {
  it('should report an operation whose reply differs from its expect:', async () => {
    const r = search(await worldOf(scenario('{ value: 6 }')), 'bfs', {});
    expect(r.violations.map((v) => v.kind)).toEqual(['expectation']);
    expect(r.violations[0].message).toMatch(/thread:cpu op 0 \(read\) expected \{"value":6\} but got .*"value":5/);
  });

  it('should stay quiet when every reply matches', async () => {
    const r = search(await worldOf(scenario('{ value: 5, result: 0 }')), 'bfs', {});
    expect(r.violations).toEqual([]);
  });
});
