/**
 * Loading a user's TypeScript driver module: Node 20 cannot strip types, so tsx's loader is
 * registered the first time a `.ts` module is imported (bin/mirrorlab.mjs registers it up front
 * only when the CLI itself runs from the TypeScript sources).
 */
const TYPESCRIPT = /\.[cm]?tsx?$/;

export async function ensureTypeScriptLoader(file: string): Promise<void> {
  const g = globalThis as { __mirrorlabTypeScript?: boolean };
  if (!TYPESCRIPT.test(file) || g.__mirrorlabTypeScript) return;
  const { register } = await import('tsx/esm/api');
  register();
  g.__mirrorlabTypeScript = true;
}
