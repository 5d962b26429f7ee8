/**
 * `npm run fuzz -- --time S [--seed N] [--out DIR]`: a longer fuzz campaign than the suite's
 * properties (test/reliability/properties.test.ts), for S seconds. Rounds cycle through four
 * checks: a random valid scenario (exit 0, 1 or 3, never bad input or an internal error), a
 * mutated one (also never an internal error or a stack trace), random schedules of a built-in
 * driver as designed (no violation), and a planted bug under pct with a random seed (found).
 * Every failing input is saved under DIR (default fuzz-failures/<date>/) with the command, the
 * output and why it failed; the exit code is 1 when any failed. Figures: docs/reliability.md.
 * With `--reduction [NAMES]` every round is the reduction soundness check instead
 * (reduction-campaign.ts); with `--monitors`, the check of what the monitors say they read
 * (monitor-campaign.ts); with `--conformance`, fresh schedules of the random-mode conformance
 * tests (conformance-campaign.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { main } from '../../src/cli/main.ts';
import { correctScenario, mutatedScenario, validScenario } from './arbitraries.ts';
import { conformanceCampaign } from './conformance-campaign.ts';
import { monitorCampaign } from './monitor-campaign.ts';
import { reductionCampaign } from './reduction-campaign.ts';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const PLANTED = ['missing-set-seq', 'retry-outside-lock', 'registration-cache-unpinned', 'oom-reaper-sleeps'];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const seconds = Number(option('--time', '60'));
const baseSeed = Number(option('--seed', String(Date.now() % 1_000_000)));
const outDir = option('--out', join('fuzz-failures', new Date().toISOString().replace(/[:.]/g, '-')));
const reduction = process.argv.includes('--reduction');
const monitors = process.argv.includes('--monitors');
const conformance = process.argv.includes('--conformance');
const named = option('--reduction', 'canonical,sleep');
const names = named.startsWith('--') ? 'canonical,sleep' : named;
const maxStates = Number(option('--max-states', monitors ? '5000' : '20000'));
if (!(seconds > 0) || !Number.isInteger(baseSeed) || !(maxStates > 0)) {
  process.stderr.write(
    'usage: npm run fuzz -- [--reduction [canonical,sleep,...] | --monitors | --conformance] [--max-states <n>] --time <seconds> [--seed <n>] [--out <dir>]\n',
  );
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'mirrorlab-fuzz-'));
const counts = { valid: 0, mutated: 0, schedules: 0, planted: 0, failed: 0 };

/** The CLI in-process with stderr captured. */
async function cli(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  let err = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'mirrorlab', ...args], (s) => lines.push(s));
    return { code, text: `${lines.join('\n')}\n${err}` };
  } finally {
    process.stderr.write = write;
  }
}

function save(kind: string, round: number, input: string, command: string, why: string, output: string): void {
  counts.failed++;
  mkdirSync(outDir, { recursive: true });
  const stem = join(outDir, `${kind}-${round}`);
  writeFileSync(`${stem}.yaml`, input);
  writeFileSync(`${stem}.txt`, `why: ${why}\ncommand: ${command}\n\n${output}\n`);
  process.stderr.write(`fuzz: ${kind} round ${round} failed (${why}): saved ${stem}.yaml\n`);
}

if (reduction) process.exitCode = await reductionCampaign({ seconds, baseSeed, outDir, names, maxStates });
else if (monitors) process.exitCode = await monitorCampaign({ seconds, baseSeed, outDir, maxStates });
else if (conformance) process.exitCode = await conformanceCampaign({ seconds, baseSeed, outDir });
else await mixedCampaign();

/** The four checks in turn (see the header). */
async function mixedCampaign(): Promise<void> {
  const t0 = performance.now();
  let round = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const seed = baseSeed + round;
    const file = join(work, `round-${round}.yaml`);
    switch (round % 4) {
      case 0:
      case 1: {
        const mutated = round % 4 === 1;
        const text = mutated
          ? fc.sample(mutatedScenario, { seed, numRuns: 1 })[0]
          : fc.sample(validScenario, { seed, numRuns: 1 })[0].text;
        writeFileSync(file, text);
        const args = ['check', file, '--max-states', '20000', '--time', '30'];
        const r = await cli(args);
        const allowed = mutated ? [0, 1, 2, 3] : [0, 1, 3];
        if (!allowed.includes(r.code) || STACK_LINE.test(r.text))
          save(mutated ? 'mutated' : 'valid', round, text, `mirrorlab ${args.join(' ')}`, `exit ${r.code}`, r.text);
        counts[mutated ? 'mutated' : 'valid']++;
        break;
      }
      case 2: {
        const { text } = fc.sample(correctScenario, { seed, numRuns: 1 })[0];
        writeFileSync(file, text);
        const o = await checkScenario(file, { strategy: 'random', seed, schedules: 2000 });
        if (o.violations.length)
          save(
            'correct-driver',
            round,
            text,
            `mirrorlab check FILE --strategy random --seed ${seed} --schedules 2000`,
            `violations ${o.violations.map((v) => v.kind).join(', ')}`,
            o.violations.map((v) => v.message).join('\n'),
          );
        counts.schedules += o.stats.schedules;
        break;
      }
      default: {
        const name = PLANTED[(round >> 2) % PLANTED.length];
        const o = await checkScenario(`scenarios/seeds/${name}.yaml`, { strategy: 'pct', seed, minimize: false });
        const found = o.violations.map((v) => v.kind);
        const missed = o.expected.filter((k) => !found.includes(k));
        if (missed.length)
          save(
            'planted',
            round,
            `scenarios/seeds/${name}.yaml\n`,
            `mirrorlab check scenarios/seeds/${name}.yaml --strategy pct --seed ${seed}`,
            `missed ${missed.join(', ')}`,
            '',
          );
        counts.planted++;
        counts.schedules += o.stats.schedules;
      }
    }
    round++;
  }
  const elapsed = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `fuzz: ${round} rounds in ${elapsed} s from seed ${baseSeed}: ${counts.valid} valid and ${counts.mutated} mutated scenarios checked, ${counts.schedules} schedules sampled, ${counts.planted} planted-bug runs; ${counts.failed} failed${counts.failed ? ` (saved under ${outDir})` : ''}\n`,
  );
  process.exitCode = counts.failed ? 1 : 0;
}
