// Whether dist/ holds a build of the current sources: the CLI then runs the built JavaScript
// (half the start-up time of compiling the TypeScript through tsx on every start), else the
// sources through tsx, so a working copy with edits never runs a stale build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'machines', 'actors'];

export function freshBuild(root) {
  let built;
  try {
    built = statSync(join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() ? newer(p) : e.name.endsWith('.ts') && statSync(p).mtimeMs > built) return true;
    }
    return false;
  };
  return !SOURCES.some((d) => newer(join(root, d)));
}
