/**
 * Every export of the package's entry (src/index.ts) has TSDoc with an `@example` at its
 * declaration (issue 11 item 8), which is what `npm run docs` (TypeDoc) renders, and every
 * example type-checks against the package's API. TypeScript 7 has no JS API, so the declarations
 * are read with the TypeScript 6 compiler API that TypeDoc itself runs on (the `typescript-6`
 * devDependency, see README "Choices made").
 */

import ts from 'typescript-6';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
};

interface Documented {
  name: string;
  /** Where it is declared, `file:line`. */
  at: string;
  /** The `ts` code blocks of its `@example` tags. */
  examples: string[];
}

/** The exports of src/index.ts with their examples. */
function entryExports(program: ts.Program): Documented[] {
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile('src/index.ts');
  const module = entry && checker.getSymbolAtLocation(entry);
  if (!module) throw new Error('src/index.ts is not a module');
  return checker.getExportsOfModule(module).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    if (!decl) return { name: s.name, at: '?', examples: [] };
    const file = decl.getSourceFile();
    const at = `${file.fileName.replace(`${ROOT}/`, '')}:${file.getLineAndCharacterOfPosition(decl.getStart()).line + 1}`;
    // `export * as ns from './file'`: the namespace's doc is the file's first comment (TypeDoc's module comment).
    const texts = ts.isSourceFile(decl)
      ? [/^\s*\/\*\*([\s\S]*?)\*\//.exec(decl.text)?.[1].replace(/^\s*\* ?/gm, '') ?? ''].filter((t) =>
          t.includes('@example'),
        )
      : target
          .getJsDocTags(checker)
          .filter((t) => t.name === 'example')
          .map((t) => ts.displayPartsToString(t.text));
    const examples = texts.flatMap((t) => [...t.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
    return { name: s.name, at, examples };
  });
}

describe('API docs (TSDoc on the package entry)', () => {
  let base: ts.Program;
  let exports: Documented[];
  beforeAll(() => {
    base = ts.createProgram({ rootNames: ['src/index.ts'], options: OPTIONS });
    exports = entryExports(base);
  }, 120_000);

  it('should give every export of src/index.ts a TSDoc comment with an @example code block', () => {
    expect(exports.length).toBeGreaterThan(40);
    const missing = exports.filter((e) => e.examples.length === 0).map((e) => `${e.name} (${e.at})`);
    expect(missing, 'exports without an @example in their TSDoc').toEqual([]);
  });

  it('should type-check every example against the package API', () => {
    // Each example becomes an in-memory module next to this file, importing `mirrorlab` from src/index.ts.
    const files = new Map<string, string>();
    // Numbered too: names that differ only in case (`ScenarioWorld`, `scenarioWorld`) are one file to TypeScript.
    for (const [k, e] of exports.entries())
      for (const [i, code] of e.examples.entries())
        files.set(
          `${ROOT}/test/docs/__examples__/${k}-${e.name}-${i}.ts`,
          `${code.replaceAll("from 'mirrorlab'", "from '../../../src/index.ts'")}\nexport {};\n`,
        );
    const host = ts.createCompilerHost(OPTIONS);
    const { getSourceFile, fileExists } = host;
    host.getSourceFile = (name, language, ...rest) => {
      const text = files.get(name);
      return text === undefined
        ? getSourceFile.call(host, name, language, ...rest)
        : ts.createSourceFile(name, text, language);
    };
    host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
    const program = ts.createProgram({ rootNames: [...files.keys()], options: OPTIONS, host, oldProgram: base });
    const errors = [...files.keys()].flatMap((f) =>
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(f))
        .map(
          (d) =>
            `${f.replace(`${ROOT}/test/docs/__examples__/`, '')}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
        ),
    );
    expect(files.size).toBeGreaterThanOrEqual(exports.length);
    expect(errors).toEqual([]);
  }, 180_000);
});
