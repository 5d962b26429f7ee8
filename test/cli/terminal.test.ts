/**
 * How the command line feels: a progress line on a terminal only (never in a pipe, never with
 * --quiet), colour by NO_COLOR / FORCE_COLOR, ladders that fit --width, examples and exit codes
 * in every command's --help, and --version.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { colourWanted, paint, verdictColour } from '../../src/cli/terminal/colour.ts';
import { progressLine, searchProgressText } from '../../src/cli/terminal/progress.ts';
import type { ProgressDetail } from '../../src/explorer/search-types.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { samplingSearch } from '../../src/explorer/strategies/sampling.ts';
import { cli } from './run-cli.ts';

afterEach(() => vi.restoreAllMocks());

describe('colour', () => {
  it('should follow FORCE_COLOR, then NO_COLOR, then whether the stream is a terminal', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: '', NO_COLOR: '1' })).toBe(true);
  });

  it('should paint verdict words only when on', () => {
    expect(verdictColour(paint(true), 'FAIL')).toBe('\u001b[31m\u001b[1mFAIL\u001b[22m\u001b[39m');
    expect(verdictColour(paint(true), 'PASS')).toBe('\u001b[32mPASS\u001b[39m');
    expect(verdictColour(paint(false), 'FAIL')).toBe('FAIL');
  });

  it('should colour check output with FORCE_COLOR and leave it plain with NO_COLOR', async () => {
    vi.stubEnv('FORCE_COLOR', '1');
    expect((await cli('check', 'scenarios/seeds/missing-set-seq.yaml')).out).toContain('\u001b[32mPASS\u001b[39m');
    vi.stubEnv('FORCE_COLOR', undefined as unknown as string);
    vi.stubEnv('NO_COLOR', '1');
    expect((await cli('check', 'scenarios/seeds/missing-set-seq.yaml')).out).not.toContain('\u001b[');
    vi.unstubAllEnvs();
  });
});

/** A terminal stand-in that records what is written to it. */
function fakeTerminal(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, columns: 60, written, write: (s: string) => written.push(s) };
}

describe('progress', () => {
  it('should draw one line in place on a terminal, cut to its width, and clear it when done', () => {
    const tty = fakeTerminal(true);
    const p = progressLine(tty);
    p.update(`x: ${'y'.repeat(100)}`);
    p.done();
    expect(tty.written[0].startsWith('\r\u001b[Kx: yyy')).toBe(true);
    expect(tty.written[0].endsWith('y…')).toBe(true);
    expect(tty.written[0].length).toBe('\r\u001b[K'.length + 59);
    expect(tty.written[1]).toBe('\r\u001b[K');
  });

  it('should write nothing in a pipe or with --quiet', () => {
    for (const [stream, quiet] of [
      [fakeTerminal(false), false],
      [fakeTerminal(true), true],
    ] as const) {
      const p = progressLine(stream, quiet);
      p.update('x');
      p.done();
      expect(stream.written).toEqual([]);
    }
  });

  it('should say states, states/s, depth, frontier and elapsed time; schedules for sampling', () => {
    expect(searchProgressText('s', 1_234_567, 2000, { depth: 41, frontier: 33_000 })).toBe(
      's: 1.2M states, 617k states/s, depth 41, frontier 33k, 2.0 s',
    );
    expect(searchProgressText('s', 413, 1000, { depth: 43, schedules: 5120, of: 100_000 })).toBe(
      's: 413 states, schedules 5120/100k, 5120 schedules/s, depth 43, 1.0 s',
    );
  });

  it('should be told the depth and the frontier by the search as it goes', async () => {
    // Two drivers: more states than one progress interval (the search says where it is every 8,192
    // states it expands).
    const { world } = await worldFor('scenarios/bench/seq-retry-bug.yaml', undefined, { ndrv: 2 });
    const seen: [number, ProgressDetail | undefined][] = [];
    exhaustiveSearch(world, 'bfs', { monitors: [], maxStates: 20_000, onProgress: (n, _ms, d) => seen.push([n, d]) });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    const [states, detail] = seen[0];
    expect(states).toBeGreaterThan(8000);
    expect(detail!.depth).toBeGreaterThan(10);
    expect(detail!.frontier).toBeGreaterThan(0);
    const sampled: ProgressDetail[] = [];
    samplingSearch(world, 'random', { monitors: [], schedules: 512, onProgress: (_n, _ms, d) => sampled.push(d!) });
    expect(sampled.map((d) => d.schedules)).toEqual([256, 512]);
    expect(sampled[0].of).toBe(512);
  });

  it('should show check’s progress on a terminal stderr only, and not with --quiet', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tty = process.stderr.isTTY;
    try {
      process.stderr.isTTY = true;
      const { out } = await cli('check', 'scenarios/seeds/missing-set-seq.yaml');
      const said = err.mock.calls.map((c) => String(c[0]));
      expect(said[0]).toBe('\r\u001b[Kmissing-set-seq: starting');
      expect(said.at(-1)).toBe('\r\u001b[K');
      expect(out).not.toContain('starting');
      err.mockClear();
      await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--quiet');
      expect(err.mock.calls).toEqual([]);
      process.stderr.isTTY = false;
      await cli('check', 'scenarios/seeds/missing-set-seq.yaml');
      expect(err.mock.calls).toEqual([]);
    } finally {
      process.stderr.isTTY = tty;
    }
  });
});

