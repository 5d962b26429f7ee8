/**
 * The scenario language's caller side (issue 8 item 4): the selftests' mirror buffer, written by
 * a successful command and left alone by a failed one, and a child's end as waitpid reports it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/suite.ts';
import { compileScenario } from '../../src/scenario/compile.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const HEAD = `name: caller-side
pageSize: 4096
wordsPerPage: 4
processes:
  p: {}
  child: { forkedFrom: p }
devices:
  d0: { driver: dmirror, process: p, subscribe: false, options: { device: 0 } }
threads:
  main:
    process: p
    ops:
      - open: { device: d0, expect: { result: 0 } }
      - mmap: { addr: 0x100000, length: 0x4000, prot: rw, expect: { result: 0x100000 } }
      - writeWords: { addr: 0x100000, count: 16, expect: { result: 0 } }
`;

function scenarioFile(ops: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'buffers-')), 'case.yaml');
  writeFileSync(file, HEAD + ops);
  return file;
}

async function firstMismatch(ops: string): Promise<unknown> {
  const report = await runConformance(scenarioFile(ops));
  return report.results[0].firstMismatch;
}

describe('caller buffers', () => {
  it('should fill the buffer on success and leave it as it was after a failed command', async () => {
    const ops = `
      - fillBuffer: { buffer: mirror, count: 16, data: { const: 7 } }
      - ioctl: { device: d0, cmd: READ, addr: 0x100000, npages: 4, buffer: mirror, expect: { result: 0, buffer: {} } }
      - fillBuffer: { buffer: mirror, count: 16, data: { const: 7 } }
      - munmap: { addr: 0x100000, length: 0x4000, expect: { result: 0 } }
      - ioctl: { device: d0, cmd: READ, addr: 0x100000, npages: 4, buffer: mirror, expect: { result: -EFAULT, buffer: { const: 7 } } }
      - checkBuffer: { buffer: mirror, expect: { data: { const: 7 } } }
`;
    expect(await firstMismatch(ops)).toBeNull();
  });

  it('should name the buffer and the first word that differs', async () => {
    const ops = `
      - ioctl: { device: d0, cmd: READ, addr: 0x100000, npages: 4, buffer: mirror, expect: { result: 0 } }
      - checkBuffer: { buffer: mirror, expect: { data: [{ count: 3 }, { const: 0 }] } }
`;
    expect(await firstMismatch(ops)).toEqual({
      where: 'thread:main op 4 (checkBuffer)',
      expected: { buffer: { name: 'mirror', at: 3, value: 0 } },
      got: { buffer: { name: 'mirror', at: 3, value: 3 } },
    });
  });

  it("should send a WRITE the buffer's words", async () => {
    const ops = `
      - fillBuffer: { buffer: mirror, count: 16, data: { add: 50 } }
      - ioctl: { device: d0, cmd: WRITE, addr: 0x100000, npages: 4, buffer: mirror, expect: { result: 0, cpages: 4 } }
      - readWords: { addr: 0x100000, count: 16, expect: { result: 0, data: { add: 50 } } }
`;
    expect(await firstMismatch(ops)).toBeNull();
  });
});

describe('waitpid', () => {
  it('should report an exit status and a killing signal as waitpid sees them, and a wrong one as a mismatch', async () => {
    const exited = `
      - fork: { child: child, expect: { result: 0 } }
      - exit: { process: child, status: 3 }
      - waitpid: { process: child, expect: { result: 0, status: 3 } }
`;
    expect(await firstMismatch(exited)).toBeNull();
    const killed = `
      - fork: { child: child, expect: { result: 0 } }
      - kill: { process: child, signal: SIGTERM }
      - waitpid: { process: child, expect: { status: 0 } }
`;
    expect(await firstMismatch(killed)).toMatchObject({
      where: 'thread:main op 5 (waitpid)',
      got: { value: { signaled: true, signal: 'SIGTERM' } },
    });
  });

  it('should sleep in waitpid until the child is gone', async () => {
    const file = scenarioFile(`      - fork: { child: child, expect: { result: 0 } }
  parent:
    process: p
    ops:
      - waitpid: { process: child, expect: { result: 0, signal: SIGKILL } }
      - readWords: { addr: 0x100000, count: 16, expect: { result: 0, data: {} } }
  killer:
    process: child
    ops:
      - kill: { signal: SIGKILL }
`);
    const report = await runConformance(file);
    expect(report.results[0].firstMismatch).toBeNull();
  });

  it('should reject a status on another verb and a signal that is not a name, naming the place', async () => {
    const bad1 = HEAD.replace('expect: { result: 0x100000 }', 'expect: { result: 0x100000, status: 0 }');
    await expect(compileScenario(parseScenario(bad1, 'bad1.yaml'))).rejects.toThrow(
      /bad1\.yaml:\d+:\d+: expect.status and expect.signal belong to waitpid/,
    );
    const bad2 = `${HEAD}      - kill: { process: child, signal: TERM }\n`;
    await expect(compileScenario(parseScenario(bad2, 'bad2.yaml'))).rejects.toThrow(
      /bad2\.yaml:\d+:\d+: 'signal' is a signal name such as SIGTERM/,
    );
  });
});
