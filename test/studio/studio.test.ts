/**
 * The studio as a user meets it, in headless Chromium: the page built as `npm run build`
 * builds it, served by the studio's server for a bundled seed. The test clicks the steps of the
 * scenario's stale-spte counterexample (found by `check`), chosen by their words on the page,
 * until the monitors show the violation; undoes a step and sees every actor back where it was;
 * saves the trace and replays it with `mirrorlab replay`; then opens that trace in the studio,
 * at its end, and steps back and forth with the keyboard.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildStudioPage } from '../../bin/build-studio-page.mjs';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { replayCommand } from '../../src/cli/replay-command.ts';
import { eventText } from '../../src/report/state-text.ts';
import type { SemanticStep } from '../../src/runtime/controlled-world.ts';
import type { StudioInput } from '../../src/studio/page/studio-input.ts';
import { readStudioInput } from '../../src/studio/read-studio-input.ts';
import { builtPageDir, type StudioServer, startStudioServer } from '../../src/studio/studio-server.ts';
import { cli } from '../cli/run-cli.ts';
import { launchChromium } from '../support/chromium.ts';

const SEED = 'scenarios/seeds/missing-set-seq.yaml';
const work = mkdtempSync(join(tmpdir(), 'mirrorlab-studio-'));
// Where the CLI serves the page from: built there as `npm run build` builds it.
const pageDir = builtPageDir();
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await buildStudioPage();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Serve `file` in the studio and open its page; the page says when it is ready. */
async function openStudio(file: string): Promise<{ page: Page; server: StudioServer; errors: string[] }> {
  const server = await startStudioServer({ input: await readStudioInput(file), pageDir });
  const page = await browser.newPage({ acceptDownloads: true });
  // Bounded by what the page does, never by the clock: no Playwright timeouts.
  page.setDefaultTimeout(0);
  page.setDefaultNavigationTimeout(0);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(server.url);
  // The page says 'true' once drawn, or 'error' with the message in #error.
  await page.locator('body[data-ready]').waitFor();
  expect([await page.getAttribute('body', 'data-ready'), await page.locator('#error').innerText()]).toEqual([
    'true',
    '',
  ]);
  return { page, server, errors };
}

/** The enabled step's button for `s`: the receiver, the event as the ladder writes it, the sender. */
async function clickStep(page: Page, s: SemanticStep): Promise<void> {
  const words = `${s.actor} ← ${eventText(s.event as { type: string }, 160)} from ${s.from}`;
  const buttons = page.locator('#enabled button');
  const texts = await buttons.allTextContents();
  const at = texts.flatMap((t, i) => (t === words || t.startsWith(`${words} in `) ? [i] : []));
  expect(at, `one enabled step reads '${words}' among:\n${texts.join('\n')}`).toHaveLength(1);
  await buttons.nth(at[0]).click();
}

const actorsText = (page: Page) => page.locator('#actors').innerText();

