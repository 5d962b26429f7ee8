import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests are bounded by work (states, schedules, seeds), never by the clock: CI runs on a
    // shared, busy machine where the same work can take several times longer. The timeout is
    // only a backstop against a real hang.
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
  },
});
