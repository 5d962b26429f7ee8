/**
 * The API reference has no holes: `npm run docs` (TypeDoc over src/index.ts) finds every type a
 * public signature uses documented, exported with the rest or deliberately left out
 * (`@internal`, typedoc.json `intentionallyNotExported`, each with its reason at the
 * declaration). typedoc.json makes any warning an error, so here TypeDoc runs as `npm run docs`
 * does (TypeScript 6 under it, bin/typedoc-ts6.mjs) with `--emit none`: it converts and
 * validates, and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the API reference (npm run docs)', () => {
  it('should treat every TypeDoc warning, validation included, as an error', () => {
    const config = JSON.parse(readFileSync('typedoc.json', 'utf8'));
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.treatValidationWarningsAsErrors).toBe(true);
    expect(config.excludeInternal).toBe(true);
  });

  it('should build with no warning: no type of the public API referenced but left out', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', './bin/typedoc-ts6.mjs', 'node_modules/typedoc/bin/typedoc', '--emit', 'none'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    const output = `${run.stdout}${run.stderr}`;
    const problems = output.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
    expect(problems, output).toEqual([]);
    expect(run.status, output).toBe(0);
  }, 300_000);
});
