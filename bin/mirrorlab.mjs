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
let internalErrorReport;
if (process.env.MIRRORLAB_FROM_SOURCE !== '1' && freshBuild(root)) {
  ({ main, internalErrorReport } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  globalThis.__mirrorlabTypeScript = true;
  ({ main, internalErrorReport } = await import('../src/cli/main.ts'));
}
// An error that escapes every command (thrown later, on a timer or a stream) is still a bug
// report with exit 4, never a bare stack trace (src/cli/exit-codes.ts).
const escaped = (e) => {
  const debug = process.argv.includes('--debug') || process.env.MIRRORLAB_DEBUG === '1';
  const args = process.argv.slice(2).filter((a) => a !== '--debug');
  process.stderr.write(`${internalErrorReport(e, args, debug)}\n`);
  process.exit(4);
};
process.on('uncaughtException', escaped);
process.on('unhandledRejection', escaped);
process.exitCode = await main(process.argv, undefined, { interruptible: true });
