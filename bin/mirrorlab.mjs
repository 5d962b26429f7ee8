#!/usr/bin/env node
// Runs the TypeScript CLI directly (Node 20 has no type stripping): tsx registers its loader,
// which also lets `--driver ./my-driver.ts` load a user's TypeScript driver module.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
