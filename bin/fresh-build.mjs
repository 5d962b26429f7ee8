// Whether dist/ holds a build of the current sources: the CLI then runs the built JavaScript
// (half the start-up time of compiling the TypeScript through tsx on every start), else the
// sources through tsx, so a working copy with edits never runs a stale build.
// An installed package (under node_modules) is always a build of its sources, and npm gives its
// files the time of extraction, in tarball order, so times say nothing there.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const SOURCES = ['src', 'machines', 'actors'];

export function freshBuild(root) {
  if (root.split(sep).includes('node_modules')) return existsSync(join(root, 'dist', 'src', 'cli', 'main.js'));
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
