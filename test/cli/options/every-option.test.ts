// Issue 10 item 8: every option of every command has a test that would fail if it did nothing.
// TESTED names, per command, the test file that depends on each option; a new option in a
// command's --help fails this test until it is added here with its test.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli.ts';

const O = 'test/cli/options';
const TESTED: Record<string, Record<string, string>> = {
  run: {
    '--seed': `${O}/run.test.ts`,
    '--param': `${O}/run.test.ts`,
    '--allow-driver': 'test/cli/robust-input.test.ts',
    '--json': 'test/cli/cli.test.ts',
    '--live': 'test/cli/cli.test.ts',
    '--inspect': 'test/inspect/live-inspector.test.ts',
    '--inspect-log': 'test/cli/cli.test.ts',
    '--width': 'test/cli/terminal.test.ts',
    '--time': `${O}/run.test.ts`,
  },
  check: {
    '--strategy': 'test/cli/verdicts.test.ts',
    '--max-depth': `${O}/check.test.ts`,
    '--max-states': 'test/reliability/budgets.test.ts',
    '--time': 'test/reliability/budgets.test.ts',
    '--max-memory': 'test/cli/verdicts.test.ts',
    '--seed': 'test/cli/verdicts.test.ts',
    '--schedules': 'test/cli/verdicts.test.ts',
    '--workers': `${O}/check.test.ts`,
    '--reduction': `${O}/check.test.ts`,
    '--no-reduction': `${O}/check.test.ts`,
    '--por': `${O}/check.test.ts`,
    '--symmetry': `${O}/check.test.ts`,
    '--threads': `${O}/check-threads.test.ts`,
    '--pct-depth': `${O}/check.test.ts`,
    '--check-monitors': `${O}/check.test.ts`,
    '--save-trace': 'test/cli/replay-hints.test.ts',
    '--force': 'test/cli/robust-input.test.ts',
    '--driver': 'test/cli/verdicts.test.ts',
    '--quiet': 'test/cli/terminal.test.ts',
    '--width': 'test/cli/terminal.test.ts',
    '--report': 'test/report/html-report.test.ts',
    '--ladder': `${O}/check.test.ts`,
    '--no-minimize': 'test/explorer/minimize.test.ts',
    '--no-liveness': 'test/cli/livelock-cli.test.ts',
    '--fairness': 'test/cli/livelock-cli.test.ts',
    '--param': 'test/cli/replay-hints.test.ts',
    '--allow-driver': 'test/scenario/safe-loading.test.ts',
    '--json': 'test/cli/verdicts.test.ts',
    '--junit': 'test/cli/ci-formats.test.ts',
    '--sarif': 'test/cli/ci-formats.test.ts',
    '--shard': 'test/cli/shard-cli.test.ts',
    '--shard-out': 'test/cli/shard-cli.test.ts',
    '--shard-frontier': 'test/cli/shard-cli.test.ts',
  },
  merge: {
    '--save-trace': 'test/cli/shard-cli.test.ts',
    '--force': `${O}/merge.test.ts`,
    '--ladder': 'test/cli/shard-cli.test.ts',
    '--allow-driver': `${O}/merge.test.ts`,
    '--json': 'test/cli/shard-cli.test.ts',
  },
  machines: { '--json': 'test/cli/export.test.ts' },
  export: { '--format': 'test/cli/export.test.ts', '--output': 'test/cli/export.test.ts' },
  replay: {
    '--allow-driver': 'test/cli/livelock-cli.test.ts',
    '--driver': 'test/cli/replay-hints.test.ts',
    '--continue': `${O}/replay.test.ts`,
    '--strategy': `${O}/replay.test.ts`,
    '--max-states': `${O}/replay.test.ts`,
    '--time': `${O}/replay.test.ts`,
    '--width': 'test/cli/terminal.test.ts',
    '--json': 'test/cli/ci-formats.test.ts',
  },
  conformance: {
    '--only': `${O}/conformance.test.ts`,
    '--seeds': `${O}/conformance.test.ts`,
    '--variant': `${O}/conformance.test.ts`,
    '--kernel': `${O}/conformance.test.ts`,
    '--seed': 'test/cli/replay-hints.test.ts',
    '--strategy': 'test/cli/replay-hints.test.ts',
    '--json': `${O}/conformance.test.ts`,
    '--quiet': `${O}/conformance.test.ts`,
    '--time': `${O}/conformance.test.ts`,
  },
  schema: { '--output': 'test/scenario/json-schema.test.ts' },
  report: { '--output': 'test/report/html-report.test.ts', '--force': `${O}/report.test.ts` },
  inspect: { '--port': 'test/inspect/live-inspector.test.ts', '--no-open': 'test/inspect/live-inspector.test.ts' },
  // A bad port is refused (exit 2) only if --port is read at all.
  studio: { '--port': 'test/studio/studio.test.ts' },
};

/** The long names in the Options section of `mirrorlab <command> --help` (not --help itself). */
async function optionsOf(command: string): Promise<string[]> {
  const { code, out } = await cli(command, '--help');
  expect(code).toBe(0);
  const section = out.slice(out.indexOf('Options:'));
  const names = [...section.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]);
  return names.filter((n) => n !== '--help');
}

describe('every CLI option is named here with a test that depends on it', () => {
  it('the commands are the ones listed', async () => {
    const { out } = await cli('--help');
    const commands = [...out.matchAll(/^ {2}([a-z]+) \[options\]/gm)].map((m) => m[1]);
    expect(commands.sort()).toEqual(Object.keys(TESTED).sort());
  });

  for (const [command, options] of Object.entries(TESTED)) {
    it(`${command}: its --help options are exactly those listed, each in its test file`, async () => {
      expect((await optionsOf(command)).sort()).toEqual(Object.keys(options).sort());
      for (const [option, file] of Object.entries(options)) {
        expect(existsSync(file), `${command} ${option}: ${file}`).toBe(true);
        // The file passes the option to this command (`-o` stands for `--output`).
        const text = readFileSync(file, 'utf8');
        const spelled = option === '--output' ? /'(-o|--output)'/ : new RegExp(`'${option}'`);
        expect(spelled.test(text), `${command} ${option} is not used in ${file}`).toBe(true);
      }
    });
  }
});
