/** `loop: forever` in the scenario language: what it compiles to, and its errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../../src/check/trace-file.ts';
import { compileScenario } from '../../src/scenario/compile.ts';
import { parseScenario, ScenarioError } from '../../src/scenario/load.ts';

const scenario = (loop: string, op = '- mprotect: { addr: 0x10000, length: 0x1000, prot: rw }') => `
name: t
processes:
  p1:
    vmas: [{ addr: 0x10000, length: 0x1000 }]
threads:
  remap:
    process: p1
    loop: ${loop}
    ops:
      ${op}
`;

describe('loop: forever', () => {
  it('should give the thread a looping input', async () => {
    const compiled = await compileScenario(parseScenario(scenario('forever'), 'l.yaml'));
    expect(compiled.threads[0].input).toMatchObject({ loop: true, ops: [{ event: { type: 'mm.mprotect' } }] });
  });

  it('should name the place and the fix for a count instead of forever', () => {
    expect(() => parseScenario(scenario('3'), 'l.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(scenario('3'), 'l.yaml')).toThrow(
      /l\.yaml:9:\d+: at threads\.remap\.loop: loop takes only 'forever'.*repeat: \{ times: N/s,
    );
  });

  it('should refuse a looping thread that never waits for a reply', async () => {
    const fireAndForget =
      "- send: { to: 'mm:p1', event: { type: mm.munmap, addr: 0x10000, length: 0x1000 }, reply: none }";
    await expect(compileScenario(parseScenario(scenario('forever', fireAndForget), 'l.yaml'))).rejects.toThrow(
      /l\.yaml:9:\d+: a thread with 'loop: forever' needs an op that waits for a reply/,
    );
  });
});

describe('lasso trace files', () => {
  it('should refuse a loop start that leaves the loop empty, naming the file and the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mirrorlab-lasso-')), 'bad.json');
    const step = { kind: 'deliver', actor: 'thread:t', from: 'thread:t', event: { type: 'thread.run' } };
    const trace = { format: 'mirrorlab-trace', version: 1, scenario: 'x.yaml', driver: null, strategy: 'bfs' };
    writeFileSync(
      file,
      JSON.stringify({
        ...trace,
        seed: null,
        violation: { kind: 'livelock', message: 'm' },
        steps: [step],
        loopFrom: 1,
      }),
    );
    expect(() => readTrace(file)).toThrow(/bad\.json: at loopFrom: 1 leaves the loop empty .*it must be below that/);
  });
});
