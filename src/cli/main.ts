/**
 * The `mirrorlab` command line. Every command returns its exit code (exit-codes.ts): 0 = as
 * expected, 1 = the outcome differs, 2 = bad input (the message names the file, the place and
 * the fix), 3 = nothing wrong, but something inconclusive, 4 = an internal error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KERNEL_VERSIONS } from '../../machines/mm/kernel-version.ts';
import { REDUCTION_MODES } from '../explorer/reduction/state-key.ts';
import { parseShard, ShardError } from '../explorer/search/shard.ts';
import { DEFAULT_MAX_STATES } from '../explorer/search-types.ts';
import { EXPORT_FORMATS } from '../report/export-formats.ts';
import { CONFORMANCE_TIME_SECONDS, DEFAULT_TIME_SECONDS } from '../scenario/deadline.ts';
import { bundledPath } from './bundled.ts';
import { EXPORT_HELP, INSPECT_HELP, MERGE_HELP, REPORT_HELP, STUDIO_HELP, studioPort } from './command-help.ts';
import {
  EXIT_CODE,
  EXIT_CODES_HELP,
  internalErrorReport,
  isInputError,
  mirrorlabVersion,
  takeDebugFlag,
} from './exit-codes.ts';
import { HELP_EXAMPLES } from './help-examples.ts';
import { checkOffThread } from './interruptible.ts';

// Commands are loaded when they run (`await import` in each action), not at start-up: every
// `mirrorlab` process, and the thread `check` runs on, loads only what its command needs
// (about 0.2 s less start-up on the development machine). Their help texts: command-help.ts.

/** For bin/mirrorlab.mjs: the report of an error that escapes every command. */
export { internalErrorReport } from './exit-codes.ts';

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
Verdicts (docs/driver-protocol.md, "Verdicts and exit codes"):
  A violation found is real however the search ended; the absence of one is shown only by a
  complete search. What a search cut short (--max-states, --max-depth, --time, --max-memory) or
  a random/pct run did not find is "inconclusive", never a pass. A file that cannot be loaded
  is reported with its error and the other files are still checked.`;

const collect = (v: string, all: string[] = []): string[] => [...all, v];

const ALLOW_DRIVER_HELP =
  "let a scenario or trace import this driver module, or any under this folder, though it lies outside the file's own folder tree (repeatable)";

function shard(v: string) {
  try {
    return parseShard(v);
  } catch (e) {
    if (e instanceof ShardError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

/** `--time` of run, replay and conformance (check says the same per scenario). */
const timeHelp = (defaultSeconds: number) =>
  `stop after this many seconds, loading included (default ${defaultSeconds}; exit 3 when it cuts the work short)`;

function seconds(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`--time takes seconds > 0 (got '${v}')`);
  return n;
}

export async function main(
  rawArgv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  /** From the command line (bin/mirrorlab.mjs): `check` runs on a thread of its own so signals keep results. */
  cli: { interruptible?: boolean } = {},
): Promise<number> {
  const { argv, debug } = takeDebugFlag(rawArgv);
  if (cli.interruptible && argv[2] === 'check') return checkOffThread(rawArgv, out, debug);
  let code = 0;
  const program = new Command()
    .name('mirrorlab')
    .description("The Linux kernel's driver-mirror machinery as XState actors: run, check, replay.")
    .version(mirrorlabVersion(), '-V, --version', 'print the version of mirrorlab')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s) })
    .option('--debug', 'on an internal error (exit 4), print the stack trace too (may stand anywhere)');

  program
    .command('run')
    .description('run one schedule of a scenario and print its timeline and final page tables')
    .argument('<scenario>', 'scenario YAML file')
    .option('--seed <n>', 'seeded random schedule instead of the default one', int('--seed'))
    .option('--param <key=value>', 'override a scenario param (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--allow-driver <path>', ALLOW_DRIVER_HELP, collect)
    .option('--json', 'machine-readable output')
    .option('--live', 'run the scenario as live XState actors (createWorld) instead of the controlled runtime')
    .option('--inspect <url>', 'with --live: stream to the Stately inspector over WebSocket, e.g. ws://localhost:8080')
    .option('--inspect-log <file>', 'with --live: write Stately inspection events, one JSON per line')
    .option('--width <n>', 'cut timeline lines at this many columns (default: the terminal width)', int('--width'))
    .option('--time <s>', timeHelp(DEFAULT_TIME_SECONDS), seconds)
    .action(async (file: string, o) => {
      code =
        o.live || o.inspect || o.inspectLog
          ? await (await import('./live-run-command.ts')).liveRunCommand(file, o, out)
          : await (await import('./run-command.ts')).runCommand(file, o, out);
    });

  program
    .command('check')
    .description("explore every interleaving of each scenario and compare what breaks with its 'expect:'")
    .argument('[scenarios...]', 'scenario files or folders (default: the bundled scenarios/seeds)')
    .addOption(new Option('--strategy <name>', 'search strategy').choices(['bfs', 'dfs', 'random', 'pct', 'swarm']))
    .option('--max-depth <n>', 'deepest schedule to explore', int('--max-depth'))
    .option(
      '--max-states <n>',
      `stop after this many states (default ${DEFAULT_MAX_STATES}, or the scenario's check.maxStates)`,
      int('--max-states'),
    )
    .option('--time <s>', 'stop after this many seconds', seconds)
    .option(
      '--max-memory <MiB>',
      "stop (inconclusive) once the process uses this much memory (default: 3/4 of half the RAM; V8's heap has its own limit)",
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
    .addOption(
      new Option(
        '--reduction <kind>',
        'bfs and dfs: canonical (default) identifies states equal up to how senders interleave in an inbox and takes a reply to a thread, a built-in driver or, along an invalidation, a subscription or the notifier core, a read_retry under the driver lock, a walk call at a subscription, a fault call to a built-in driver only one thread faults into, and a map to an idle device, in the step that sends it (where no monitor can tell); sleep adds sleep sets (fewer transitions); none searches exact states, every delivery a step',
      ).choices([...REDUCTION_MODES]),
    )
    .option('--no-reduction', 'bfs and dfs: search the exact states (--reduction none)')
    .option('--por', 'the same as --reduction sleep: sleep sets over the canonical states, same verdicts')
    .option(
      '--symmetry',
      'bfs and dfs: one state per orbit of interchangeable replicas (same verdicts), or refused with the reason in the stats',
    )
    .option(
      '--threads <n>',
      'bfs without sleep sets: 2 probes the visited set on a second thread once past 2 M states (default 1)',
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
    .option(
      '--save-trace <path>',
      'save each counterexample as a replayable JSON trace: a FILE.json, or a folder (created if missing) named after each scenario',
    )
    .option('--force', 'let --save-trace replace existing files (by default a taken name gets a -2 suffix)')
    .option('--driver <module>', "check the bundled battery with this driver module in place of each scenario's driver")
    .option('--quiet', 'no progress line on stderr (there is none when stderr is not a terminal)')
    .option(
      '--width <n>',
      'fit ladders to this many columns (default: the terminal width; unlimited in a pipe)',
      int('--width'),
    )
    .option('--report <dir>', 'write an HTML report: a page per scenario (counterexamples, coverage) and index.html')
    .option('--ladder', 'print the ladder of every counterexample, not only of mismatches')
    .option('--no-minimize', 'keep random and pct counterexamples as found (by default they are minimized)')
    .option(
      '--no-liveness',
      'skip the livelock pass after bfs and dfs (the search then records no graph of states and edges for it)',
    )
    .addOption(
      new Option(
        '--fairness <kind>',
        "which cycles count as livelocks (default strong; see docs/driver-protocol.md 'Liveness')",
      ).choices(['weak', 'strong']),
    )
    .option(
      '--param <key=value>',
      'set a scenario param in each file that declares it (repeatable; a file declaring none is checked as written, a param no file declares is an error)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--allow-driver <path>', ALLOW_DRIVER_HELP, collect)
    .option(
      '--json',
      "machine-readable output: the 'mirrorlab.check' shape (with --driver, 'mirrorlab.check-driver'; docs/ci.md)",
    )
    .option('--junit <file>', 'also write a JUnit XML report: a test case per scenario × property (docs/ci.md)')
    .option('--sarif <file>', 'also write a SARIF 2.1.0 report: a result per violation (docs/ci.md)')
    .option(
      '--shard <i/n>',
      "run shard i of n (1-based) of a sampling campaign or a bfs search, for 'mirrorlab merge' (docs/performance.md, Sharding)",
      shard,
    )
    .option('--shard-out <file>', "with --shard: write the shard's part here (--json prints it instead)")
    .option(
      '--shard-frontier <k>',
      'with --shard and bfs: split at the first level of at least k·n states (default 64)',
      int('--shard-frontier'),
    )
    .addHelpText('after', CHECK_EXIT_CODES)
    .action(async (files: string[], o) => {
      const { checkCommand } = await import('./check-command.ts');
      code = await checkCommand(files.length ? files : [bundledPath('scenarios/seeds')], o, out);
    });

  program
    .command('merge')
    .description("combine the parts written by 'check --shard i/n --shard-out FILE' into one verdict per scenario")
    .argument('<files...>', 'the shard result files (or folders of them), one per shard 1..n')
    .option(
      '--save-trace <path>',
      'save each merged counterexample as a replayable JSON trace: a FILE.json or a folder',
    )
    .option('--force', 'let --save-trace replace existing files')
    .option('--ladder', 'print the ladder of every counterexample, not only of mismatches')
    .option('--allow-driver <path>', ALLOW_DRIVER_HELP, collect)
    .option('--json', 'machine-readable output (format mirrorlab.merge)')
    .addHelpText('after', MERGE_HELP)
    .action(async (files: string[], o) => {
      code = await (await import('./merge-command.ts')).mergeCommand(files, o, out);
    });

  program
    .command('machines')
    .description('list the machines and driver profiles, or print one as a Mermaid state diagram (or JSON)')
    .argument('[name]', 'a machine name from the list')
    .option('--json', 'the list as JSON; with a name, the machine as JSON (export --format json)')
    .action(async (name: string | undefined, o) => {
      code = await (await import('./machines-command.ts')).machinesCommand(name, o, out);
    });

  program
    .command('export')
    .description('a machine or driver profile as a Mermaid diagram, JSON, a Stately editor source or SCXML')
    .argument('<machine>', "a name from 'mirrorlab machines', a profile name (svm) or a driver module path")
    .addOption(
      new Option('--format <format>', 'mermaid | json | stately | scxml').choices(EXPORT_FORMATS).default('mermaid'),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText('after', EXPORT_HELP)
    .action(async (name: string, o) => {
      code = await (await import('./export-command.ts')).exportCommand(name, o, out);
    });

  program
    .command('replay')
    .description('re-execute a saved counterexample and report whether it still breaks the same property')
    .argument('<trace>', 'trace JSON written by check --save-trace')
    .option('--allow-driver <path>', ALLOW_DRIVER_HELP, collect)
    .option('--driver <module>', 'replay with this driver module instead of the one the trace names')
    .option('--continue', "then keep exploring from the trace's last state")
    .addOption(new Option('--strategy <name>', 'strategy for --continue').choices(['bfs', 'dfs']))
    .option('--max-states <n>', 'limit for --continue', int('--max-states'))
    .option('--time <s>', timeHelp(DEFAULT_TIME_SECONDS), seconds)
    .option('--width <n>', 'fit the ladder to this many columns (default: the terminal width)', int('--width'))
    .option('--json', 'machine-readable output')
    .action(async (file: string, o) => {
      code = await (await import('./replay-command.ts')).replayCommand(file, o, out);
    });

  program
    .command('studio')
    .description('guided simulation in the browser: choose each delivery, undo, save the schedule as a trace')
    .argument(
      '[scenario|trace|folder]',
      'a scenario, a trace JSON (opens at its end) or a folder (default: the bundled seeds)',
    )
    .option('--port <n>', 'serve on this port of 127.0.0.1 (default: a free one)', studioPort)
    .addHelpText('after', STUDIO_HELP)
    .action(async (file: string | undefined, o) => {
      code = await (await import('./studio-command.ts')).studioCommand(file, o, out);
    });

  program
    .command('conformance')
    .description('run the HMM selftests (hmm-tests.c) against the dmirror model: test × variant → pass/fail')
    .argument('[path]', 'conformance scenarios (a file or folder; default: the bundled scenarios/conformance)')
    .option('--only <name>', 'only tests whose name contains this (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--seeds <n>', 'seeds for the tests that run under the random strategy', int('--seeds'))
    .option('--variant <name>', 'only this variant of each test')
    .addOption(new Option('--kernel <version>', 'only this kernel version of each test').choices([...KERNEL_VERSIONS]))
    .option('--seed <n>', 'random-mode tests: run only this seed (a failure report prints it)', int('--seed'))
    .addOption(new Option('--strategy <name>', 'with --seed: the schedule the seed drives').choices(['random', 'pct']))
    .option('--json', 'machine-readable output')
    .option('--quiet', 'no progress line on stderr (there is none when stderr is not a terminal)')
    .option('--time <s>', timeHelp(CONFORMANCE_TIME_SECONDS), seconds)
    .action(async (path: string | undefined, o) => {
      const { conformanceCommand } = await import('../conformance/conformance-command.ts');
      code = await conformanceCommand(path ?? bundledPath('scenarios/conformance'), o, out);
    });

  program
    .command('schema')
    .description('print the scenario language as a JSON Schema, for YAML editors (docs/scenarios.md)')
    .option('-o, --output <file>', 'write it to this file instead')
    .action(async (o) => {
      code = (await import('./schema-command.ts')).schemaCommand(o, out);
    });

  program
    .command('report')
    .description('a saved counterexample as a self-contained HTML page: sequence diagram, step scrubber, statecharts')
    .argument('<trace>', 'trace JSON written by check --save-trace')
    .option('-o, --output <file>', 'the page to write (default: the trace file with .html)')
    .option('--force', 'replace an existing page')
    .addHelpText('after', REPORT_HELP)
    .action(async (file: string, o) => {
      code = await (await import('./report-command.ts')).reportCommand(file, o, out);
    });

  program
    .command('inspect')
    .description('serve the local Stately inspector bridge for run --live --inspect (the page needs the internet)')
    .option('--port <n>', 'port for the WebSocket and the page (default 8080)', int('--port'))
    .option('--no-open', 'do not open the page in the browser')
    .addHelpText('after', INSPECT_HELP)
    .action(async (o) => {
      code = await (await import('./inspect-command.ts')).inspectCommand(o, out);
    });

  for (const c of program.commands) {
    const examples = HELP_EXAMPLES[c.name()];
    if (examples) c.addHelpText('after', examples);
    c.addHelpText('after', EXIT_CODES_HELP);
  }
  program.addHelpText('after', EXIT_CODES_HELP);

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_CODE.badInput;
    if (isInputError(e)) {
      process.stderr.write(`mirrorlab: ${e.message}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      return EXIT_CODE.badInput;
    }
    process.stderr.write(`${internalErrorReport(e, argv.slice(2), debug)}\n`);
    return EXIT_CODE.internal;
  }
}
