/**
 * Kernel citations a reader can follow (issue 11 item 7): every `§N.M` in the repository's
 * sources, docs and scenarios cites docs/kernel-semantics.md (the file `kernel-model.md` they
 * once cited was a private spec, not shipped), and names a section that exists there; `§7 item N`
 * names one of its numbered invariants and `§6.2 test N` / `§6.3 test N` one of its selftests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const DOC = 'docs/kernel-semantics.md';
const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage', 'scratch', 'traces', 'tmp']);
/** Generated: the API reference (`npm run docs`). */
const GENERATED = join(ROOT, 'docs', 'api');
const TEXT = /\.(ts|mts|mjs|js|md|yaml|yml)$/;

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (SKIP.has(e.name) || p === GENERATED) continue;
    if (e.isDirectory()) files(p, out);
    else if (TEXT.test(e.name)) out.push(p);
  }
  return out;
}

/** The sections of the doc (from its `## §N` / `### §N.M` headings) and the numbered lists of §6.2, §6.3 and §7. */
function targets(): { sections: Set<string>; numbered: Map<string, Set<number>> } {
  const sections = new Set<string>();
  const numbered = new Map<string, Set<number>>();
  let current = '';
  for (const line of readFileSync(join(ROOT, DOC), 'utf8').split('\n')) {
    const heading = /^#{2,3} §(\d+(?:\.\d+)?) /.exec(line);
    if (heading) {
      current = heading[1];
      sections.add(current);
      continue;
    }
    const item = /^(\d+)\. /.exec(line);
    if (item && ['6.2', '6.3', '7'].includes(current)) {
      if (!numbered.has(current)) numbered.set(current, new Set());
      numbered.get(current)?.add(Number(item[1]));
    }
  }
  return { sections, numbered };
}

/** `1–4, 8` → [1, 2, 3, 4, 8]. */
function numbers(list: string): number[] {
  return list.split(/,\s*/).flatMap((part) => {
    const [a, b] = part.split(/[–-]/).map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

// §1.3, §4.4–4.7, §1.1–§1.3, then optionally "item(s) 1–4, 8" or "test 14".
const CITATION =
  /§(\d+(?:\.\d+)?)(?:[–-]§?(\d+(?:\.\d+)?))?(?:\s+(items?|test)\s+(\d+(?:[–-]\d+)?(?:,\s*\d+(?:[–-]\d+)?)*))?/g;

describe(`kernel citations (${DOC})`, () => {
  const { sections, numbered } = targets();
  const all = files(ROOT);

  it('should number its sections like the citations: §0–§7 with every subsection', () => {
    // §N followed by its subsections §N.1 … §N.count.
    const chapter = (n: number, count: number) => [`${n}`, ...Array.from({ length: count }, (_, i) => `${n}.${i + 1}`)];
    const expected = ['0', ...[10, 5, 5, 10, 11, 4].flatMap((count, i) => chapter(i + 1, count)), '7'];
    expect([...sections]).toEqual(expected);
    expect([...(numbered.get('7') ?? [])]).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect([...(numbered.get('6.2') ?? []), ...(numbered.get('6.3') ?? [])]).toEqual(
      Array.from({ length: 22 }, (_, i) => i + 1),
    );
  });

  it('should find every cited section (and §7 item, §6.x test) in the doc', () => {
    const broken: string[] = [];
    let count = 0;
    for (const file of all) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const m of line.matchAll(CITATION)) {
          count++;
          const where = `${relative(ROOT, file)}:${i + 1}: ${m[0]}`;
          for (const s of [m[1], m[2]]) if (s !== undefined && !sections.has(s)) broken.push(`${where} (no §${s})`);
          if (m[4] === undefined) continue;
          const list = numbered.get(m[3] === 'test' ? m[1] : '7');
          if (m[3] !== 'test' && m[1] !== '7') broken.push(`${where} (items belong to §7)`);
          for (const n of numbers(m[4])) if (!list?.has(n)) broken.push(`${where} (no ${m[3]} ${n} there)`);
        }
      });
    }
    expect(count).toBeGreaterThan(200);
    expect(broken).toEqual([]);
  });

  it('should cite the shipped doc, never the private `kernel-model.md`', () => {
    const stale: string[] = [];
    for (const file of all) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/kernel-model(\.md)?\s*§/.test(line) || /kernel-model\.md/.test(line.replace(/`kernel-model\.md`/g, '')))
            stale.push(`${relative(ROOT, file)}:${i + 1}`);
        });
    }
    expect(stale).toEqual([]);
  });
});
