/**
 * The offline HTML report in headless Chromium (Debian's, through playwright-core): the page
 * loads nothing from the network, the keyboard steps through the counterexample, and what it
 * shows at a step (the arrow, the lit statechart states, seq values, page tables, locks) is
 * the model's state there. A screenshot is kept in a temporary folder.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../cli/run-cli.ts';
import { launchChromium } from '../support/chromium.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mirrorlab-report-'));
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a page from disk, failing on any request that is not for that file, or a script error. */
async function open(file: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== `file://${file}`) problems.push(`request ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`file://${file}`);
  expect(problems).toEqual([]);
  return page;
}

describe('mirrorlab report <trace.json>', () => {
  it('should step through the counterexample with the keyboard, showing each actor’s state', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const traces = join(tmp, 'traces');
    expect((await cli('check', 'scenarios/seeds/missing-set-seq.yaml', '--save-trace', `${traces}/`)).code).toBe(0);
    const trace = join(traces, 'missing-set-seq.stale-spte.json');
    const html = join(tmp, 'stale.html');
    const { code, out } = await cli('report', trace, '-o', html);
    expect(code).toBe(0);
    expect(out).toContain(html);
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);

    const page = await open(html);
    expect(await page.textContent('#step-no')).toBe('step 0 / 26');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await page.textContent('#step-no')).toBe('step 3 / 26');
    // Step 3 is thread:gpu submitting a job to the device: its arrow is the current row.
    expect(await page.textContent('#step-text')).toMatch(/^thread:gpu → dev:gpu0: dev\.submit/);
    expect(await page.getAttribute('g.step.current', 'data-step')).toBe('3');
    expect(
      await page.locator('.actor.acting').evaluateAll((els) => els.map((e) => e.getAttribute('data-actor'))),
    ).toEqual(['dev:gpu0', 'thread:gpu']);
    // The statecharts light the active states: both threads are running.
    const lit = (actor: string) =>
      page.locator(`.actor[data-actor="${actor}"] g.leaf.on`).evaluateAll((els) => els.map((e) => e.textContent));
    expect(await lit('thread:cpu')).toEqual(['running']);
    expect(await lit('lock:gpu0')).toEqual(['free']);
    expect(await page.textContent('#lock-table')).toContain('free');
    expect(await page.textContent('#cpu-table')).toMatch(/0x10000.*pfn=1001.*version=1/);

    // On to the first of the two steps whose reversal would save the run; then to the end.
    const race = await page
      .locator('g.step.race')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))));
    expect(race).toHaveLength(2);
    for (let i = 3; i < race[0]; i++) await page.keyboard.press('ArrowRight');
    expect(await page.textContent('#step-flags')).toMatch(/critical reordering: the race: step/);
    await page.keyboard.press('End');
    expect(await page.textContent('#step-no')).toBe('step 26 / 26');
    expect(await page.textContent('#step-flags')).toMatch(/✗ stale-spte \(reported after step \d+\)/);
    expect(await page.textContent('#device-table')).toMatch(/0x10000.*pfn=1001/);
    // The race's result: the CPU page was unmapped, the device still maps it.
    expect(await page.textContent('#cpu-table')).toContain('(empty)');
    expect(await page.textContent('#seq-table')).toMatch(/sub:gpu0/);
    await page.keyboard.press('ArrowLeft');
    expect(await page.textContent('#step-no')).toBe('step 25 / 26');
    expect(await page.textContent('.violation-note')).toMatch(/stale-spte after step \d+: dev:gpu0 still maps 0x10000/);

    const shot = join(tmp, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    await page.close();
    vi.restoreAllMocks();
  });

  it('should say what is wrong with a file that is not a trace', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { code } = await cli('report', 'package.json', '-o', join(tmp, 'x.html'));
    expect(code).toBe(2);
    expect(err.mock.calls.join('')).toMatch(/package\.json: not a mirrorlab trace: at format/);
    vi.restoreAllMocks();
  });
});

describe('mirrorlab check --report DIR', () => {
  it('should write a page per scenario and an index with the verdicts and the coverage', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = join(tmp, 'search');
    const { code } = await cli(
      'check',
      'scenarios/seeds/missing-set-seq.yaml',
      'scenarios/seeds/fault-vs-unmap.yaml',
      '--report',
      dir,
    );
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['fault-vs-unmap.html', 'index.html', 'missing-set-seq.html']);

    const index = await open(join(dir, 'index.html'));
    const rows = await index
      .locator('table.verdicts tr')
      .evaluateAll((trs) =>
        trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)),
      );
    expect(rows).toEqual([
      ['ok', 'missing-set-seq', 'stale-spte, use-after-free', 'stale-spte, use-after-free'],
      ['ok', 'fault-vs-unmap', 'pass', 'none'],
    ]);
    const coverage = await index.textContent('table.coverage');
    expect(coverage).toMatch(/rangeNotifier\s*sub:gpu0\s*4 \/ 5 \(80%\)/);
    await index.click('text=missing-set-seq');
    expect(index.url()).toMatch(/missing-set-seq\.html$/);
    // Two counterexamples: the picker switches between them.
    expect(await index.locator('#trace-picker option').count()).toBe(2);
    await index.selectOption('#trace-picker', '1');
    await index.keyboard.press('End');
    expect(await index.textContent('#step-flags')).toMatch(/✗ use-after-free/);
    await index.close();

    const passing = await open(join(dir, 'fault-vs-unmap.html'));
    expect(await passing.textContent('body')).toContain('No counterexample');
    expect(await passing.textContent('table.coverage')).toMatch(/driver-shadow-pte/);
    await passing.close();
  });
});

describe('the sequence diagram of a livelock', () => {
  it('should bracket the lasso’s loop and mark where the monitor reported it', async () => {
    const { sequenceSvg } = await import('../../src/report/html/sequence-svg.ts');
    const step = (n: number, actor: string, from: string) => ({
      n,
      kind: 'deliver' as const,
      actor,
      from,
      event: `e${n}`,
      change: '',
    });
    const svg = sequenceSvg({
      title: 't',
      violation: { kind: 'livelock', message: 'waits forever' },
      reportedAt: 4,
      steps: [step(1, 'a:x', 'b:x'), step(2, 'b:x', 'a:x'), step(3, 'a:x', 'b:x'), step(4, 'b:x', 'b:x')],
      frames: [],
      loopFrom: 1,
      actors: [
        { id: 'a:x', machine: 'm', group: 'a' },
        { id: 'b:x', machine: 'm', group: 'b' },
      ],
      machines: {},
    });
    expect(svg).toMatch(/<path class="loop" d="M48,92 h-10 V168 h10"\/>/);
    expect(svg).toContain('loop ↻');
    expect(svg).toMatch(/<g class="step violation" data-step="4">/);
    expect(svg).toContain('✗ livelock after step 4: waits forever');
    expect((svg.match(/class="group-label"/g) ?? []).length).toBe(2);
  });
});
