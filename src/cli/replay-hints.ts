/**
 * The commands mirrorlab prints for re-running what it found: each must work as printed (a test
 * runs every one), so each carries what the run depended on (params, driver, allowed modules).
 */
import { dirname, resolve } from 'node:path';
import { isInside } from '../scenario/allowed-modules.ts';
import type { ParamValue } from '../scenario/expand.ts';

/** A word the shell passes through unchanged: quoted only when it has to be. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** `--param k=v` for each param, as the command line takes them back. */
export function paramArgs(params: Record<string, ParamValue> = {}): string[] {
  return Object.entries(params).map(
    ([k, v]) => `--param ${shellWord(`${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)}`,
  );
}

/**
 * `mirrorlab replay TRACE`, with `--allow-driver` for a driver module outside the trace's folder
 * (replay imports nothing a data file names outside its tree without it) and for each path the
 * check itself was allowed.
 */
export function replayHint(trace: string, driver: string | undefined, allowed: readonly string[] = []): string {
  const allow = [...(driver && !isInside(driver, dirname(resolve(trace))) ? [driver] : []), ...allowed];
  return [
    'mirrorlab replay',
    shellWord(trace),
    ...[...new Set(allow)].map((a) => `--allow-driver ${shellWord(a)}`),
  ].join(' ');
}
