/**
 * The JSON Schema for YAML editors (src/scenario/json-schema.ts): the shipped copy is what the
 * generator makes now, every bundled scenario names it and passes it under a real JSON Schema
 * validator (ajv), and the schema and the loader agree on what they reject and accept.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is the scenario language's param syntax, in plain strings
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { compileScenario } from '../../src/scenario/compile.ts';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario/json-schema.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { VERB_NAMES } from '../../src/scenario/operations.ts';
import { cli } from '../cli/run-cli.ts';

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(scenarioJsonSchema());

/** The document as the loader and yaml-language-server read it (YAML 1.2, core schema). */
function yamlToJs(text: string): unknown {
  return parseDocument(text).toJS();
}

function schemaErrors(text: string): string[] {
  return validate(yamlToJs(text))
    ? []
    : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
}

/** What `mirrorlab check` does with a file before it explores: parse, expand, validate, compile. */
async function loaderError(text: string, file = 'scenarios/t.yaml'): Promise<string | null> {
  try {
    await compileScenario(parseScenario(text, file));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return name.endsWith('.yaml') ? [path] : [];
    })
    .sort();
}

const BUNDLED = yamlFiles('scenarios');
const FIXTURES = yamlFiles('test/scenarios/fixtures');

describe('the scenario JSON Schema', () => {
  it('should be shipped as generated now (run `npm run schema` after changing src/scenario/schema.ts)', () => {
    expect(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchemaText());
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.files).toContain(dirname(SCENARIO_SCHEMA_FILE));
  });

  it('should be printed by `mirrorlab schema` and written by `mirrorlab schema -o FILE`', async () => {
    const printed = await cli('schema');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.out)).toEqual(scenarioJsonSchema());
    const file = join(mkdtempSync(join(tmpdir(), 'mirrorlab-schema-')), 'scenario.schema.json');
    const written = await cli('schema', '-o', file);
    expect(written.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('should be a valid draft-07 schema that names every verb of the compiler', () => {
    expect(ajv.validateSchema(scenarioJsonSchema())).toBe(true);
    const verbs = Object.keys(scenarioJsonSchema().definitions.operation.properties);
    expect(verbs.sort()).toEqual([...VERB_NAMES, 'repeat'].sort());
    for (const verb of VERB_NAMES)
      expect(scenarioJsonSchema().definitions.operation.properties[verb].description).toBeTruthy();
  });

  it.each(BUNDLED)('%s should name the schema in its first line', (file) => {
    const first = readFileSync(file, 'utf8').split('\n')[0];
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m, `first line of ${file}`).not.toBeNull();
    const target = resolve(dirname(file), m![1]);
    expect(relative(process.cwd(), target)).toBe(SCENARIO_SCHEMA_FILE);
    expect(existsSync(target)).toBe(true);
  });

  it.each([...BUNDLED, ...FIXTURES])('%s should pass the JSON Schema and the loader', async (file) => {
    const text = readFileSync(file, 'utf8');
    expect(schemaErrors(text)).toEqual([]);
    expect(() => parseScenario(text, file)).not.toThrow();
  });
});

const good = `
params: { base: 0x10000, n: 2, kind: shared-anon, bug: missing-set-seq }
processes:
  p1:
    vmas: [{ addr: '\${base}', length: 0x1000, type: '\${kind}' }]
devices:
  gpu\${i}: { driver: shadow-pte, process: p1, replicas: '\${n}', bugs: ['\${bug}'] }
fences:
  f: { seqno: '\${n}' }
threads:
  cpu:
    process: p1
    ops:
      - munmap: { addr: '\${base}', length: 0x1000, expect: { result: 0 } }
  drv\${i}:
    replicas: 2
    ops:
      - repeat: { times: '\${n}', as: c, ops: [{ fault: { device: 'gpu\${i}', addr: 0x10000 } }] }
      - exit:
`;

/** Bad scenarios, each a change to `good` that the loader rejects, with what it says. */
const BAD: [what: string, from: string, to: string, loaderSays: RegExp][] = [
  ['an unknown prot', "type: '${kind}' }", "type: '${kind}', prot: rwx }", /prot/],
  ['a misspelt section', 'fences:', 'fence:', /Unrecognized key: "fence"/],
  ['an op with two verbs', '- exit:', '- { exit: {}, oomReap: {} }', /exactly one verb/],
  ['an unknown verb', '- exit:', '- exitt:', /unknown operation 'exitt'/],
  ['replicas on a name without ${i}', "f: { seqno: '${n}' }", "f: { seqno: '${n}', replicas: 2 }", /replicas/],
  ['a bad address', 'length: 0x1000, type', 'length: 12k, type', /vmas\.0\.length/],
  ['an unknown property kind', 'threads:', 'expect: { violations: [stale-pte] }\nthreads:', /expect\.violations\.0/],
  ['a device without a driver', 'driver: shadow-pte, ', '', /driver/],
  ['a repeat without times', "times: '${n}', ", '', /repeat/],
  ['an unknown key in a thread', '  cpu:\n    process: p1\n', '  cpu:\n    process: p1\n    opz: []\n', /opz/],
];

describe('the JSON Schema and the loader', () => {
  it('should both accept params, replicas and repeat in a scenario as written', async () => {
    expect(schemaErrors(good)).toEqual([]);
    expect(await loaderError(good)).toBeNull();
  });

  it.each(BAD)('should both reject %s', async (_what, from, to, loaderSays) => {
    expect(good).toContain(from);
    const bad = good.replace(from, to);
    expect(schemaErrors(bad)).not.toEqual([]);
    expect(await loaderError(bad)).toMatch(loaderSays);
  });
});

describe('where the JSON Schema and the loader differ (docs/scenarios.md, "Editor support")', () => {
  it('should leave names that refer to other entries to the compiler', async () => {
    const bad = good.replace("device: 'gpu${i}'", 'device: gpu9');
    expect(schemaErrors(bad)).toEqual([]);
    expect(await loaderError(bad)).toMatch(/no device 'gpu9'/);
  });

  it('should want an object written out where the loader also takes an object param', async () => {
    const text = good
      .replace('params: {', 'params: { sub: { start: 0x10000, length: 0x1000 },')
      .replace('process: p1, replicas', "process: p1, subscription: '${sub}', replicas");
    expect(schemaErrors(text)).not.toEqual([]);
    expect(await loaderError(text)).toBeNull();
  });

  it('should mark a key beside repeat, which the loader drops', async () => {
    const text = good.replace("- repeat: { times: '${n}'", "- label: x\n        repeat: { times: '${n}'");
    expect(schemaErrors(text)).not.toEqual([]);
    expect(await loaderError(text)).toBeNull();
  });
});
