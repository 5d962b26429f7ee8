/**
 * The CI outputs (issue 11 item 3, docs/ci.md): each command's `--json` is its versioned shape,
 * valid against its JSON Schema in schema/ (read by ajv, not by the code that writes it); `check
 * --sarif` is valid against the SARIF 2.1.0 subset schema and points at the scenario and the
 * driver module; `check --junit` has the structure of the JUnit XSD and a test case per scenario
 * × property, failing, skipped and in error where it must.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cliWithStderr as cli } from './run-cli.ts';

const ajv = new Ajv({ allErrors: true, strict: true });
// The two formats the SARIF schema uses (ajv-formats is not a dependency).
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
ajv.addFormat('uri-reference', /^[^\s]*$/);

function valid(schema: string, data: unknown): void {
  const validate = ajv.compile(JSON.parse(readFileSync(`schema/${schema}.schema.json`, 'utf8')));
  const ok = validate(data);
  expect(ok ? [] : validate.errors).toEqual([]);
}

const SEEDS = 'scenarios/seeds';
const DRIVER = 'examples/drivers/early-return-driver.ts';
const tmp = () => mkdtempSync(join(tmpdir(), 'mirrorlab-ci-'));

/** Elements by tag under `el`, as an array. */
const all = (el: { getElementsByTagName(tag: string): unknown }, tag: string) =>
  Array.from(el.getElementsByTagName(tag) as ArrayLike<Element>);

/**
 * The structure of the JUnit XSD (the Jenkins/Ant junit schema): <testsuites> of <testsuite name
 * tests> of <testcase name classname>, each with at most one of <failure>, <error>, <skipped>;
 * the counts on each suite and on the root are those of its cases.
 */
function junitCases(xml: string): { suite: string; name: string; outcome: string; message: string }[] {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => errors.push(`${level}: ${msg}`) }).parseFromString(
    xml,
    'text/xml',
  );
  expect(errors).toEqual([]);
  const root = doc.documentElement!;
  expect(root.tagName).toBe('testsuites');
  const cases: { suite: string; name: string; outcome: string; message: string }[] = [];
  const counts = (list: { outcome: string }[]) => ({
    tests: String(list.length),
    failures: String(list.filter((c) => c.outcome === 'failure').length),
    errors: String(list.filter((c) => c.outcome === 'error').length),
    skipped: String(list.filter((c) => c.outcome === 'skipped').length),
  });
  const attrs = (el: Element) => ({
    tests: el.getAttribute('tests'),
    failures: el.getAttribute('failures'),
    errors: el.getAttribute('errors'),
    skipped: el.getAttribute('skipped'),
  });
  for (const suite of all(root, 'testsuite')) {
    expect(suite.parentNode).toBe(root);
    expect(suite.getAttribute('name')).toBeTruthy();
    expect(Number(suite.getAttribute('time'))).toBeGreaterThanOrEqual(0);
    const mine = all(suite, 'testcase').map((tc) => {
      expect(tc.getAttribute('name')).toBeTruthy();
      expect(tc.getAttribute('classname')).toBe(suite.getAttribute('name'));
      const kids = Array.from(tc.childNodes).filter((n) => n.nodeType === 1) as unknown as Element[];
      expect(kids.length).toBeLessThanOrEqual(1);
      for (const k of kids) expect(['failure', 'error', 'skipped']).toContain(k.tagName);
      const outcome = kids[0]?.tagName ?? 'pass';
      return {
        suite: suite.getAttribute('name')!,
        name: tc.getAttribute('name')!,
        outcome,
        message: kids[0]?.getAttribute('message') ?? '',
      };
    });
    expect(attrs(suite)).toEqual(counts(mine));
    cases.push(...mine);
  }
  expect(attrs(root)).toEqual(counts(cases));
  return cases;
}

