import { describe, expect, it } from 'vitest';
import { parseParamArgs } from '../../src/scenario/expand.ts';
import { parseScenario, ScenarioError } from '../../src/scenario/load.ts';

const base = `
name: t
processes:
  p1:
    vmas: [{ addr: 0x10000, length: 0x1000 }]
threads:
  cpu:
    ops:
      - munmap: { addr: 0x10000, length: 0x1000 }
`;

describe('parseScenario', () => {
  it('should read addresses given as hex strings as numbers', () => {
    const { scenario } = parseScenario(base, 't.yaml');
    expect(scenario.processes.p1.vmas[0]).toMatchObject({
      addr: 0x10000,
      length: 0x1000,
      prot: 'rw',
      type: 'private-anon',
    });
    expect(scenario.expect.violations).toEqual([]);
  });

  it('should name the file, line and path of a schema error and what is allowed', () => {
    const bad = base.replace('length: 0x1000 }]', 'length: 0x1000, prot: rwx }]');
    expect(() => parseScenario(bad, 'bad.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(bad, 'bad.yaml')).toThrow(/bad\.yaml:5:\d+: at processes\.p1\.vmas\.0\.prot: .*"none"/s);
  });

  it('should name the line of a YAML syntax error', () => {
    expect(() => parseScenario('processes: [\n  a: b', 'syn.yaml')).toThrow(/syn\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('should reject an unknown expected violation kind', () => {
    const bad = `${base}expect: { violations: [stale-pte] }\n`;
    expect(() => parseScenario(bad, 'k.yaml')).toThrow(/expect\.violations\.0/);
  });
});

describe('scenario params, replicas and repeat', () => {
  const templated = `
params: { rounds: 2, ndrv: 2 }
processes:
  p1: { vmas: [{ addr: 0x10000, length: 0x1000 }] }
devices:
  gpu\${i}: { driver: shadow-pte, process: p1, replicas: '\${ndrv}' }
threads:
  cpu:
    ops:
      - repeat: { times: '\${rounds}', ops: [{ madvise: { addr: 0x10000, length: 0x1000, advice: DONTNEED } }] }
  drv\${i}:
    replicas: \${ndrv}
    ops: [{ fault: { device: 'gpu\${i}', addr: 0x10000 } }]
`;

  it('should expand replicas and repeats with default params', () => {
    const { scenario } = parseScenario(templated, 'p.yaml');
    expect(Object.keys(scenario.devices)).toEqual(['gpu0', 'gpu1']);
    expect(Object.keys(scenario.threads)).toEqual(['cpu', 'drv0', 'drv1']);
    expect(scenario.threads.cpu.ops).toHaveLength(2);
    expect(scenario.threads.drv1.ops[0]).toEqual({ fault: { device: 'gpu1', addr: 0x10000 } });
  });

  it('should let command-line params override the defaults', () => {
    const { scenario } = parseScenario(templated, 'p.yaml', parseParamArgs(['rounds=5', 'ndrv=3']));
    expect(Object.keys(scenario.devices)).toHaveLength(3);
    expect(scenario.threads.cpu.ops).toHaveLength(5);
  });

  it('should bind a repeat loop variable in every copy of the body', () => {
    const looped = `
params: { n: 3 }
processes:
  p1: { vmas: [{ addr: 0x10000, length: 0x1000 }] }
threads:
  cpu:
    ops:
      - repeat: { times: '\${n}', as: c, ops: [{ write: { addr: 0x10000, value: '\${c}' } }, { read: { addr: 0x10000, expect: { value: '\${c}' } } }] }
`;
    const { scenario } = parseScenario(looped, 'loop.yaml');
    expect(scenario.threads.cpu.ops).toHaveLength(6);
    expect(scenario.threads.cpu.ops[4]).toEqual({ write: { addr: 0x10000, value: 2 } });
    expect(scenario.threads.cpu.ops[5]).toEqual({ read: { addr: 0x10000, expect: { value: 2 } } });
  });

  it('should refuse a param the scenario does not declare', () => {
    expect(() => parseScenario(templated, 'p.yaml', { bogus: 1 })).toThrow(
      /--param bogus is not a param of this scenario/,
    );
  });

  it('should name every undeclared param and the one a typo likely meant, with the fix', () => {
    expect(() => parseScenario(templated, 'p.yaml', { rouds: 1, x: 2 })).toThrow(
      'p.yaml: --param rouds and --param x are not params of this scenario (it has: rounds, ndrv): did you mean --param rounds? Else pass one of those, or drop --param rouds and --param x',
    );
  });
});
