import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Each file gets its own module graph; handlers keep module-level caches (as on Lambda).
    isolate: true,
    // One worker per core (vitest's default is cores - 1, a single worker on a 2-core machine): the simulator tests
    // spend much of their time waiting on child processes (packaged functions, chaos workers), so a second worker on
    // 2 cores made test/sim 1.54x faster. `--maxWorkers N` on the command line still overrides it.
    maxWorkers: availableParallelism(),
    testTimeout: 20_000,
    setupFiles: ['test/setup.ts'],
  },
});
