/**
 * Spin on the seq-retry yardstick (/work/shared/bench/mmu_seq_retry.pml), timed the way a user
 * waits for it: `spin -a`, `gcc -O2`, `./pan`, from the first command to the verdict. Spin is a
 * Debian package; when it is missing the bench installs it with apt-get (as root, or through
 * `sudo -n`), and says why when it cannot.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const YARDSTICK = process.env.SPIN_MODEL ?? '/work/shared/bench/mmu_seq_retry.pml';

export interface SpinRun {
  states: number;
  transitions: number;
  /** Process start of `spin -a` to the end of `pan`. */
  seconds: number;
  /** pan's own search time. */
  searchSeconds: number;
  errors: number;
  /** Depth of the first violation (breadth-first: the counterexample's length). */
  errorDepth: number | null;
}

/** Why Spin cannot run here, or null when it can (installing it first if needed). */
export function ensureSpin(): string | null {
  if (!existsSync(YARDSTICK)) return `the yardstick ${YARDSTICK} is not there (SPIN_MODEL names another)`;
  if (has('spin')) return has('gcc') ? null : 'gcc is not installed (apt-get install -y gcc)';
  const root = process.getuid?.() === 0;
  const apt = root
    ? spawnSync('apt-get', ['install', '-y', 'spin'], { encoding: 'utf8' })
    : spawnSync('sudo', ['-n', 'apt-get', 'install', '-y', 'spin'], { encoding: 'utf8' });
  if (apt.status !== 0 || !has('spin'))
    return `spin is not installed and apt-get could not install it (${(apt.stderr || apt.error?.message || '').trim().split('\n').pop()})`;
  return has('gcc') ? null : 'gcc is not installed (apt-get install -y gcc)';
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * pan's run-time flags: the yardstick's own (spin-bench.sh: a 10 M-deep stack, 2^26 hash slots),
 * which the figures used. They cost about 3 s of allocation at small sizes; a user who
 * sizes them to the model (`SPIN_PAN_FLAGS='-m1000000'`) gets a faster small run.
 */
const PAN_FLAGS = (process.env.SPIN_PAN_FLAGS ?? '-m10000000 -w26').split(/\s+/).filter(Boolean);

/** One exhaustive safety run; `flags` are pan's compile flags (`-DNOREDUCE`, `-DBFS`). */
export function runSpin(ndrv: number, rounds: number, flags: string[] = [], bug = false): SpinRun {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-spin-'));
  try {
    copyFileSync(YARDSTICK, join(dir, 'model.pml'));
    const t0 = performance.now();
    const defs = [`-DNDRV=${ndrv}`, `-DROUNDS=${rounds}`, ...(bug ? ['-DBUG=1'] : [])];
    step(dir, 'spin', ['-a', ...defs, 'model.pml']);
    step(dir, 'gcc', ['-O2', '-DSAFETY', '-DMEMLIM=16000', ...flags, '-o', 'pan', 'pan.c']);
    const out = spawnSync('./pan', PAN_FLAGS, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
    const seconds = (performance.now() - t0) / 1000;
    const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
    return {
      states: num(/(\d+) states, stored/),
      transitions: num(/(\d+) transitions \(/),
      seconds,
      searchSeconds: num(/pan: elapsed time ([\d.e+-]+)/),
      errors: num(/errors: (\d+)/),
      errorDepth: /at depth (\d+)/.test(out) ? num(/at depth (\d+)/) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function step(cwd: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}
