import { describe, expect, it } from 'vitest';
import {
  type DriverRun,
  EXIT,
  judgeProperties,
  judgeScenario,
  livenessGap,
  propertiesExitCode,
  type ScenarioFindings,
  scenariosExitCode,
} from '../../src/check/verdict.ts';
import type { SearchStats } from '../../src/explorer/search-types.ts';

const complete: SearchStats = {
  states: 500,
  transitions: 900,
  schedules: 0,
  elapsedMs: 1,
  complete: true,
  statesPerSecond: 1,
  maxDepthReached: 30,
  xstateSteps: 10,
};
const cutShort: SearchStats = { ...complete, states: 100, complete: false, stoppedBy: 'max-states' };
const sampled: SearchStats = { ...complete, schedules: 40, complete: false, stoppedBy: 'schedules' };

function judge(over: Partial<Omit<ScenarioFindings, 'found' | 'seen'>> & { found?: string[]; seen?: string[] }) {
  return judgeScenario({
    expected: [],
    expectedObservations: [],
    stats: complete,
    limits: { maxStates: 100 },
    ...over,
    found: new Set(over.found ?? []),
    seen: new Set(over.seen ?? []),
  });
}

describe('judgeScenario', () => {
  it('should pass a clean scenario only when its search was complete', () => {
    expect(judge({}).verdict).toBe('ok');
    const cut = judge({ stats: cutShort });
    expect(cut.verdict).toBe('inconclusive');
    expect(cut.inconclusive).toBe('nothing violated in 100 states, stopped at --max-states 100; raise --max-states');
  });

  it('should take a planted bug found early as a match: a found violation is real', () => {
    const r = judge({ expected: ['stale-spte'], found: ['stale-spte'], stats: cutShort });
    expect(r).toEqual({ verdict: 'ok', mismatch: null, inconclusive: null });
  });

  it('should keep an expected violation not found yet open until the search is complete', () => {
    const cut = judge({ expected: ['stale-spte', 'use-after-free'], found: ['stale-spte'], stats: cutShort });
    expect(cut.verdict).toBe('inconclusive');
    expect(cut.inconclusive).toMatch(/^expected but not found yet \(use-after-free\) in 100 states/);
    const done = judge({ expected: ['stale-spte', 'use-after-free'], found: ['stale-spte'] });
    expect(done).toMatchObject({ verdict: 'mismatch', mismatch: 'expected but not found: use-after-free' });
  });

  it('should call an unexpected violation a mismatch however the search ended', () => {
    expect(judge({ found: ['deadlock'], stats: cutShort }).mismatch).toBe('found but not expected: deadlock');
    expect(judge({ expected: ['stale-spte'], found: ['deadlock'], stats: sampled }).verdict).toBe('mismatch');
  });

  it('should wait for an expected observation like for an expected violation', () => {
    expect(judge({ expectedObservations: ['stale-data'], stats: cutShort }).inconclusive).toMatch(
      /^expected observation not seen yet \(stale-data\)/,
    );
    expect(judge({ expectedObservations: ['stale-data'] }).verdict).toBe('mismatch');
    const seen = { expectedObservations: ['stale-data'], seen: ['stale-data'], stats: cutShort };
    expect(judge({ ...seen, expected: ['stale-spte'], found: ['stale-spte'] }).verdict).toBe('ok');
    // Seen, but a clean scenario still needs the whole space to show that nothing breaks.
    expect(judge(seen).verdict).toBe('inconclusive');
  });

  it('should not pass a clean sampling run unless the scenario accepts sampling', () => {
    const r = judge({ stats: sampled });
    expect(r.verdict).toBe('inconclusive');
    expect(r.inconclusive).toMatch(/in 40 schedules sampled \(500 states\); sampling never proves absence/);
    expect(judge({ stats: sampled, acceptSampling: true }).verdict).toBe('ok');
    // Accepting sampling is no licence to stop early for another reason.
    expect(judge({ stats: { ...sampled, stoppedBy: 'time' }, acceptSampling: true }).verdict).toBe('inconclusive');
  });

  it('should leave livelock open when the liveness graph was cut short, even after a complete search', () => {
    const cut = judge({ liveness: { states: 100, complete: false } });
    expect(cut.verdict).toBe('inconclusive');
    expect(cut.inconclusive).toBe(
      'livelock not ruled out: the liveness graph stopped at 100 states (--max-states 100); raise --max-states',
    );
    expect(judge({ liveness: { states: 500, complete: true } }).verdict).toBe('ok');
    // A livelock found on a cut graph is real; one expected and missing stays open, not a mismatch.
    const found = judge({ expected: ['livelock'], found: ['livelock'], liveness: { states: 100, complete: false } });
    expect(found.verdict).toBe('ok');
    const missing = judge({ expected: ['livelock'], liveness: { states: 100, complete: false } });
    expect(missing.verdict).toBe('inconclusive');
    expect(missing.inconclusive).toMatch(/^expected but not found yet \(livelock\): the liveness graph stopped/);
    const done = judge({ expected: ['livelock'], liveness: { states: 500, complete: true } });
    expect(done).toMatchObject({ verdict: 'mismatch', mismatch: 'expected but not found: livelock' });
  });

  it('should say when time or an interrupt, not --max-states, cut the liveness pass short', () => {
    const late = judge({ liveness: { states: 300, complete: false, stoppedBy: 'time' }, limits: { timeLimit: 5 } });
    expect(late).toMatchObject({
      verdict: 'inconclusive',
      inconclusive:
        'livelock not ruled out: the liveness pass ran out of time (--time 5) with its graph at 300 states; raise --time',
    });
    expect(livenessGap({ states: 300, complete: false, stoppedBy: 'interrupted' })).toBe(
      'the liveness pass was stopped by an interrupt (SIGINT/SIGTERM) with its graph at 300 states; let it run to the end',
    );
    // A livelock found before the stop is real.
    const found = { expected: ['livelock'], found: ['livelock'] };
    expect(judge({ ...found, liveness: { states: 300, complete: false, stoppedBy: 'time' } }).verdict).toBe('ok');
  });

  it('should not judge livelock without a liveness pass unless the scenario expects one', () => {
    expect(judge({ liveness: null }).verdict).toBe('ok');
    const r = judge({ expected: ['livelock'], liveness: null });
    expect(r.verdict).toBe('inconclusive');
    expect(r.inconclusive).toMatch(/no liveness pass ran/);
  });

  it('should give exit 1 for any mismatch, else 3 for anything inconclusive, else 0', () => {
    expect(scenariosExitCode(['ok', 'skipped'])).toBe(EXIT.ok);
    expect(scenariosExitCode(['ok', 'inconclusive'])).toBe(3);
    expect(scenariosExitCode(['inconclusive', 'mismatch'])).toBe(1);
  });
});

