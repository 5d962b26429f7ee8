/**
 * `mirrorlab export` and `mirrorlab machines` on the command line: every machine and profile
 * in every format, `-o`, a driver module, the errors, the JSON list, and a reader that closes
 * the pipe early (EPIPE).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, machineCatalog } from '../../src/report/machine-export.ts';
import { cli } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-export-'));
const FIRST_LINE: Record<string, RegExp> = {
  mermaid: /^stateDiagram-v2$/,
  json: /^\{$/,
  stately: /^\/\/ The '.+' machine \(machines\/.+\), exported by mirrorlab for the Stately editor\.$/,
  scxml: /^<\?xml version="1\.0" encoding="UTF-8"\?>$/,
};

describe('mirrorlab export', () => {
  it('should export every machine and driver profile in every format', async () => {
    for (const { name } of machineCatalog())
      for (const format of EXPORT_FORMATS) {
        const { code, out } = await cli('export', name, '--format', format);
        expect(code, `${name} ${format}`).toBe(0);
        expect(out.split('\n')[0], `${name} ${format}`).toMatch(FIRST_LINE[format]);
      }
  });

  it('should take a driver profile by its bare name and default to Mermaid', async () => {
    const bare = await cli('export', 'svm');
    expect(bare.code).toBe(0);
    expect(bare.out).toBe((await cli('export', 'driver-svm', '--format', 'mermaid')).out);
    expect(bare.out).toMatch(/^ {2}state "driver-svm" as driver_svm \{$/m);
  });

  it('should write to a file with -o', async () => {
    const file = join(tmp, 'pt-lock.scxml');
    const { code, out } = await cli('export', 'pt-lock', '--format', 'scxml', '-o', file);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/<\/scxml>\n$/);
  });

  it('should export a driver module given by its path', async () => {
    const { code, out } = await cli('export', 'examples/drivers/minimal-driver.ts', '--format', 'stately');
    expect(code).toBe(0);
    expect(out).toMatch(/createMachine\(\{/);
    expect(out).toMatch(/\(examples\/drivers\/minimal-driver\.ts\)/);
  });

  it('should exit 2 for an unknown machine or format', async () => {
    expect((await cli('export', 'nope')).code).toBe(2);
    expect((await cli('export', 'pt-lock', '--format', 'svg')).code).toBe(2);
    expect((await cli('export', './no-such-driver.ts')).code).toBe(2);
  });
});

describe('mirrorlab machines', () => {
  it('should list every machine with its counts, and as JSON with --json', async () => {
    const text = await cli('machines');
    expect(text.out).toMatch(/range-notifier\s+id 'rangeNotifier'\s+5 states, 16 transitions/);
    const { code, out } = await cli('machines', '--json');
    expect(code).toBe(0);
    const list = JSON.parse(out);
    expect(list.map((m: { name: string }) => m.name)).toEqual(machineCatalog().map((m) => m.name));
    expect(list.find((m: { name: string }) => m.name === 'range-notifier')).toMatchObject({
      kind: 'machine',
      id: 'rangeNotifier',
      file: 'machines/range-notifier.machine.ts',
      states: 5,
      transitions: 16,
      targetless: 13,
    });
    expect(list.filter((m: { kind: string }) => m.kind === 'driver profile')).toHaveLength(6);
  });

  it('should print one machine as export does (Mermaid, or JSON with --json)', async () => {
    expect((await cli('machines', 'pt-lock')).out).toBe((await cli('export', 'pt-lock')).out);
    expect((await cli('machines', 'pt-lock', '--json')).out).toBe(
      (await cli('export', 'pt-lock', '--format', 'json')).out,
    );
  });
});

/** Runs the real CLI with its stdout closed as soon as it starts: every write then fails with EPIPE. */
function runWithClosedStdout(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/mirrorlab.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  it('should end machines --json quietly (no EPIPE stack trace)', async () => {
    const { code, stderr } = await runWithClosedStdout('machines', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('should end a large export quietly too', async () => {
    const { code, stderr } = await runWithClosedStdout('export', 'mm', '--format', 'scxml');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('should work with head -1 in a shell pipeline', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (done) => {
        const child = spawn('bash', ['-c', 'set -o pipefail; node bin/mirrorlab.mjs machines --json | head -1'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => {
          stdout += d;
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('close', (c) => done({ code: c, stdout, stderr }));
      },
    );
    expect(stdout).toBe('[\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