describe('mirrorlab studio', () => {
  it('should step to the violation, undo, save a trace that replay reproduces, and reopen it at its end', async () => {
    const outcome = await checkScenario(SEED);
    const trace = outcome.violations.find((v) => v.kind === 'stale-spte')!.trace;
    expect(trace.every((s) => s.kind === 'deliver')).toBe(true);

    const { page, server, errors } = await openStudio(SEED);
    try {
      expect(await page.locator('#verdict').innerText()).toMatch(/^no violation in 0 steps/);
      let beforeLast = '';
      for (const [i, s] of trace.entries()) {
        if (i === trace.length - 1) beforeLast = await actorsText(page);
        expect(await page.locator('#verdict').innerText()).not.toMatch(/stale-spte/);
        await clickStep(page, s);
        expect(await page.locator('#position').innerText()).toBe(`step ${i + 1} of ${i + 1}`);
      }
      const verdict = page.locator('#verdict.violation');
      expect(await verdict.innerText()).toMatch(
        new RegExp(`^VIOLATION: stale-spte at step ${trace.length}\\nstale-spte: dev:gpu0 still maps 0x10000`),
      );
      expect(await page.locator(`#schedule li[data-step="${trace.length}"].found`).innerText()).toMatch(/⚠ stale-spte/);
      const atEnd = await actorsText(page);
      await page.screenshot({ path: join(work, 'studio-violation.png'), fullPage: true });

      // Undo: every actor back as it was before the last step, the violation gone, redo offered.
      await page.click('#back');
      expect(await page.locator('#position').innerText()).toBe(`step ${trace.length - 1} of ${trace.length}`);
      expect(await actorsText(page)).toBe(beforeLast);
      expect(await page.locator('#verdict').innerText()).toMatch(/^no violation in \d+ steps/);
      expect(await page.locator('#enabled button', { hasText: '(redo)' }).count()).toBe(1);
      await page.click('#forward');
      expect(await actorsText(page)).toBe(atEnd);

      // Save: a download of the trace, and the command that replays it.
      const download = page.waitForEvent('download');
      await page.click('#save');
      const saved = join(work, (await download).suggestedFilename());
      await (await download).saveAs(saved);
      expect(saved.endsWith('missing-set-seq.stale-spte.json')).toBe(true);
      expect(await page.locator('#replay-command').innerText()).toBe(
        'mirrorlab replay missing-set-seq.stale-spte.json',
      );
      const lines: string[] = [];
      expect(await replayCommand(saved, {}, (s) => lines.push(s))).toBe(0);
      expect(lines.join('\n')).toMatch(new RegExp(`REPRODUCED stale-spte after ${trace.length} steps`));
      expect(errors).toEqual([]);
      await page.close();

      // The saved trace opens at its end; ← and → step through it.
      const reopened = await openStudio(saved);
      try {
        const p = reopened.page;
        expect(await p.locator('#position').innerText()).toBe(`step ${trace.length} of ${trace.length}`);
        expect(await p.locator('#verdict.violation').innerText()).toMatch(/stale-spte/);
        expect(await actorsText(p)).toBe(atEnd);
        await p.keyboard.press('ArrowLeft');
        expect(await actorsText(p)).toBe(beforeLast);
        await p.keyboard.press('ArrowRight');
        expect(await p.locator('#position').innerText()).toBe(`step ${trace.length} of ${trace.length}`);
        expect(reopened.errors).toEqual([]);
      } finally {
        await reopened.server.close();
      }
    } finally {
      await server.close();
    }
  });

  it('should offer the scenarios of a folder and switch between them', async () => {
    const { page, server, errors } = await openStudio('scenarios/seeds');
    try {
      const offered = await page.locator('#scenario-choice option').allTextContents();
      expect(offered).toContain(SEED);
      expect(offered).toContain('scenarios/seeds/fault-vs-unmap.yaml');
      await page.selectOption('#scenario-choice', { label: 'scenarios/seeds/fault-vs-unmap.yaml' });
      // Either the new scenario is drawn or the page reports an error (then checked below).
      await page
        .locator('#scenario-name', { hasText: 'fault-vs-unmap.yaml' })
        .or(page.locator('body[data-ready="error"]'))
        .waitFor();
      expect(await page.locator('#error').innerText()).toBe('');
      expect(await page.locator('#position').innerText()).toBe('step 0 of 0');
      await page.locator('#enabled button').first().click();
      expect(await page.locator('#position').innerText()).toBe('step 1 of 1');
      expect(errors).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('should refuse a scenario naming a driver module, by the driver, before serving (exit 2)', async () => {
    const withModule = join(work, 'custom-driver.yaml');
    const driver = resolve('examples/drivers/minimal-driver.ts');
    writeFileSync(
      withModule,
      `name: custom-driver
processes:
  p1:
    vmas: [{ addr: 0x10000, length: 0x1000, prot: rw, type: private-anon }]
devices:
  gpu0: { driver: ${driver}, process: p1 }
threads:
  cpu: { process: p1, ops: [{ munmap: { addr: 0x10000, length: 0x1000 } }] }
`,
    );
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await cli('studio', withModule)).code).toBe(2);
      expect((await cli('studio', join(work, 'absent.yaml'))).code).toBe(2);
      expect((await cli('studio', SEED, '--port', '70000')).code).toBe(2);
      const said = stderr.mock.calls.map((c) => String(c[0]));
      expect(said[0]).toMatch(
        new RegExp(
          `^mirrorlab: .*custom-driver\\.yaml:6:\\d+: driver ${driver} is a driver module, which the studio's page cannot load`,
        ),
      );
      expect(said[1]).toMatch(/absent\.yaml: cannot read the scenario/);
      expect(said[2]).toMatch(/--port takes a port number, 1 to 65535 \(got '70000'\)/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('should serve as a command on 127.0.0.1 until interrupted, then exit 0', async () => {
    // No argument: the bundled seeds, to choose from.
    const child = spawn('node', ['bin/mirrorlab.mjs', 'studio'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((found, fail) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) found(m[1]);
        });
        child.once('exit', (code) => fail(new Error(`the studio exited (${code}) before serving: ${out}`)));
      });
      const input = (await (await fetch(`${url}studio/input.json`)).json()) as StudioInput;
      expect(input.choices?.map((c) => c.name)).toContain(SEED);
      expect(input.skipped).toEqual([]);
      const page = await fetch(url);
      expect([page.status, page.headers.get('content-security-policy')]).toEqual([
        200,
        expect.stringMatching(/^default-src 'self'/),
      ]);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
