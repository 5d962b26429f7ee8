#!/usr/bin/env node
// Bundles the studio's page (src/studio/page/: mirrorlab/browser and the page's code) into
// dist/studio/ with Vite, at build time: an installed package has no devDependencies, so
// `mirrorlab studio` serves this prebuilt bundle and never bundles anything itself.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Build the page into `outDir` (dist/studio by default): index.html and its script, nothing fetched from the network. */
export async function buildStudioPage(outDir = join(root, 'dist', 'studio')) {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: join(root, 'src', 'studio', 'page'),
    base: './',
    logLevel: 'warn',
    // `mirrorlab/browser` is this package's own entry: its sources, through tsconfig.json "paths".
    resolve: { tsconfigPaths: true },
    build: { outDir: resolve(outDir), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildStudioPage(process.argv[2]);
