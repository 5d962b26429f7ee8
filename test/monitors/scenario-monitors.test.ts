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

describe('fence-order monitor', () => {
  const fences = (second: number) => `
processes:
  p1: { vmas: [] }
fences:
  a: { context: 7, seqno: 1 }
  b: { context: 7, seqno: ${second} }
threads:
  t1: { ops: [{ signal: { fence: a } }] }
  t2: { ops: [{ signal: { fence: b } }] }
`;

  it('should report a later seqno of a context signalling before an earlier one', async () => {
    const r = search(await worldOf(fences(2)), 'bfs', {});
    expect(r.violations.map((v) => v.kind)).toEqual(['fence-order']);
    expect(r.violations[0].message).toMatch(/fence:b \(context 7, seqno 2\) signalled before fence:a \(seqno 1\)/);
  });

  it('should accept fences on one context signalling in seqno order only', async () => {
    const single = fences(2)
      .replace('  t2: { ops: [{ signal: { fence: b } }] }\n', '')
      .replace(
        '  t1: { ops: [{ signal: { fence: a } }] }',
        '  t1: { ops: [{ signal: { fence: a } }, { signal: { fence: b } }] }',
      );
    expect(search(await worldOf(single), 'bfs', {}).violations).toEqual([]);
  });
});
