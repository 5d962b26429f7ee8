/**
 * The package's own files (the bundled battery and conformance suite), found from this module's
 * place rather than the working directory, so an installed mirrorlab works from any folder.
 */
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/cli/ in the sources, dist/src/cli/ in the build. */
const ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../..' : '../../..', import.meta.url));

/** A bundled file or folder, relative to the working directory when it lies below it (shorter messages). */
export function bundledPath(rel: string): string {
  const abs = join(ROOT, rel);
  const fromCwd = relative(process.cwd(), abs);
  return fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : abs;
}
