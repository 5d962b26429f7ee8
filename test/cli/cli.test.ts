import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-cli-'));
const SEEDS = 'scenarios/seeds';

describe('mirrorlab check', () => {
  it('should exit 0 and print the documented JSON fields when a scenario matches its expect:', async () => {
    const { code, out } = await cli('check', `${SEEDS}/missing-set-seq.yaml`, '--json');
    expect(code).toBe(0);
    const [r] = JSON.parse(out).scenarios;
    expect(r).toMatchObject({ scenario: 'missing-set-seq', ok: true, expected: ['stale-spte', 'use-after-free'] });
    expect(r.violations.map((v: { kind: string }) => v.kind).sort()).toEqual(['stale-spte', 'use-after-free']);
    expect(r.violations[0]).toHaveProperty('steps');
    expect(r.violations[0].trace.length).toBe(r.violations[0].steps);
    expect(r.stats).toMatchObject({ complete: true });
    for (const k of ['states', 'transitions', 'schedules', 'elapsedMs', 'statesPerSecond'])
      expect(r.stats).toHaveProperty(k);
  });

  it('should exit 1 when a planted bug is expected but the search does not find it', async () => {
    const file = join(tmp, 'wrong-expect.yaml');
    writeFileSync(
      file,
      readFileSync(`${SEEDS}/fault-vs-unmap.yaml`, 'utf8').replace('violations: []', 'violations: [stale-spte]'),
    );
    const { code, out } = await cli('check', file);
    expect(code).toBe(1);
    expect(out).toMatch(/MISMATCH/);
    expect(out).toMatch(/expected but not found: stale-spte/);
  });

  it('should exit 2 for a missing file, naming it', async () => {
    const { code } = await cli('check', 'no/such/scenario.yaml');
    expect(code).toBe(2);
  });

  it('should exit 2 for a scenario that does not match the schema', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, 'processes: {}\nthreads: {}\nbogus: 1\n');
    expect((await cli('check', file)).code).toBe(2);
  });

  it('should exit 2 for an unknown strategy', async () => {
    expect((await cli('check', `${SEEDS}/fault-vs-unmap.yaml`, '--strategy', 'nope')).code).toBe(2);
  });

  it('should find a planted bug with the random strategy under a seed', async () => {
    const { code, out } = await cli(
      'check',
      `${SEEDS}/retry-outside-lock.yaml`,
      '--strategy',
      'random',
      '--seed',
      '4',
      '--schedules',
      '400',
      '--json',
    );
    const [r] = JSON.parse(out).scenarios;
    expect(r.violations.map((v: { kind: string }) => v.kind)).toContain('stale-spte');
    expect(r.stats.schedules).toBeGreaterThan(0);
    expect(code === 0 || code === 1).toBe(true);
  });
});

describe('mirrorlab check --strategy pct', () => {
  it('should take the PCT depth and find the planted bug, with a minimized replayable trace', async () => {
    const { out } = await cli(
      'check',
      `${SEEDS}/missing-set-seq.yaml`,
      '--strategy',
      'pct',
      '--pct-depth',
      '2',
      '--schedules',
      '300',
      '--seed',
      '5',
      '--json',
    );
    const [r] = JSON.parse(out).scenarios;
    expect(r.ok).toBe(true);
    const v = r.violations.find((x: { kind: string }) => x.kind === 'stale-spte');
    expect(v.steps).toBeLessThanOrEqual(v.minimizedFrom);
    expect(r.stats.strategy).toBe('pct');
  });
});

describe('mirrorlab replay', () => {
  it('should reproduce a saved counterexample and report a divergence for a tampered one', async () => {
    const trace = join(tmp, 'missing-set-seq.json');
    const saved = await cli('check', `${SEEDS}/missing-set-seq.yaml`, '--save-trace', trace);
    expect(saved.code).toBe(0);
    const files = [`${trace.replace(/\.json$/, '')}.missing-set-seq.stale-spte.json`];
    const replay = await cli('replay', files[0]);
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/REPRODUCED stale-spte/);
    const t = JSON.parse(readFileSync(files[0], 'utf8'));
    t.steps[3].actor = 'drv:nonexistent';
    const bad = join(tmp, 'tampered.json');
    writeFileSync(bad, JSON.stringify(t));
    const diverged = await cli('replay', bad);
    expect(diverged.code).toBe(1);
    expect(diverged.out).toMatch(/DIVERGED at step 4/);
  });

  it('should exit 2 for a file that is not a trace', async () => {
    const bad = join(tmp, 'not-a-trace.json');
    writeFileSync(bad, '{"hello": 1}');
    expect((await cli('replay', bad)).code).toBe(2);
  });
});

