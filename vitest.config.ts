import { defineConfig } from 'vitest/config';

// Tests talk to the real MySQL/MariaDB, Redis and Kafka; files run one at a time so that
// timings and server load of one file do not disturb another on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
