// `npm run docs` runs TypeDoc with `node --import ./bin/typedoc-ts6.mjs`: TypeDoc needs the
// TypeScript compiler API, which TypeScript 7 (the project's `tsc`) does not have, and no TypeDoc
// release supports TypeScript 7 yet. This hook hands TypeDoc the `typescript-6` devDependency
// (TypeScript 6.0, an npm alias) whenever TypeDoc imports `typescript`; nothing else is redirected.
// The project keeps type-checking with TypeScript 7. See README, "Choices made".
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL && context.parentURL.includes('/node_modules/typedoc/')) {
    return next('typescript-6', context);
  }
  return next(specifier, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);
