#!/usr/bin/env node
// Runs the TypeScript CLI directly (Node 20 has no type stripping): tsx registers its loader,
// which also lets `--driver ./my-driver.ts` load a user's TypeScript driver module.
import { register } from 'tsx/esm/api';

// A reader that stops early (`mirrorlab machines --json | head -1`) closes the pipe: stop
// quietly, as other command-line tools do, instead of dying on EPIPE with a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
