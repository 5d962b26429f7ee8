/** The livelock as the command line shows it: a lasso ladder, a saved trace, a replay that closes the loop. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['node', 'mirrorlab', ...args], (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}

const SEED = 'scenarios/seeds/fault-vs-endless-remap.yaml';
const UNBOUNDED = 'examples/drivers/unbounded-retry-driver.ts';

describe('mirrorlab check and replay of a livelock', () => {
  it('should warn, report livelock with a marked loop, and replay the saved lasso as reproduced', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'mirrorlab-livelock-')), 'livelock.json');
    const { code, out } = await cli('check', SEED, '--driver', UNBOUNDED, '--save-trace', trace);
    expect(code).toBe(1);
    expect(out).toMatch(/^warning: .*unbounded-retry-driver\.ts: a fault can be retried forever/);
    expect(out).toMatch(/BREAKS {2}livelock {2}\(in fault-vs-endless-remap\)/);
    expect(out).toMatch(/┄┄ loop: steps \d+\.\.\d+, then again from \d+/);
    expect(out).toMatch(/┄┄ back to the state before step \d+: the loop repeats forever/);
    const saved = JSON.parse(readFileSync(trace, 'utf8'));
    expect(saved.violation.kind).toBe('livelock');
    expect(saved.loopFrom).toBeGreaterThan(0);
    // The driver lies outside the trace's folder: replay imports it only when allowed, as the hint says.
    expect(out).toContain(`replay: mirrorlab replay ${trace} --allow-driver ${UNBOUNDED}`);
    expect((await cli('replay', trace)).code).toBe(2);
    const replay = await cli('replay', trace, '--allow-driver', UNBOUNDED);
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(
      /REPRODUCED livelock: after \d+ steps, the loop of \d+ steps returns to its start while thread:gpu waits/,
    );
    // A loop cut short no longer returns to its start.
    writeFileSync(trace, JSON.stringify({ ...saved, steps: saved.steps.slice(0, -3) }));
    const cut = await cli('replay', trace, '--allow-driver', UNBOUNDED);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/NOT REPRODUCED: the loop does not return to the state it started from/);
  });

  it('should give the liveness stats in --json and none with --no-liveness', async () => {
    // The liveness graph keys exact states (explorer/liveness/state-graph.ts): as many as the
    // safety search has with --no-reduction (by default it counts channel-canonical states).
    const on = JSON.parse((await cli('check', 'scenarios/seeds/fault-vs-unmap.yaml', '--json', '--no-reduction')).out)
      .scenarios[0];
    expect(on.liveness).toMatchObject({ complete: true, fairness: 'strong', states: on.stats.states });
    const off = JSON.parse((await cli('check', 'scenarios/seeds/fault-vs-unmap.yaml', '--json', '--no-liveness')).out)
      .scenarios[0];
    expect(off.liveness).toBeNull();
  });

  it('should call livelock inconclusive, not kept, when the liveness graph is cut short (text and --json)', async () => {
    const text = await cli('check', SEED, '--max-states', '300');
    expect(text.code).toBe(3);
    expect(text.out).toMatch(/inconclusive\s+fault-vs-endless-remap/);
    const json = await cli('check', SEED, '--max-states', '300', '--json');
    expect(json.code).toBe(3);
    const [c] = JSON.parse(json.out).scenarios;
    expect(c).toMatchObject({ ok: false, verdict: 'inconclusive' });
    expect(c.liveness).toMatchObject({ complete: false });
    const drv = await cli(
      'check',
      SEED,
      '--driver',
      'examples/drivers/minimal-driver.ts',
      '--max-states',
      '300',
      '--json',
    );
    expect(drv.code).toBe(3);
    const report = JSON.parse(drv.out);
    expect(report.exitCode).toBe(3);
    expect(report.properties).toContainEqual({
      property: 'livelock',
      verdict: 'inconclusive',
      scenarios: ['fault-vs-endless-remap'],
    });
    // With the liveness pass off the driver is not asked about livelock at all.
    const off = JSON.parse(
      (await cli('check', SEED, '--driver', 'examples/drivers/minimal-driver.ts', '--no-liveness', '--json')).out,
    );
    expect(off.properties.map((p: { property: string }) => p.property)).not.toContain('livelock');
  });

  it('should exit 2 for an unknown fairness', async () => {
    const { code } = await cli('check', 'scenarios/seeds/fault-vs-unmap.yaml', '--fairness', 'eventual');
    expect(code).toBe(2);
  });
});