describe('mirrorlab run', () => {
  it('should print a timeline and the final device and CPU page tables', async () => {
    const { code, out } = await cli('run', `${SEEDS}/fault-vs-unmap.yaml`);
    expect(code).toBe(0);
    expect(out).toMatch(/core\.invalidateStart/);
    expect(out).toMatch(/device page table dev:gpu0/);
    expect(out).toMatch(/CPU page table mm:p1/);
    expect(out).toMatch(/seq=3/);
  });

  it('should give a seeded schedule as JSON, the same for the same seed', async () => {
    const a = JSON.parse((await cli('run', `${SEEDS}/fault-vs-unmap.yaml`, '--seed', '9', '--json')).out);
    const b = JSON.parse((await cli('run', `${SEEDS}/fault-vs-unmap.yaml`, '--seed', '9', '--json')).out);
    expect(a.timeline).toEqual(b.timeline);
    expect(a.tables).toHaveProperty('devices');
    expect(a.threads.every((t: { status: string }) => t.status === 'done')).toBe(true);
  });
});

describe('mirrorlab run --live', () => {
  it('should run live XState actors and log Stately inspection events with every actor definition', async () => {
    const log = join(tmp, 'inspect.jsonl');
    const { code, out } = await cli('run', `${SEEDS}/fault-vs-unmap.yaml`, '--live', '--inspect-log', log);
    expect(code).toBe(0);
    expect(out).toMatch(/steps as live XState actors/);
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const actors = events.filter((e) => e.type === '@xstate.actor');
    expect(actors.map((e) => e.name).sort()).toEqual(
      [
        'core:p1',
        'dev:gpu0',
        'drv:gpu0',
        'fence:job0',
        'lock:gpu0',
        'mirrorlab',
        'mm:p1',
        'sub:gpu0',
        'thread:cpu',
        'thread:gpu',
      ].sort(),
    );
    expect(JSON.parse(actors.find((e) => e.name === 'sub:gpu0').definition).id).toBe('rangeNotifier');
    expect(events.some((e) => e.type === '@xstate.event' && e.event.type === 'core.invalidateStart')).toBe(true);
  });
});

describe('mirrorlab check --driver', () => {
  it('should report the properties a deliberately broken custom driver breaks, with exit 1', async () => {
    const { code, out } = await cli('check', '--driver', 'examples/drivers/early-return-driver.ts');
    expect(code).toBe(1);
    expect(out).toMatch(/BREAKS +stale-spte/);
    expect(out).toMatch(/skipped fence-wait-under-lock: the driver takes no drv\.submit/);
    expect(out).toMatch(/stale-spte in .*: dev:\w+ still maps/);
  });

  // A correct custom driver keeping every property, exit 0: the same command on minimal-driver.ts
  // in test/check/correct-drivers-battery.test.ts.

  it('should exit 2 when the driver module exports no machine', async () => {
    const file = join(tmp, 'not-a-driver.ts');
    writeFileSync(file, 'export const x = 1;\n');
    expect((await cli('check', '--driver', file)).code).toBe(2);
  });
});

describe('mirrorlab machines', () => {
  it('should list every machine and print one as a Mermaid diagram with named guards', async () => {
    const list = await cli('machines');
    expect(list.out).toMatch(/range-notifier\s+id 'rangeNotifier'/);
    expect(list.out).toMatch(/driver-shadow-pte/);
    const { code, out } = await cli('machines', 'pt-lock');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('stateDiagram-v2');
    expect(out).toMatch(/ptLock_free --> ptLock_held_shared : lock\.acquire \[wantsSharedHold\]/);
  });

  it('should print the structure as JSON with named actions kept', async () => {
    const { out } = await cli('machines', 'range-notifier', '--json');
    const config = JSON.parse(out);
    expect(config.id).toBe('rangeNotifier');
    expect(config.states.detached.on['sub.attach'].actions).toBe('storeAttachSeq');
  });

  it('should exit 2 for an unknown machine name', async () => {
    expect((await cli('machines', 'nope')).code).toBe(2);
  });
});