describe('conformance progress', () => {
  it('should count the tests done on a terminal stderr, and clear the line before the table', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tty = process.stderr.isTTY;
    try {
      process.stderr.isTTY = true;
      const { code, out } = await cli('conformance', '--only', 'open_close');
      expect(code).toBe(0);
      const said = err.mock.calls.map((c) => String(c[0]));
      expect(said[0].startsWith('\r\u001b[K')).toBe(true);
      expect(said[0].slice(4)).toMatch(/^conformance: 1 test done \(last: hmm\.open_close \w+\), \d+ s$/);
      expect(said.at(-1)).toBe('\r\u001b[K');
      // Two variants on each kernel version open_close admits (v6.12, upstream).
      expect(out).toMatch(/4\/4 passed/);
    } finally {
      process.stderr.isTTY = tty;
    }
  });
});

describe('ladders that fit', () => {
  it('should keep every line of a replayed ladder within --width, names in full on two header lines', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = `${process.env.TMPDIR ?? '/tmp'}/mirrorlab-width-${process.pid}/`;
    await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--save-trace', dir, '--force');
    const { out } = await cli('replay', `${dir}missing-set-seq.stale-spte.json`, '--width', '80');
    const ladder = out.split('\n\n')[0].split('\n');
    expect(ladder.length).toBeGreaterThan(26);
    for (const line of ladder) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(out).toMatch(/lock:gpu0/);
    const wide = (await cli('replay', `${dir}missing-set-seq.stale-spte.json`)).out;
    expect(Math.max(...wide.split('\n').map((l) => [...l].length))).toBeGreaterThan(120);
  });
});

describe('run timelines that fit', () => {
  it('should cut each timeline line at --width', async () => {
    const { out } = await cli('run', 'scenarios/seeds/fault-vs-unmap.yaml', '--width', '72');
    const timeline = out.split('\n').filter((l) => /^ {0,3}\d+ {2}\S/.test(l));
    expect(timeline.length).toBeGreaterThan(20);
    for (const line of timeline) expect([...line].length, line).toBeLessThanOrEqual(72);
    expect(timeline.some((l) => l.endsWith('…'))).toBe(true);
  });
});

describe('--help and --version', () => {
  it('should end every command’s help with examples and the exit codes', async () => {
    const commands = ['run', 'check', 'machines', 'export', 'replay', 'report', 'inspect', 'conformance', 'schema'];
    for (const c of commands) {
      const { code, out } = await cli(c, '--help');
      expect(code, c).toBe(0);
      expect(out, c).toMatch(/Examples:\n {2}mirrorlab /);
      expect(out, c).toMatch(/Exit codes \(the same with --json/);
    }
  });

  it('should print the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    for (const flag of ['--version', '-V']) expect(await cli(flag)).toEqual({ code: 0, out: version });
  });
});