describe('check: --json, --junit and --sarif', () => {
  it('should write the mirrorlab.check shape and a JUnit case per scenario × property, with an error for a bad file', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\npageSize: 3000\n');
    const junit = join(dir, 'junit.xml');
    const sarif = join(dir, 'results.sarif');
    const r = await cli(
      ...['check', `${SEEDS}/missing-set-seq.yaml`, 'scenarios/profiles/shadow-pte.yaml', bad, '--max-states', '500'],
      ...['--json', '--junit', junit, '--sarif', sarif],
    );
    expect(r.code).toBe(2);
    const json = JSON.parse(r.out);
    valid('mirrorlab.check', json);
    expect(json).toMatchObject({ format: 'mirrorlab.check', version: 1, exitCode: 2 });
    expect(json.totals).toEqual({
      scenarios: 3,
      ok: 1,
      mismatch: 0,
      inconclusive: 1,
      skipped: 0,
      errors: 1,
      violations: 2,
    });
    const cases = junitCases(readFileSync(junit, 'utf8'));
    const of = (suite: string) => cases.filter((c) => c.suite === suite);
    // The planted bugs are expected: found, they pass; every other property passes too.
    expect(of('missing-set-seq').every((c) => c.outcome === 'pass')).toBe(true);
    expect(of('missing-set-seq').map((c) => c.name)).toEqual(
      expect.arrayContaining(['stale-spte', 'deadlock', 'expectation']),
    );
    // Cut short: nothing shown absent, so every property is skipped as inconclusive.
    expect(new Set(of('profile-shadow-pte').map((c) => c.outcome))).toEqual(new Set(['skipped']));
    expect(of('profile-shadow-pte')[0].message).toMatch(/^inconclusive: .*--max-states 500/);
    expect(of(bad)).toEqual([
      {
        suite: bad,
        name: 'load',
        outcome: 'error',
        message: expect.stringMatching(/bad\.yaml: the scenario does not match the schema: .*at processes/),
      },
    ]);
    const report = JSON.parse(readFileSync(sarif, 'utf8'));
    valid('sarif-2.1.0-subset', report);
    const results = report.runs[0].results;
    expect(results.map((x: { ruleId: string; level: string }) => `${x.ruleId} ${x.level}`).sort()).toEqual([
      'stale-spte note',
      'use-after-free note',
    ]);
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(`${SEEDS}/missing-set-seq.yaml`);
    expect(report.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false });
  });

  it('should fail the JUnit case of a property a driver breaks and point SARIF at the scenario and the module', async () => {
    const dir = tmp();
    const junit = join(dir, 'junit.xml');
    const sarif = join(dir, 'results.sarif');
    const args = [
      'check',
      `${SEEDS}/fault-vs-unmap.yaml`,
      '--driver',
      DRIVER,
      '--json',
      '--junit',
      junit,
      '--sarif',
      sarif,
    ];
    const r = await cli(...args);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    valid('mirrorlab.check-driver', json);
    expect(json).toMatchObject({ format: 'mirrorlab.check-driver', exitCode: 1, totals: { scenarios: 1 } });
    const broken = json.properties
      .filter((p: { verdict: string }) => p.verdict === 'BREAKS')
      .map((p: { property: string }) => p.property);
    expect(broken).toContain('stale-spte');
    expect(json.totals.breaks).toBe(broken.length);
    expect(json.totals.keeps + json.totals.breaks + json.totals.inconclusive).toBe(json.totals.properties);
    const failed = junitCases(readFileSync(junit, 'utf8')).filter((c) => c.outcome !== 'pass');
    expect(failed.map((c) => `${c.suite} ${c.name} ${c.outcome}`)).toEqual(
      broken.map((p: string) => `fault-vs-unmap ${p} failure`),
    );
    expect(failed[0].message).toMatch(/^\S+ broken: /);
    const report = JSON.parse(readFileSync(sarif, 'utf8'));
    valid('sarif-2.1.0-subset', report);
    const result = report.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'stale-spte');
    expect(result).toMatchObject({ level: 'error' });
    expect(
      result.locations.map(
        (l: { physicalLocation: { artifactLocation: { uri: string } } }) => l.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual([`${SEEDS}/fault-vs-unmap.yaml`, DRIVER]);
    // A report file is not overwritten without --force, and that is known before the search.
    const again = await cli(...args);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/--junit .*junit\.xml: the file exists; pass --force/);
  });
});

describe('run, replay and conformance --json', () => {
  it('should give each its versioned shape, valid against its schema', async () => {
    const run = JSON.parse((await cli('run', `${SEEDS}/missing-set-seq.yaml`, '--seed', '3', '--json')).out);
    valid('mirrorlab.run', run);
    expect(run).toMatchObject({ format: 'mirrorlab.run', version: 1 });
    expect(run.totals.steps).toBe(run.timeline.length);
    const dir = tmp();
    await cli('check', `${SEEDS}/missing-set-seq.yaml`, '--save-trace', `${dir}/`);
    const replay = await cli('replay', join(dir, 'missing-set-seq.stale-spte.json'), '--json');
    const rj = JSON.parse(replay.out);
    valid('mirrorlab.replay', rj);
    expect(rj).toMatchObject({
      format: 'mirrorlab.replay',
      exitCode: 0,
      totals: { reproduced: 1 },
      verdict: 'reproduced',
    });
    expect(rj.madeBy).toMatch(/^mirrorlab /);
    const conf = JSON.parse((await cli('conformance', '--only', 'open_close', '--json')).out);
    valid('mirrorlab.conformance', conf);
    expect(conf).toMatchObject({
      format: 'mirrorlab.conformance',
      exitCode: 0,
      // Two variants (device-private, device-coherent) on each kernel version it admits (v6.12, upstream).
      totals: { tests: 4, passed: 4, failed: 0 },
    });
  });
});
