/**
 * The `mirrorlab` command line. Every command returns its exit code: 0 = as expected,
 * 1 = a check or replay did not match, 2 = bad input (the message names the file, the place
 * and the fix), 3 = (check) nothing wrong, but something inconclusive.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { conformanceCommand } from '../conformance/conformance-command.ts';
import { ScenarioError } from '../scenario/load.ts';
import { checkCommand } from './check-command.ts';
import { liveRunCommand } from './live-run-command.ts';
import { machinesCommand } from './machines-command.ts';
import { replayCommand } from './replay-command.ts';
import { runCommand } from './run-command.ts';

function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} takes a whole number (got '${v}')`);
    return n;
  };
}

function mebibytes(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`--max-memory takes MiB, a whole number > 0 (got '${v}')`);
  return n;
}

const CHECK_EXIT_CODES = `
Verdicts and exit codes (docs/driver-protocol.md):
  A violation found is real however the search ended; the absence of one is shown only by a
  complete search. What a search cut short (--max-states, --max-depth, --time, --max-memory) or
  a random/pct run did not find is "inconclusive", never a pass.
  0  every outcome as expected (with --driver: every property kept)
  1  a scenario's outcome differs from its expect: (with --driver: a property BREAKS)
  2  bad input (the message names the file, the place and the fix)
  3  nothing violated or mismatched, but something inconclusive`;

function seconds(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`--time takes seconds > 0 (got '${v}')`);
  return n;
}

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('mirrorlab')
    .description("The Linux kernel's driver-mirror machinery as XState actors: run, check, replay.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run one schedule of a scenario and print its timeline and final page tables')
    .argument('<scenario>', 'scenario YAML file')
    .option('--seed <n>', 'seeded random schedule instead of the default one', int('--seed'))
    .option('--param <key=value>', 'override a scenario param (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--json', 'machine-readable output')
    .option('--live', 'run the scenario as live XState actors (createWorld) instead of the controlled runtime')
    .option('--inspect <url>', 'with --live: stream to the Stately inspector over WebSocket, e.g. ws://localhost:8080')
    .option('--inspect-log <file>', 'with --live: write Stately inspection events, one JSON per line')
    .action(async (file: string, o) => {
      code = o.live || o.inspect || o.inspectLog ? await liveRunCommand(file, o, out) : await runCommand(file, o, out);
    });

  program
    .command('check')
    .description("explore every interleaving of each scenario and compare what breaks with its 'expect:'")
    .argument('[scenarios...]', 'scenario files or folders (default: scenarios/seeds)')
    .addOption(new Option('--strategy <name>', 'search strategy').choices(['bfs', 'dfs', 'random', 'pct', 'swarm']))
    .option('--max-depth <n>', 'deepest schedule to explore', int('--max-depth'))
    .option('--max-states <n>', 'stop after this many states', int('--max-states'))
    .option('--time <s>', 'stop after this many seconds', seconds)
    .option(
      '--max-memory <MiB>',
      "stop (inconclusive) once the process uses this much memory (default: 3/4 of the smaller of V8's heap limit and half the RAM)",
      mebibytes,
    )
    .option(
      '--seed <n>',
      'base seed for random, pct and swarm (schedule k uses a seed derived from it and k)',
      int('--seed'),
    )
    .option('--schedules <n>', 'schedules for random, pct and swarm (default 10000)', int('--schedules'))
    .option(
      '--workers <n>',
      'random, pct and swarm: worker threads sharing the schedules (same result for any n)',
      int('--workers'),
    )
    .option('--por', 'partial-order reduction (sleep sets) for bfs and dfs: same verdicts, fewer transitions')
    .option(
      '--threads <n>',
      'bfs without --por: 2 probes the visited set on a second thread once past 2 M states (default 1)',
      int('--threads'),
    )
    .option(
      '--pct-depth <d>',
      "PCT's bug depth d: d-1 priority change points per schedule (default: the scenario's threads of control + 3, 5..10)",
      int('--pct-depth'),
    )
    .option(
      '--check-monitors',
      'bfs and dfs: run every monitor at every step and report where the monitor plan would skip a verdict (slow)',
    )
    .option('--save-trace <file>', 'save each counterexample as a replayable JSON trace')
    .option('--driver <module>', "check the bundled battery with this driver module in place of each scenario's driver")
    .option('--ladder', 'print the ladder of every counterexample, not only of mismatches')
    .option('--no-minimize', 'keep random and pct counterexamples as found (by default they are minimized)')
    .option('--param <key=value>', 'override a scenario param (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--json', 'machine-readable output (with --driver: an object with the per-property summary)')
    .addHelpText('after', CHECK_EXIT_CODES)
    .action(async (files: string[], o) => {
      code = await checkCommand(files.length ? files : ['scenarios/seeds'], o, out);
    });

  program
    .command('machines')
    .description('list the machines, or print one as a Mermaid state diagram or as JSON (for the Stately editor)')
    .argument('[name]', 'a machine name from the list')
    .option('--json', "the machine's structure as JSON instead of Mermaid")
    .action((name: string | undefined, o) => {
      code = machinesCommand(name, o, out);
    });

  program
    .command('replay')
    .description('re-execute a saved counterexample and report whether it still breaks the same property')
    .argument('<trace>', 'trace JSON written by check --save-trace')
    .option('--continue', "then keep exploring from the trace's last state")
    .addOption(new Option('--strategy <name>', 'strategy for --continue').choices(['bfs', 'dfs']))
    .option('--max-states <n>', 'limit for --continue', int('--max-states'))
    .option('--json', 'machine-readable output')
    .action(async (file: string, o) => {
      code = await replayCommand(file, o, out);
    });

  program
    .command('conformance')
    .description('run the HMM selftests (hmm-tests.c) against the dmirror model: test × variant → pass/fail')
    .argument('[path]', 'conformance scenarios (a file or folder)', 'scenarios/conformance')
    .option('--only <name>', 'only tests whose name contains this (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--seeds <n>', 'seeds for the tests that run under the random strategy', int('--seeds'))
    .option('--json', 'machine-readable output')
    .action(async (path: string, o) => {
      code = await conformanceCommand(path, o, out);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ScenarioError || (e instanceof Error && /mirrorlab trace|JSON trace|no such/.test(e.message))) {
      process.stderr.write(`mirrorlab: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
