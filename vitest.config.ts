import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Each file gets its own module graph; handlers keep module-level caches (as on Lambda).
    isolate: true,
    testTimeout: 20_000,
    setupFiles: ['test/setup.ts'],
  },
});
