/**
 * The driver corpus (issue 13, "Proof"): every driver of examples/drivers/corpus/corpus.yaml
 * gets, on the whole battery, exactly the verdict the manifest says it must. Each battery run
 * is a complete search of small scenarios, bounded by the manifest's maxStates per scenario.
 * A driver may stay inconclusive only in the scenarios of its `endlessIn`, where messages it
 * leaves unread pile up without end, and the search says so (src/explorer/search/pile-up.ts).
 * Drivers marked `pendingOn` get a wrong verdict today: their check is expected to fail until
 * the named fix lands (then vitest reports the `it.fails` as failing: drop the field).
 * Each driver also gets the checking mode of the monitor plan on the driver seeds (the part of
 * test/explorer/monitor-audit-drivers.test.ts for the corpus): here, where its module is
 * already probed and loaded, rather than probed and loaded again in a process of its own.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectPlanFaithful } from '../explorer/driver-plan-audit.ts';
import { batteryVerdict, verdictText } from './battery-verdict.ts';
import { CORPUS_DIR, loadCorpus } from './corpus-manifest.ts';

const corpus = loadCorpus();
const NO_WALL_CLOCK = 30 * 60_000; // bounded by states, not time: a slow machine must not fail it

describe('driver corpus manifest', () => {
  it('lists at least 12 buggy and 6 correct drivers, and every module of the corpus', () => {
    const listed = corpus.drivers.map((d) => d.file).sort();
    const onDisk = ['buggy', 'correct'].flatMap((dir) =>
      readdirSync(`${CORPUS_DIR}/${dir}`)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${dir}/${f}`),
    );
    expect(listed).toEqual(onDisk.sort());
    expect(listed.filter((f) => f.startsWith('buggy/')).length).toBeGreaterThanOrEqual(12);
    expect(listed.filter((f) => f.startsWith('correct/')).length).toBeGreaterThanOrEqual(6);
  });
});

describe('driver corpus verdicts on the battery', () => {
  for (const d of corpus.drivers) {
    const endless = Object.keys(d.endlessIn ?? {}).sort();
    const must = verdictText({ breaks: [...d.breaks].sort(), inconclusive: endless, crashed: [] });
    const run = d.pendingOn ? it.fails : it;
    run(
      `${d.name}: ${must}${d.pendingOn ? ` (pending on ${d.pendingOn.split(':')[0]})` : ''}`,
      async () => {
        const v = await batteryVerdict(`${CORPUS_DIR}/${d.file}`, corpus.maxStates);
        expect(verdictText(v)).toBe(must);
        // Inconclusive only where the search cannot end, and the cut-short line says why.
        for (const scenario of endless) {
          const pile = v.runs.find((r) => r.scenario === scenario)?.pileUp ?? '';
          const copies = / holds \d+ /;
          expect(pile.replace(copies, ' holds N ')).toBe(d.endlessIn![scenario].replace(copies, ' holds N '));
        }
      },
      NO_WALL_CLOCK,
    );
  }
});

describe('the checking mode of the monitor plan over the driver corpus', () => {
  // The manifest lists every module of the corpus (the first test): these are all of them.
  for (const d of corpus.drivers) {
    const module = `${CORPUS_DIR}/${d.file}`;
    it(`should find the monitor plan faithful with ${module}`, () => expectPlanFaithful(module));
  }
});
