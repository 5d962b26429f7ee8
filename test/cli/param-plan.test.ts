/**
 * planParams (src/cli/param-plan.ts) on files the CLI tests do not reach: params declared through
 * an alias, a file that cannot be read as YAML, and files that declare no param at all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planParams } from '../../src/cli/param-plan.ts';

function files(texts: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlab-param-plan-'));
  return Object.entries(texts).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
}

describe('planParams', () => {
  it('gives each file the params it declares, also through an alias', () => {
    const [a, b, c] = files({
      'a.yaml': 'name: a\nparams: { rounds: 3, ndrv: 1 }\n',
      'b.yaml': 'name: b\nshared: &p { retries: 2 }\nparams: *p\n',
      'c.yaml': 'name: c\n',
    });
    const plan = planParams([a, b, c], { rounds: 1, retries: 0 });
    expect([plan.get(a), plan.get(b), plan.get(c)]).toEqual([{ rounds: 1 }, { retries: 0 }, {}]);
  });

  it('gives an unreadable file every param (its load says what is wrong) and names it in a refusal', () => {
    const [good, broken] = files({ 'good.yaml': 'name: g\nparams: { rounds: 3 }\n', 'broken.yaml': 'name: [\n' });
    expect(planParams([good, broken], { rounds: 1 }).get(broken)).toEqual({ rounds: 1 });
    expect(() => planParams([good, broken], { ndrv: 2 })).toThrow(
      `--param ndrv: no scenario of this check declares it (1 file(s): ${good}); ${broken} could not be read as YAML, so what it declares is unknown: pass a param they declare (rounds: ${good}), or drop --param ndrv`,
    );
    // No guess for a name far from every declared one; one for a name a letter off.
    expect(() => planParams([good], { round: 1, x: 2 })).toThrow(
      `${good}: --param round and --param x are not params of this scenario (it has: rounds): did you mean --param rounds? Else pass one of those, or drop --param round and --param x`,
    );
    // Nothing readable: nothing to judge by, each file reports its own error.
    expect(planParams([broken], { ndrv: 2 }).get(broken)).toEqual({ ndrv: 2 });
  });

  it('says so when no file declares any param', () => {
    const [a, b] = files({ 'a.yaml': 'name: a\n', 'b.yaml': 'name: b\nparams: {}\n' });
    expect(() => planParams([a, b], { rounds: 1, ndrv: 2 })).toThrow(
      /^--param rounds and --param ndrv: no scenario of this check declares them \(2 file\(s\): .*\): none of them declares any param: drop --param rounds and --param ndrv$/,
    );
  });
});
