import { defineConfig } from 'vitest/config';

// Tests talk to the real MySQL/MariaDB, Redis and Kafka; files run one at a time so that
// timings and server load of one file do not disturb another on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    // The live-view tests check interactive rendering; with CI set (as CI runners do), ink
    // switches to its CI mode and prints only the last frame.
    env: { CI: 'false' },
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
