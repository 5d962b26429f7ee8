/** The scenario op `signal: { thread, fatal }` (docs/scenarios.md "Signals"): compiled form and errors. */
import { describe, expect, it } from 'vitest';
import type { ThreadOp } from '../../machines/thread.machine.ts';
import { compileScenario } from '../../src/scenario/compile.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const scenario = (killerOps: string) => `
name: s
processes:
  p1: { vmas: [{ addr: 0x10000, length: 0x1000 }] }
devices:
  gpu0: { driver: shadow-pte, process: p1 }
fences:
  f: {}
threads:
  cpu:
    ops: [{ munmap: { addr: 0x10000, length: 0x1000 } }]
  killer:
    ops: ${killerOps}
`;

const compile = (killerOps: string) => compileScenario(parseScenario(scenario(killerOps), 'sig.yaml'));

describe('signal: { thread, fatal }', () => {
  it('should send thread.signal without waiting, and tell the target how many signals come and whom to tell', async () => {
    const c = await compile(
      '[{ signal: { thread: cpu } }, { signal: { thread: cpu, fatal: true } }, { signal: { fence: f } }]',
    );
    const killer = c.threads.find((t) => t.id === 'thread:killer')!.input as { ops: ThreadOp[] };
    expect(killer.ops.map((o) => [o.to, o.event, o.reply])).toEqual([
      ['thread:cpu', { type: 'thread.signal', fatal: false }, 'none'],
      ['thread:cpu', { type: 'thread.signal', fatal: true }, 'none'],
      ['fence:f', { type: 'fence.signal' }, undefined],
    ]);
    const cpu = c.threads.find((t) => t.id === 'thread:cpu')!.input;
    expect(cpu).toMatchObject({ signalsToCome: 2, signalTargets: ['fence:f', 'lock:gpu0'] });
    expect(c.threads.find((t) => t.id === 'thread:killer')!.input).not.toHaveProperty('signalsToCome');
  });

  it.each([
    [
      '[{ signal: { thread: nobody } }]',
      /sig\.yaml:\d+:\d+: no thread 'nobody' in this scenario \(declared: cpu, killer\)/,
    ],
    ['[{ signal: { thread: killer } }]', /thread 'killer' cannot signal itself/],
    ['[{ signal: { thread: cpu, fence: f } }]', /either 'fence' .* or 'thread', not both/],
    ['[{ signal: { thread: cpu, fatal: yes } }]', /'fatal' is true \(SIGKILL\) or false/],
  ])('should refuse %s with the place and the fix', async (ops, message) => {
    await expect(compile(ops)).rejects.toThrow(message);
  });
});
