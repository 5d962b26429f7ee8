/**
 * The browser entries (`mirrorlab/browser`, `mirrorlab/machines`) as a page's bundler sees them:
 * Vite builds each with no aliases and reaches no Node built-in; and what the browser entry
 * offers works from text alone: a scenario parsed, its world explored, the verdict judged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as browser from '../../src/browser.ts';
import { bundleForBrowser } from '../support/bundle-for-browser.ts';

describe('the browser entries', () => {
  it.each(['src/browser.ts', 'src/machines.ts'])(
    'should bundle %s with Vite reaching no Node built-in',
    async (entry) => {
      const { nodeImports, code } = await bundleForBrowser(entry);
      expect(nodeImports).toEqual([]);
      // Import statements only: the TSDoc kept in the bundle shows Node examples (`* import … 'node:fs'`).
      expect(code).not.toMatch(/__vite-browser-external|^\s*import\b[^\n]*\bfrom ["']node:/m);
      expect(code).toMatch(/rangeNotifier/);
    },
  );

  it('should be caught by the bundle check when a Node built-in is reached', async () => {
    // The file entry (load.ts) reads files: the check must see node:fs there, or it proves nothing.
    const { nodeImports } = await bundleForBrowser('src/scenario/load.ts');
    expect(nodeImports.some((i) => i.startsWith('node:fs imported by') && i.includes('load.ts'))).toBe(true);
  });

  it('should parse, explore and judge a scenario from text', async () => {
    const text = readFileSync('scenarios/seeds/missing-set-seq.yaml', 'utf8');
    const loaded = browser.parseScenario(text, 'missing-set-seq.yaml');
    const { world } = await browser.scenarioWorld(loaded);
    const result = browser.exhaustiveSearch(world, 'bfs', { monitors: browser.defaultMonitors() });
    const found = new Set(result.violations.map((v) => v.kind));
    expect([...found].sort()).toEqual(['stale-spte', 'use-after-free']);
    const judged = browser.judgeScenario({
      expected: loaded.scenario.expect.violations,
      expectedObservations: loaded.scenario.expect.observations,
      found,
      seen: new Set(),
      stats: result.stats,
      limits: {},
    });
    expect(judged.verdict).toBe('ok');
    expect(browser.renderLadder(world, result.violations[0].trace)).toMatch(/sub:gpu0/);
  });

  it('should run a parsed scenario as live XState actors', async () => {
    const text = readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8');
    let inspected = 0;
    const live = await browser.createWorld(browser.parseScenario(text, 'fault-vs-unmap.yaml'), {
      inspect: () => inspected++,
    });
    live.run();
    expect(live.steps.length).toBeGreaterThan(10);
    expect(inspected).toBeGreaterThan(live.steps.length);
    expect(live.snapshot('thread:cpu').status).toBe('done');
  });

  it('should say why a scenario naming a driver module cannot compile without a module loader', async () => {
    const text = readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8').replace(
      /driver: [\w-]+/,
      'driver: ./my-driver.ts',
    );
    await expect(browser.scenarioWorld(browser.parseScenario(text, 'mine.yaml'))).rejects.toThrow(
      /mine\.yaml:\d+:\d+: driver \.\/my-driver\.ts is a module file.*pass the driver machine itself/,
    );
  });

  it('should refuse a second thread and an unmeasurable memory budget on the portable host', async () => {
    const { world } = await browser.scenarioWorld(
      browser.parseScenario(readFileSync('scenarios/seeds/fault-vs-unmap.yaml', 'utf8'), 'f.yaml'),
    );
    const monitors = browser.defaultMonitors();
    expect(() => browser.exhaustiveSearch(world, 'bfs', { monitors, threads: 2 })).toThrow(/leave threads at 1/);
    expect(() => browser.exhaustiveSearch(world, 'bfs', { monitors, maxMemoryMiB: 100 })).toThrow(
      /does not report memory use.*maxStates/,
    );
  });
});
