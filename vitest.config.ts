import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn dist/cli.js: compile the TypeScript once before any test runs.
    globalSetup: ['test/helpers/build-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
