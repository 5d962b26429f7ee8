/**
 * The examples as a user runs them: the Node script (examples/node/) checks a bundled scenario
 * through the public entry; the page (examples/browser/), built by Vite, runs the exhaustive
 * search in headless Chromium and shows the verdict and a counterexample.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { serveStatic } from '../support/static-server.ts';

describe('examples/node/check-scenario.ts', () => {
  it('should check the bundled scenario and print its verdict and counterexample', () => {
    const r = spawnSync('node', ['bin/run-ts.mjs', 'examples/node/check-scenario.ts'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^missing-set-seq: ok\n {2}expected: stale-spte, use-after-free; found: stale-spte, use-after-free\n/,
    );
    expect(r.stdout).toMatch(/\nstale-spte in \d+ steps: dev:gpu0 still maps/);
    expect(r.stdout).toMatch(/#\s+mm:p1\s+core:p1/);
  });

  it('should exit 1 for a scenario whose outcome differs from its expect:', () => {
    const r = spawnSync(
      'node',
      ['bin/run-ts.mjs', 'examples/node/check-scenario.ts', 'test/fixtures/scenarios/expect-mismatch.yaml'],
      {
        encoding: 'utf8',
      },
    );
    expect([r.status, r.stdout.split('\n')[0]]).toEqual([1, 'expect-mismatch: mismatch']);
  });
});

describe('examples/browser', () => {
  it('should search in the page and show the verdict and a counterexample', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mirrorlab-browser-example-'));
    await build({
      root: 'examples/browser',
      configFile: 'examples/browser/vite.config.ts',
      logLevel: 'silent',
      build: { outDir: out, emptyOutDir: true },
    });
    const server = await serveStatic(out);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(0); // no clock: the suite's own timeout is the backstop against a hang
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      expect(errors).toEqual([]); // the page's modules loaded (a throw there leaves Run dead)
      await page.click('#run');
      const verdict = page.locator('#verdict:not(.running):not(:empty)');
      // Bounded by work, not by the clock: wait as long as the search takes, unless the page fails.
      const failed = new Promise<never>((_, reject) => page.once('pageerror', reject));
      await Promise.race([verdict.waitFor({ timeout: 0 }), failed]);
      expect(await verdict.textContent()).toMatch(
        /^ok: found stale-spte, use-after-free; as expected \(\d+ states, every one explored\)$/,
      );
      expect(await page.locator('#violation option').allTextContents()).toEqual([
        expect.stringMatching(/^stale-spte \(\d+ steps\)$/),
        expect.stringMatching(/^use-after-free \(\d+ steps\)$/),
      ]);
      expect(await page.locator('#ladder').textContent()).toMatch(/sub:gpu0[\s\S]*sub\.readBegin/);
      await page.screenshot({ path: join(out, 'verdict.png'), fullPage: true });

      // A broken scenario: the located error, no counterexample.
      await page.fill('#scenario', 'name: broken\nprocesses: [\n');
      await page.click('#run');
      await page.locator('#verdict.error').waitFor({ timeout: 0 });
      expect(await page.locator('#verdict').textContent()).toMatch(/^scenario\.yaml:\d+:\d+: YAML syntax error/);
      expect(await page.locator('#counterexample').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
