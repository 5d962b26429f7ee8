/**
 * Every export of the package's entry (src/index.ts) has TSDoc with an `@example` at its
 * declaration (issue 11 item 8), which is what `npm run docs` (TypeDoc) renders. TypeScript 7
 * has no JS API, so the declarations are read with the TypeScript 6 compiler API that TypeDoc
 * itself runs on (the `typescript-6` devDependency, see README "Choices made").
 */

import ts from 'typescript-6';
import { describe, expect, it } from 'vitest';

/** The exports of src/index.ts, each with where it is declared and whether its TSDoc has an example. */
function entryExports(): { name: string; at: string; example: boolean }[] {
  const program = ts.createProgram({
    rootNames: ['src/index.ts'],
    options: {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      noResolve: false,
    },
  });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile('src/index.ts');
  if (!entry) throw new Error('src/index.ts not found');
  const module = checker.getSymbolAtLocation(entry);
  if (!module) throw new Error('src/index.ts is not a module');
  return checker.getExportsOfModule(module).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    if (!decl) return { name: s.name, at: '?', example: false };
    const file = decl.getSourceFile();
    const at = `${file.fileName.replace(`${process.cwd()}/`, '')}:${file.getLineAndCharacterOfPosition(decl.getStart()).line + 1}`;
    // `export * as ns from './file'`: the namespace's doc is the file's first comment (TypeDoc's module comment).
    const example = ts.isSourceFile(decl)
      ? /^\s*\/\*\*[\s\S]*?@example[\s\S]*?\*\//.test(decl.text)
      : target
          .getJsDocTags(checker)
          .some((t) => t.name === 'example' && ts.displayPartsToString(t.text).includes('```'));
    return { name: s.name, at, example };
  });
}

describe('API docs (TSDoc on the package entry)', () => {
  it('should give every export of src/index.ts a TSDoc comment with an @example code block', () => {
    const exports = entryExports();
    expect(exports.length).toBeGreaterThan(40);
    const missing = exports.filter((e) => !e.example).map((e) => `${e.name} (${e.at})`);
    expect(missing, 'exports without an @example in their TSDoc').toEqual([]);
  }, 120_000);
});
