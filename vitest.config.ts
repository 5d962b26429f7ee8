import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/longest-first-sequencer.ts';

// The examples import the package by name, as a user's code does; here that name means the sources.
const entries: Record<string, string> = {
  mirrorlab: 'src/index.ts',
  'mirrorlab/machines': 'src/machines.ts',
  'mirrorlab/browser': 'src/browser.ts',
  'mirrorlab/testing': 'src/testing/index.ts',
};

export default defineConfig({
  resolve: {
    alias: Object.entries(entries).map(([name, file]) => ({
      find: new RegExp(`^${name}$`),
      replacement: fileURLToPath(new URL(file, import.meta.url)),
    })),
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests are bounded by work (states, schedules, seeds), never by the clock: CI runs on a
    // shared, busy machine where the same work can take several times longer. The timeout is
    // only a backstop against a real hang.
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    // Files share their worker's module registry rather than each importing the whole package
    // again: on this 2-core machine 193 s against 245 s quiet, 295 s against 391 s with a fuzz
    // campaign taking a core (2026-12-07). So a file must leave no global behind (a `window`:
    // test/support/mermaid-parser.ts; the interrupt flag: clearInterrupt), and a file that
    // vi.mocks a module the CLI imports loads the CLI after vi.resetModules (check-threads.test.ts).
    isolate: false,
    // Both cores: many tests wait on child processes (the CLI, npm pack, Chromium) rather than compute.
    maxWorkers: 2,
    // Longest files first, even without vitest's cached timings (a fresh checkout).
    sequence: { sequencer: LongestFirstSequencer },
  },
});
