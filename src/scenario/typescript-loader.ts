/**
 * Loading a user's TypeScript driver module: Node 20 cannot strip types, so tsx's loader is
 * registered the first time a `.ts` module is imported (bin/mirrorlab.mjs registers it up front
 * only when the CLI itself runs from the TypeScript sources).
 *
 * A `.ts` file with no `"type": "module"` package.json above it is CommonJS to Node and tsx, so
 * a driver written with `import`/`export` in a bare folder failed with "Cannot require() ES
 * Module … in a cycle". A resolve hook registered after tsx (so it runs first) marks such a
 * file as TypeScript ESM unless its package says `"type": "commonjs"` outright.
 */
import { register } from 'node:module';

export const TYPESCRIPT = /\.[cm]?tsx?$/;

/** Runs in Node's hooks thread, so it is plain JavaScript with only built-in imports. */
const ESM_TYPESCRIPT_HOOK = `
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const TS = /\\.tsx?$/;
function declaredType(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type;
    } catch (e) {
      if (e.code !== 'ENOENT') return undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (!r.url.startsWith('file:') || !TS.test(new URL(r.url).pathname)) return r;
  if (r.format !== 'commonjs' && r.format !== 'commonjs-typescript') return r;
  if (declaredType(fileURLToPath(r.url)) === 'commonjs') return r;
  return { ...r, format: 'module-typescript' };
}
`;

/** The hook as a URL for `module.register` (the driver probe thread registers it too: driver-probe.ts). */
export const ESM_TYPESCRIPT_HOOK_URL = `data:text/javascript,${encodeURIComponent(ESM_TYPESCRIPT_HOOK)}`;

/**
 * A driver module may live anywhere (a folder with no node_modules, /tmp): its imports of
 * `xstate` and `mirrorlab` that Node cannot resolve from where it is are resolved from this
 * package instead, so the module gets the very copies mirrorlab runs it with. Other missing
 * packages fail as usual. Plain JavaScript, built-in imports only (Node's hooks thread).
 */
const PACKAGE_FALLBACK_HOOK = `
let ours;
export function initialize(data) { ours = data.parentURL; }
const OURS = /^(?:xstate|mirrorlab)(?:\\/|$)/;
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !OURS.test(specifier) || context.parentURL === ours) throw e;
    return next(specifier, { ...context, parentURL: ours });
  }
}
`;

/** The fallback hook and what it resolves from (the probe thread registers it too: driver-probe.ts). */
export const PACKAGE_FALLBACK = {
  url: `data:text/javascript,${encodeURIComponent(PACKAGE_FALLBACK_HOOK)}`,
  parentURL: import.meta.url,
};

/** Register the fallback once, before any driver module (TypeScript or JavaScript) is imported. */
export function ensurePackageFallback(): void {
  const g = globalThis as { __mirrorlabPackageFallback?: boolean };
  if (g.__mirrorlabPackageFallback) return;
  register(PACKAGE_FALLBACK.url, { data: { parentURL: PACKAGE_FALLBACK.parentURL } });
  g.__mirrorlabPackageFallback = true;
}

export async function ensureTypeScriptLoader(file: string): Promise<void> {
  const g = globalThis as { __mirrorlabTypeScript?: boolean; __mirrorlabEsmTypeScript?: boolean };
  if (!TYPESCRIPT.test(file)) return;
  if (!g.__mirrorlabTypeScript) {
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    g.__mirrorlabTypeScript = true;
  }
  if (!g.__mirrorlabEsmTypeScript) {
    register(ESM_TYPESCRIPT_HOOK_URL);
    g.__mirrorlabEsmTypeScript = true;
  }
}