describe('judgeProperties', () => {
  const run = (
    scenario: string,
    stats: SearchStats,
    kinds: string[] = [],
    skipped: string | null = null,
  ): DriverRun => ({
    scenario,
    skipped,
    violations: kinds.map((kind) => ({ kind })),
    stats,
  });

  it('should say keeps only when every run that fits the driver was complete', () => {
    const judged = judgeProperties(
      ['stale-spte', 'deadlock'],
      [run('a', complete), run('b', complete), run('c', cutShort, [], 'the driver takes no drv.submit')],
    );
    expect(judged).toEqual([
      { property: 'stale-spte', verdict: 'keeps', scenarios: ['a', 'b'] },
      { property: 'deadlock', verdict: 'keeps', scenarios: ['a', 'b'] },
    ]);
    expect(propertiesExitCode(judged)).toBe(0);
  });

  it('should list where a property broke and which runs left the others open', () => {
    const judged = judgeProperties(
      ['stale-spte', 'deadlock'],
      [run('a', complete, ['stale-spte']), run('b', cutShort, ['stale-spte']), run('c', cutShort)],
    );
    expect(judged).toEqual([
      { property: 'stale-spte', verdict: 'BREAKS', scenarios: ['a', 'b'] },
      { property: 'deadlock', verdict: 'inconclusive', scenarios: ['b', 'c'] },
    ]);
    expect(propertiesExitCode(judged)).toBe(1);
    expect(propertiesExitCode(judged.slice(1))).toBe(3);
  });

  it('should count only violations charged to the driver as BREAKS, and list the environment ones apart', () => {
    const env = { to: 'environment' as const };
    const runs: DriverRun[] = [
      { scenario: 'a', skipped: null, stats: complete, violations: [{ kind: 'deadlock', charge: env }] },
      { scenario: 'b', skipped: null, stats: complete, violations: [{ kind: 'stale-spte', charge: { to: 'driver' } }] },
      { scenario: 'c', skipped: null, stats: complete, violations: [{ kind: 'stale-spte', charge: env }] },
    ];
    const judged = judgeProperties(['deadlock', 'stale-spte'], runs);
    expect(judged).toEqual([
      { property: 'deadlock', verdict: 'keeps', scenarios: ['a', 'b', 'c'], environment: ['a'] },
      { property: 'stale-spte', verdict: 'BREAKS', scenarios: ['b'], environment: ['c'] },
    ]);
    expect(propertiesExitCode(judged.slice(0, 1))).toBe(0);
    // An uncharged violation is the driver's: nothing is excused that was not charged elsewhere.
    const [p] = judgeProperties(['deadlock'], [run('a', complete, ['deadlock'])]);
    expect(p.verdict).toBe('BREAKS');
  });

  it('should not say a driver keeps livelock when a liveness pass was cut short or did not run', () => {
    const liveCut: DriverRun = { ...run('a', complete), liveness: { states: 100, complete: false } };
    const liveDone: DriverRun = { ...run('b', complete), liveness: { states: 500, complete: true } };
    const judged = judgeProperties(['stale-spte', 'livelock'], [liveCut, liveDone]);
    expect(judged).toEqual([
      { property: 'stale-spte', verdict: 'keeps', scenarios: ['a', 'b'] },
      { property: 'livelock', verdict: 'inconclusive', scenarios: ['a'] },
    ]);
    expect(propertiesExitCode(judged)).toBe(3);
    const none = judgeProperties(['livelock'], [{ ...run('a', complete), liveness: null }]);
    expect(none[0].verdict).toBe('inconclusive');
    const broke = judgeProperties(['livelock'], [{ ...liveCut, violations: [{ kind: 'livelock' }] }, liveDone]);
    expect(broke).toEqual([{ property: 'livelock', verdict: 'BREAKS', scenarios: ['a'] }]);
    expect(propertiesExitCode(broke)).toBe(1);
    expect(judgeProperties(['livelock'], [liveDone])[0].verdict).toBe('keeps');
  });

  it('should not say keeps when no scenario fits the driver', () => {
    const [p] = judgeProperties(['deadlock'], [run('a', complete, [], 'the driver takes no drv.submit')]);
    expect(p).toEqual({ property: 'deadlock', verdict: 'inconclusive', scenarios: [] });
  });
});
