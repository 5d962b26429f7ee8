/**
 * The package as another project would use it: built to JavaScript (`npm run build`, which
 * `npm ci` runs through `prepare`) and imported by plain Node, without a TypeScript loader.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the built package', () => {
  it('should build to JavaScript that plain Node imports and runs', () => {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'pipe' });
    const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-consumer-'));
    const script = join(dir, 'consumer.mjs');
    const entry = resolve('dist/src/index.js');
    writeFileSync(
      script,
      `import { createWorld, checkScenario, mmMachine, worldFor, exhaustiveSearch, defaultMonitors } from ${JSON.stringify(entry)};
const w = await createWorld(${JSON.stringify(resolve('scenarios/seeds/fault-vs-unmap.yaml'))});
w.run();
const o = await checkScenario(${JSON.stringify(resolve('scenarios/seeds/missing-set-seq.yaml'))});
// The visited-set thread runs the built worker module (visited-worker.js).
const { world } = await worldFor(${JSON.stringify(resolve('scenarios/bench/seq-retry.yaml'))});
const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), threads: 2, pipelineFrom: 2000 });
console.log(JSON.stringify({ steps: w.steps.length, found: o.violations.map((v) => v.kind).sort(), mm: mmMachine.id, states: r.stats.states, threads: r.stats.threads }));
`,
    );
    const out = JSON.parse(execFileSync('node', [script], { encoding: 'utf8' }));
    expect(out.steps).toBeGreaterThan(10);
    expect(out.found).toEqual(['stale-spte', 'use-after-free']);
    expect(out.mm).toBe('mm');
    // seq-retry's channel-canonical states, the default key (14,177 exact states).
    expect([out.states, out.threads]).toEqual([13_372, 2]);
  });

  // Runs after the build above (tests of a file run in order).
  it('should point every entry of the exports map at a built module with its types', async () => {
    const { exports } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, string | { types: string; import: string }>;
    };
    const entries = Object.entries(exports).filter(
      (e): e is [string, { types: string; import: string }] => typeof e[1] !== 'string',
    );
    expect(entries.map(([name]) => name)).toEqual(['.', './machines', './browser', './testing']);
    for (const [, target] of entries)
      expect([existsSync(target.types), existsSync(target.import)]).toEqual([true, true]);
    const machines = await import(resolve('dist/src/machines.js'));
    const browser = await import(resolve('dist/src/browser.js'));
    const testing = await import(resolve('dist/src/testing/index.js'));
    expect(machines.rangeNotifierMachine.id).toBe('rangeNotifier');
    const { world } = await browser.scenarioWorld(
      browser.parseScenario(readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8'), 'f.yaml'),
    );
    expect(browser.exhaustiveSearch(world, 'bfs', { monitors: browser.defaultMonitors() }).stats.complete).toBe(true);
    // The built testing entry finds the battery bundled beside dist/.
    expect(testing.BUNDLED_BATTERY).toBe(resolve('scenarios/seeds'));
  });
});
