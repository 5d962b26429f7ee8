#!/usr/bin/env node
// The CLI: the built JavaScript in dist/ when it is a build of the current sources (an
// installed package always is), else the TypeScript sources through tsx (a working copy with
// edits). A user's TypeScript driver module is loaded through tsx either way
// (src/scenario/typescript-loader.ts).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBuild } from './fresh-build.mjs';

// A reader that stops early (`mirrorlab machines --json | head -1`) closes the pipe: stop
// quietly, as other command-line tools do, instead of dying on EPIPE with a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const root = dirname(dirname(fileURLToPath(import.meta.url)));
let main;
if (process.env.MIRRORLAB_FROM_SOURCE !== '1' && freshBuild(root)) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  globalThis.__mirrorlabTypeScript = true;
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv, undefined, { interruptible: true });
