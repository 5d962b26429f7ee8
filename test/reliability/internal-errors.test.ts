// Issue 10 item 1: an internal error (a bug in mirrorlab, here a command that throws a
// TypeError) prints a short report with the version, the command line and how to report it,
// and exits 4, in every command; the stack trace only with --debug.
import { describe, expect, it, vi } from 'vitest';
import { runCaptured, STACK_LINE } from './capture.ts';

const { bug } = vi.hoisted(() => ({
  bug: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'inbox')");
  },
}));
vi.mock('../../src/cli/run-command.ts', () => ({ runCommand: bug }));
vi.mock('../../src/cli/live-run-command.ts', () => ({ liveRunCommand: bug }));
vi.mock('../../src/cli/check-command.ts', () => ({ checkCommand: bug }));
vi.mock('../../src/cli/replay-command.ts', () => ({ replayCommand: bug }));
vi.mock('../../src/conformance/conformance-command.ts', () => ({ conformanceCommand: bug }));
vi.mock('../../src/cli/machines-command.ts', () => ({ machinesCommand: bug }));
vi.mock('../../src/cli/export-command.ts', async (original) => ({
  ...(await original<typeof import('../../src/cli/export-command.ts')>()),
  exportCommand: bug,
}));
vi.mock('../../src/cli/schema-command.ts', () => ({ schemaCommand: bug }));

const COMMANDS: string[][] = [
  ['check', 'scenarios/seeds/fault-vs-unmap.yaml'],
  ['run', 'scenarios/seeds/fault-vs-unmap.yaml'],
  ['run', 'scenarios/seeds/fault-vs-unmap.yaml', '--live'],
  ['replay', 'trace.json'],
  ['conformance'],
  ['machines'],
  ['export', 'range-notifier'],
  ['schema'],
];

describe('an internal error in any command', () => {
  it.each(COMMANDS)('%s: exit 4 with the short report and no stack', async (...args) => {
    const { code, err } = await runCaptured(...args);
    expect(code).toBe(4);
    expect(err).toMatch(/^mirrorlab: internal error: TypeError: Cannot read properties of undefined/);
    expect(err).toMatch(/This is a bug in mirrorlab \d+\.\d+\.\d+ \(Node v\d+/);
    expect(err).toContain(`(mirrorlab ${args.join(' ')})`);
    expect(err).toContain('Run the same command with --debug');
    expect(err).not.toMatch(STACK_LINE);
  });

  it.each(COMMANDS)('%s --debug: the report with the stack trace', async (...args) => {
    const { code, err } = await runCaptured(...args, '--debug');
    expect(code).toBe(4);
    expect(err).toMatch(/internal error: TypeError/);
    expect(err).toMatch(STACK_LINE);
  });
});
