import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus-manifest.ts';

function manifestFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'corpus-')), 'corpus.yaml');
  writeFileSync(file, text);
  return file;
}

const entry = (fields: string) => `maxStates: 1000\ndrivers:\n  d1:\n${fields}`;
const good = '    file: buggy/x.ts\n    today: keeps all\n    description: d\n    source: s\n';

describe('corpus manifest errors', () => {
  it('names the file, the entry and the field of a bad property, and says where the fields are listed', () => {
    const file = manifestFile(entry(`${good}    breaks: [stale-pte]\n`));
    expect(() => loadCorpus(file)).toThrow(`${file}: drivers.d1.breaks.0: `);
    expect(() => loadCorpus(file)).toThrow(/see the field list at the top of the file/);
  });

  it('rejects unknown fields and missing files with the fix', () => {
    expect(() => loadCorpus(manifestFile(entry(`${good}    breaks: []\n    expect: []\n`)))).toThrow(/drivers\.d1: /);
    expect(() => loadCorpus(manifestFile(entry(`${good}    breaks: [deadlock]\n`)))).toThrow(
      /drivers\.d1\.file: buggy\/x\.ts does not exist next to it; fix the path/,
    );
  });

  it('reports YAML syntax errors with the file', () => {
    const file = manifestFile('drivers: [\n');
    expect(() => loadCorpus(file)).toThrow(`${file}: not valid YAML`);
  });
});
