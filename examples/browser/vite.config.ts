// Vite builds the page: `npx vite build examples/browser` (or `npx vite examples/browser` to serve it).
// In this repository `mirrorlab/browser` means the sources (tsconfig.json "paths"); in your
// project it is the installed package. Either way nothing is aliased.
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  build: { target: 'es2022' },
});
